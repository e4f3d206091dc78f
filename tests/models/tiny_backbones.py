"""Tiny randomly initialised encoders and their tokenizers, built from a config (nothing is
downloaded): what the Hugging Face backbone tests train, export and compare on."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
TEXTS = [  # enough words for a vocabulary in the test's languages; the rest becomes pieces
    "The government said on Tuesday that the corrupt traitors lie again and again.",
    "Le gouvernement a dit mardi que les traîtres corrompus mentent encore.",
    "Die Regierung sagte am Dienstag, dass die Verräter wieder lügen.",
    "Il governo ha detto martedì che i traditori corrotti mentono ancora.",
    "Rząd powiedział we wtorek, że skorumpowani zdrajcy znowu kłamią.",
    "Правительство заявило во вторник, что продажные предатели снова лгут.",
]


def wordpiece(vocab_size: int = 600, texts: list[str] | None = None):
    """A WordPiece tokenizer (BERT's normaliser and pre-tokenizer) learnt on ``texts``."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=SPECIALS)
    tok.train_from_iterator((texts or TEXTS) * 3, trainer)
    return tok


def tiny_bert(folder: Path, kind: str = "bert", layers: int = 3, hidden: int = 32, vocab_only: bool = False,
              texts: list[str] | None = None, seed: int = 0) -> Path:  # fmt: skip
    """A tiny random ``kind`` (bert, electra, roberta, deberta-v2) encoder with a WordPiece
    tokenizer in ``folder`` (``vocab_only``: vocab.txt alone, as the oldest BERT folders have it)."""
    import torch
    from transformers import AutoConfig, AutoModel, BertTokenizerFast

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    wp = wordpiece(texts=texts)
    fast = BertTokenizerFast(tokenizer_object=wp, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                             sep_token="[SEP]", mask_token="[MASK]")  # fmt: skip
    if vocab_only:
        vocab = sorted(wp.get_vocab().items(), key=lambda kv: kv[1])
        (folder / "vocab.txt").write_text("".join(f"{w}\n" for w, _ in vocab), encoding="utf-8")
    else:
        fast.save_pretrained(folder)
    sizes = dict(
        hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=2, intermediate_size=2 * hidden
    )
    extra = {"electra": dict(embedding_size=hidden // 2), "deberta-v2": dict(relative_attention=True,
             position_buckets=16, max_relative_positions=64, pos_att_type=["p2c", "c2p"], position_biased_input=False)}  # fmt: skip
    cfg = AutoConfig.for_model(
        kind, vocab_size=wp.get_vocab_size(), max_position_embeddings=130, pad_token_id=0,
        **sizes, **extra.get(kind, {}),
    )  # fmt: skip
    torch.manual_seed(seed)
    model = AutoModel.from_config(cfg)
    model.save_pretrained(folder)
    return folder


def tiny_deberta_v3(folder: Path, layers: int = 3, hidden: int = 32) -> Path:
    """A tiny DeBERTa-v3-style encoder whose tokenizer is only a SentencePiece model (spm.model),
    as mDeBERTa-v3 ships it: transformers converts it to a fast tokenizer."""
    import io

    import sentencepiece as spm
    import torch
    from transformers import AutoConfig, AutoModel

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(TEXTS * 5), model_writer=buf, vocab_size=120, model_type="unigram",
        pad_id=0, unk_id=3, bos_id=1, eos_id=2, pad_piece="[PAD]", unk_piece="[UNK]", bos_piece="[CLS]",
        eos_piece="[SEP]", user_defined_symbols=["[MASK]"], minloglevel=2,
    )  # fmt: skip
    (folder / "spm.model").write_bytes(buf.getvalue())
    (folder / "tokenizer_config.json").write_text(
        '{"tokenizer_class": "DebertaV2Tokenizer", "do_lower_case": false, "bos_token": "[CLS]", '
        '"eos_token": "[SEP]", "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]", '
        '"unk_token": "[UNK]", "mask_token": "[MASK]"}'
    )
    cfg = AutoConfig.for_model(
        "deberta-v2", vocab_size=120, max_position_embeddings=130, pad_token_id=0, hidden_size=hidden,
        num_hidden_layers=layers, num_attention_heads=2, intermediate_size=2 * hidden, relative_attention=True,
        position_buckets=16, max_relative_positions=64, pos_att_type=["p2c", "c2p"], position_biased_input=False,
        norm_rel_ebd="layer_norm", share_att_key=True,
    )  # fmt: skip
    torch.manual_seed(0)
    AutoModel.from_config(cfg).save_pretrained(folder)
    return folder
