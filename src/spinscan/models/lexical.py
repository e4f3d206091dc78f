"""The lexical model: TF-IDF word + character n-grams and linear heads.

The featuriser is stored as vocabulary lists and IDF weights, the heads as float16
matrices, so the default model stays small enough to commit and loads with no
pickle. Featurising is done by our own code in training and prediction alike,
so what was validated is exactly what runs.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..errors import ModelError
from ..labels import FRAMES, GENRES, TECHNIQUES
from ..types import Article
from .base import Model, Prediction, read_json, read_model_dir, register, write_json, write_model_dir
from .heads import LinearHead, decide, decide_genre

log = logging.getLogger(__name__)

DEFAULT_FEATURES: dict[str, Any] = {
    "word_ngrams": [1, 2],
    "char_ngrams": [3, 5],
    "word_max_features": 100000,
    "char_max_features": 100000,
    "min_df": 2,
}


# The n-grams scikit-learn's CountVectorizer makes (lowercase=True; analyzer "word" with its
# default token pattern, "char_wb"), written out so that analysing never imports scikit-learn
# (2.7 s of a 6.5 s cold analysis); tests check both give the same counts.
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_SPACES = re.compile(r"\s\s+")


def word_ngrams(text: str, lo: int, hi: int) -> list[str]:
    tokens = _TOKEN.findall(text.lower())
    out = list(tokens) if lo == 1 else []
    for n in range(max(lo, 2), hi + 1):
        out += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return out


def char_wb_ngrams(text: str, lo: int, hi: int) -> list[str]:
    out = []
    for w in _SPACES.sub(" ", text.lower()).split():
        w = f" {w} "
        for n in range(lo, hi + 1):
            out += [w[i : i + n] for i in range(max(1, len(w) - n + 1))]
            if len(w) <= n:  # a short word counts once, at its shortest n
                break
    return out


def _word_vectorizer(cfg: dict[str, Any], **kw: Any):
    from sklearn.feature_extraction.text import CountVectorizer  # training only

    return CountVectorizer(lowercase=True, ngram_range=tuple(cfg["word_ngrams"]), dtype=np.float32, **kw)


def _char_vectorizer(cfg: dict[str, Any], **kw: Any):
    from sklearn.feature_extraction.text import CountVectorizer  # training only

    return CountVectorizer(
        lowercase=True, analyzer="char_wb", ngram_range=tuple(cfg["char_ngrams"]), dtype=np.float32, **kw
    )


class Featurizer:
    """Word and character TF-IDF blocks (sublinear tf, each block L2-normalised)."""

    def __init__(self, cfg: dict[str, Any], vocabs: list[list[str]], idfs: list[np.ndarray]) -> None:
        self.cfg = cfg
        self.vocabs = vocabs
        self.idfs = [np.asarray(i, dtype=np.float32) for i in idfs]
        self._index = [{t: j for j, t in enumerate(v)} for v in vocabs]
        w, c = tuple(cfg["word_ngrams"]), tuple(cfg["char_ngrams"])
        self._analyzers = [lambda t: word_ngrams(t, *w), lambda t: char_wb_ngrams(t, *c)]

    @classmethod
    def fit(cls, texts: list[str], cfg: dict[str, Any]) -> Featurizer:
        from sklearn.feature_extraction.text import TfidfVectorizer  # training only

        vocabs, idfs = [], []
        for make, key in ((_word_vectorizer, "word_max_features"), (_char_vectorizer, "char_max_features")):
            proto = make(cfg)
            tf = TfidfVectorizer(
                lowercase=True,
                analyzer=proto.analyzer,
                ngram_range=proto.ngram_range,
                min_df=cfg["min_df"],
                max_features=cfg[key],
                sublinear_tf=True,
                dtype=np.float32,
            ).fit(texts)
            vocab = sorted(tf.vocabulary_, key=tf.vocabulary_.get)
            vocabs.append(vocab)
            idfs.append(tf.idf_.astype(np.float32))
        return cls(cfg, vocabs, idfs)

    @property
    def n_features(self) -> int:
        return sum(len(v) for v in self.vocabs)

    def counts(self, texts: list[str], block: int) -> sp.csr_matrix:
        """The n-gram counts of one block (0 words, 1 characters) over its vocabulary."""
        index, analyse = self._index[block], self._analyzers[block]
        indptr, cols, vals = [0], [], []
        for t in texts:
            c = Counter(j for g in analyse(t) if (j := index.get(g)) is not None)
            keys = sorted(c)
            cols += keys
            vals += [c[k] for k in keys]
            indptr.append(len(cols))
        shape = (len(texts), len(index))
        return sp.csr_matrix((np.asarray(vals, np.float32), np.asarray(cols, np.int64), indptr), shape=shape)

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        blocks = []
        for b, idf in enumerate(self.idfs):
            x = self.counts(texts, b)
            x.data = 1.0 + np.log(x.data)  # sublinear tf
            x = (x @ sp.diags(idf)).tocsr()
            norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
            norms[norms == 0] = 1.0
            blocks.append(sp.diags(1.0 / norms).astype(np.float32) @ x)
        out = sp.hstack(blocks).tocsr().astype(np.float32)
        out.sort_indices()
        return out


@register("lexical")
class LexicalModel(Model):
    """TF-IDF + linear model for genre (softmax), frames and techniques (one-vs-rest)."""

    def __init__(
        self,
        config: dict[str, Any],
        featurizer: Featurizer,
        heads: dict[str, LinearHead],
        thresholds: dict[str, dict[str, dict[str, float]]],
    ) -> None:
        super().__init__(config)
        self.featurizer = featurizer
        self.heads = heads
        self.thresholds = thresholds  # subtask -> lang|'*' -> label -> threshold

    def predict(self, articles: list[Article], subtasks: tuple[int, ...] = (1, 2, 3)) -> list[Prediction]:
        if not articles:
            return []
        out = [Prediction() for _ in articles]
        if 1 in subtasks or 2 in subtasks:
            xa = self.featurizer.transform([a.text for a in articles])
        if 1 in subtasks:
            head = self.heads["genre"]
            prob = head.proba(xa)
            for pred, row in zip(out, prob):
                pred.genre_scores, pred.genre = decide_genre(head.labels, row)
        if 2 in subtasks:
            head = self.heads["frames"]
            prob = head.proba(xa)
            for a, pred, row in zip(articles, out, prob):
                pred.frame_scores, pred.frames = self._decide("frames", a.lang, row)
        if 3 in subtasks:
            paras = [a.paragraphs for a in articles]
            flat = [p.text.strip() for ps in paras for p in ps]
            prob = self.heads["techniques"].proba(self.featurizer.transform(flat)) if flat else None
            k = 0
            for a, pred, ps in zip(articles, out, paras):
                for _ in ps:
                    scores, chosen = self._decide("techniques", a.lang, prob[k])
                    pred.paragraph_scores.append(scores)
                    pred.paragraph_techniques.append(chosen)
                    k += 1
        return out

    def _decide(self, head: str, lang: str | None, row: np.ndarray) -> tuple[dict[str, float], list[str]]:
        return decide(self.thresholds[head], lang, self.heads[head].labels, row)

    def save(self, path: Path) -> None:
        tensors = {"idf.word": self.featurizer.idfs[0], "idf.char": self.featurizer.idfs[1]}
        for name, h in self.heads.items():
            tensors[f"{name}.coef"] = h.coef.astype(np.float16)
            tensors[f"{name}.intercept"] = h.intercept.astype(np.float32)
        labels = {name: h.labels for name, h in self.heads.items()}
        write_model_dir(path, dict(self.config, kind=self.kind), labels, self.thresholds, tensors)
        write_json(
            Path(path) / "vocabulary.json",
            {"word": self.featurizer.vocabs[0], "char": self.featurizer.vocabs[1]},
        )

    @classmethod
    def load(cls, path: Path) -> LexicalModel:
        path = Path(path)
        config, labels, thresholds, t = read_model_dir(path)
        vocab = read_json(path / "vocabulary.json")
        expected = {"genre": list(GENRES), "frames": list(FRAMES), "techniques": list(TECHNIQUES)}
        heads = {}
        for name in expected:
            if name not in labels or f"{name}.coef" not in t:
                raise ModelError(f"{path}: head {name!r} is missing; rebuild with `spinscan train`")
            heads[name] = LinearHead(
                labels=labels[name],
                coef=t[f"{name}.coef"].astype(np.float32),
                intercept=t[f"{name}.intercept"],
                softmax=name == "genre",
            )
        feat = Featurizer(config["features"], [vocab["word"], vocab["char"]], [t["idf.word"], t["idf.char"]])
        return cls(config, feat, heads, thresholds)
