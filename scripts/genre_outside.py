"""The genre head with outside data (issue 29): held-out numbers, and what it calls real pages.

Reads the states cached by ``scripts/genre_states.py`` (and reads the rest through the default
model), chooses the head as ``spinscan train --kind genre --outside`` does, and prints:
the held-out scores (each SemEval language left out, each outside source left out) of the chosen
head and of the 0.4.0 recipe on the same folds, and the genres that the shipped head and the new
one give the web pages' true text (``../shared/data/web-articles``: news the heads never saw).

    python scripts/genre_outside.py --data ../shared/data --cache runs/genre/states.npz
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from pathlib import Path

import numpy as np


def genres_of(model, head, settings, states, arts) -> list[str]:
    """What the model's genre rule (head, class weights, temperature) calls each article."""
    from spinscan.models.heads import with_class_weights, with_temperature
    from spinscan.models.style import genre_inputs

    langs = [a.lang for a in arts]
    x = genre_inputs(states, [a.text for a in arts], langs, settings.genre_features)
    weights = [settings.genre_weights_for(lang) for lang in langs]
    p = with_temperature(with_class_weights(head.proba_in(x, langs), weights), settings.genre_temperature)
    return [head.labels[k] for k in p.argmax(1)], p


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--cache", default="runs/genre/states.npz")
    ap.add_argument("--out", default="runs/genre/metrics.json")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    sys.path.insert(0, str(Path(__file__).parent))
    from genre_states import web_articles

    from spinscan.analysis import get_model
    from spinscan.labels import TRAIN_LANGUAGES
    from spinscan.semeval.data import Dataset
    from spinscan.training.genre import pool_centres
    from spinscan.training.genre_mix import choose_with_outside
    from spinscan.training.outside import outside_articles
    from spinscan.training.states import StateCache, cached_article_states, states_tag

    data = Path(args.data)
    model = get_model()
    ds = Dataset(data / "semeval2023")
    arts = [a for lang in TRAIN_LANGUAGES for a in ds.articles(lang, "train", 1) if a.genre and a.paragraphs]
    test = [a for lang in ds.languages("test", 1) for a in ds.articles(lang, "test", 1) if a.paragraphs]
    pool = arts + test
    extra = outside_articles(data / "genre-en")
    web = web_articles(data / "web-articles")
    cache = StateCache(args.cache, states_tag(model))
    states = cached_article_states(model, pool + extra + web, cache)
    n = len(pool) + len(extra)
    centres = pool_centres(states[: len(pool)], [a.text for a in pool], [a.lang for a in pool])
    head, metrics = choose_with_outside(states[:n], arts, extra, centres)
    old_head, s = model.article_heads["genre"], model.settings
    old, _ = genres_of(model, old_head, s, states[n:], web)

    from spinscan.models.encoder.settings import EncoderSettings

    chosen = metrics["chosen"]
    config = dict(model.config, genre_features=["state", "style"], genre_temperature=chosen["temperature"],
                  genre_class_weights=chosen["class_weights"])  # fmt: skip
    New = EncoderSettings.from_config(config, s.members)
    new, p = genres_of(model, head, New, states[n:], web)
    metrics["web_pages"] = {
        "pages": len(web),
        "languages": dict(Counter(a.lang for a in web)),
        "0.4.0": dict(Counter(old)),
        "new": dict(Counter(new)),
        "satire_pages_new": [a.meta["url"] for a, g in zip(web, new) if g == "satire"],
        "max_satire_probability_new": round(float(p[:, 2].max()), 3),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(metrics, indent=1), encoding="utf-8")
    show = {k: metrics[k] for k in ("chosen", "held_out_before_satire_rule", "satire_weights", "web_pages")}
    show["held_out"] = {k: v for k, v in metrics["held_out"].items()}
    show["recipe_0_4_0"] = {k: v for k, v in metrics["recipe_0_4_0_same_folds"].items()}
    show["semeval_only_cells"] = metrics["semeval_only_same_folds"]
    print(json.dumps(show, indent=1))
    print(json.dumps(metrics["candidates"], indent=0))
    np.save(Path(args.out).with_suffix(".web.npy"), p)


if __name__ == "__main__":
    main()
