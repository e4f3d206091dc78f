"""Read every article the genre experiments use through the default model once, into a cache.

The mean frozen-layer state of each article (what the genre head reads) of: the SemEval-2023
train and test articles of every language, the capped and masked genre-en sample
(``training.outside``), and the 50 web pages' true text. Resumable: states are saved every
few dozen articles in ``--cache`` and a second run reads only what is missing.

    python scripts/genre_states.py --data ../shared/data --cache runs/genre/states.npz
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from spinscan.types import Article


def web_articles(folder: Path) -> list[Article]:
    """The web pages' true bodies as articles, their language identified as analyse does."""
    from spinscan.errors import UnsupportedLanguageError
    from spinscan.language import detect_language

    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    out = []
    for key in sorted(truth):
        text = truth[key]["articleBody"]
        try:
            lang, _ = detect_language(text)
        except UnsupportedLanguageError:  # (0.4.0 analyses nine languages; the rest are skipped)
            continue
        out.append(Article(f"web-{key[:12]}", text, lang, meta={"url": truth[key].get("url")}))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--cache", default="runs/genre/states.npz")
    ap.add_argument("--max-articles", type=int, default=None, help="per language and split (a quick run)")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    from spinscan.analysis import get_model
    from spinscan.semeval.data import Dataset
    from spinscan.training.outside import outside_articles
    from spinscan.training.states import StateCache, cached_article_states, states_tag

    data = Path(args.data)
    model = get_model()
    ds = Dataset(data / "semeval2023")
    arts = [
        a
        for split in ("train", "test")
        for lang in ds.languages(split, 1)
        for a in ds.articles(lang, split, 1)[: args.max_articles]
    ]
    arts += outside_articles(data / "genre-en", args.max_articles)
    arts += web_articles(data / "web-articles")
    arts = [a for a in arts if a.paragraphs]
    cache = StateCache(args.cache, states_tag(model))
    last = [0]

    def progress(what: str, n: int, total: int) -> None:
        if n - last[0] >= 50 or n == total:
            last[0] = n
            logging.info("%s: %d of %d", what, n, total)

    cached_article_states(model, arts, cache, progress)
    logging.info("done: %d articles in %s", len(arts), args.cache)


if __name__ == "__main__":
    main()
