"""The lexical featuriser's own n-grams give exactly scikit-learn's TF-IDF features."""

from __future__ import annotations

import numpy as np
import pytest

from spinscan.models.lexical import DEFAULT_FEATURES, Featurizer, char_wb_ngrams, word_ngrams

TEXTS = [
    "The corrupt elite lied AGAIN, and again!",
    "Les élites corrompues ont menti, encore une fois.",
    "Die   korrupte Elite hat gelogen — schon wieder.",
    "Коррумпированная элита снова солгала.",
    "Η διεφθαρμένη ελίτ είπε ψέματα ξανά.",
    "კორუმპირებულმა ელიტამ ისევ მოიტყუა.",
    "a I x",  # words shorter than the token pattern, n-grams longer than words
    "",
    "Elite elite ELITE: the the the.",
]


def test_ngrams_are_those_of_countvectorizer():
    sk = pytest.importorskip("sklearn.feature_extraction.text")
    word = sk.CountVectorizer(lowercase=True, ngram_range=(1, 2)).build_analyzer()
    char = sk.CountVectorizer(lowercase=True, analyzer="char_wb", ngram_range=(3, 5)).build_analyzer()
    for t in TEXTS:
        assert sorted(word_ngrams(t, 1, 2)) == sorted(word(t))
        assert sorted(char_wb_ngrams(t, 3, 5)) == sorted(char(t))
        assert sorted(word_ngrams(t, 2, 3)) == sorted(
            sk.CountVectorizer(ngram_range=(2, 3)).build_analyzer()(t)
        )


def test_features_equal_the_scikit_learn_pipeline():
    sk = pytest.importorskip("sklearn.feature_extraction.text")
    from sklearn.preprocessing import normalize

    cfg = dict(DEFAULT_FEATURES, min_df=1)
    f = Featurizer.fit(TEXTS * 2, cfg)
    got = f.transform(TEXTS).toarray()
    blocks = []
    for vocab, idf, kw in (
        (f.vocabs[0], f.idfs[0], {"ngram_range": (1, 2)}),
        (f.vocabs[1], f.idfs[1], {"analyzer": "char_wb", "ngram_range": (3, 5)}),
    ):
        x = sk.CountVectorizer(lowercase=True, vocabulary=vocab, dtype=np.float32, **kw).transform(TEXTS)
        x = x.astype(np.float32)
        x.data = 1.0 + np.log(x.data)
        blocks.append(normalize(x.multiply(idf).tocsr()).toarray())
    want = np.hstack(blocks)
    assert got.shape == want.shape and np.allclose(got, want, atol=1e-6)
    assert np.allclose(np.linalg.norm(got[0, : len(f.vocabs[0])]), 1.0, atol=1e-5)
