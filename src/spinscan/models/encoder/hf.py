"""A Hugging Face encoder as the backbone: any model transformers' AutoModel loads, with a fast
tokenizer, read from a local folder (or a hub snapshot already on this machine).

Nothing is downloaded here unless the user allows it for ``describe`` (``HF_HUB_OFFLINE=0``);
analysing always loads offline. The tokenizer travels with the model directory as
``tokenizer.json`` and runs on the ``tokenizers`` package alone (the onnx backend needs neither
torch nor transformers once its graphs are built); the weights are referred to by folder, hub
name, revision and a digest of their files, or copied into the model's ``backbone/`` when asked.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import threading
from pathlib import Path

from ...errors import ModelError
from .interfaces import BackboneSpec, require_torch
from .tokens import Encoding

log = logging.getLogger(__name__)

TOKENIZER_FILE = "tokenizer.json"
COPY_DIR = "backbone"  # a model's own copy of its backbone's weights, when asked for
WEIGHT_SUFFIXES = (".safetensors", ".bin")
KEPT_FILES = ("config.json",)  # beside the weights, what a copy needs to load


class HFTokenizer:
    """A fast tokenizer from its ``tokenizer.json``; ids wrapped in the backbone's [CLS] ... [SEP],
    with each content token's [start, end) in the raw text (its normaliser keeps offsets)."""

    def __init__(self, path: Path, special: dict[str, int]) -> None:
        from tokenizers import Tokenizer

        try:
            self._tok = Tokenizer.from_file(str(path))
        except Exception as e:  # (tokenizers raises its own exception types)
            raise ModelError(f"{path}: not a tokenizer file that the tokenizers package reads ({e})") from e
        self._tok.no_truncation()
        self._tok.no_padding()
        self.special = dict(special)

    def encode(self, texts: list[str], max_tokens: int = 256, prefix: str = "") -> list[Encoding]:
        encs = self._tok.encode_batch([prefix + t for t in texts], add_special_tokens=False)
        pre = len(prefix)
        out = []
        for enc in encs:
            ids = enc.ids[: max_tokens - 2]
            offs = []
            for s, e in enc.offsets[: len(ids)]:
                s, e = s - pre, e - pre
                offs.append((s, e) if 0 <= s < e else (-1, -1))
            out.append(Encoding([self.special["cls"], *ids, self.special["sep"]], offs))
        return out


def weight_files(folder: Path) -> list[Path]:
    """The weight files of a transformers folder (safetensors preferred, as transformers does)."""
    st = sorted(folder.glob("*.safetensors"))
    return st or sorted(p for p in folder.glob("*.bin") if p.name.startswith("pytorch_model"))


def digest_files(files: list[Path]) -> str:
    h = hashlib.sha256()
    for p in files:
        h.update(p.name.encode())
        with open(p, "rb") as f:
            for block in iter(lambda: f.read(1 << 22), b""):
                h.update(block)
    return h.hexdigest()


def resolve_source(name_or_dir: str) -> tuple[Path, str | None]:
    """A local folder for a backbone given as a folder or a hub id, and the snapshot's revision.

    A hub id is looked up in the local Hugging Face cache; it is downloaded only when the user
    has turned offline mode off (``HF_HUB_OFFLINE=0``), never by default."""
    p = Path(name_or_dir).expanduser()
    if p.is_dir():
        return p.resolve(), None
    # (read here, not at import: huggingface_hub fixes its own settings when first imported)
    offline = os.environ.get("HF_HUB_OFFLINE", "1").lower() not in ("0", "false", "no")
    try:
        from huggingface_hub import snapshot_download

        folder = Path(
            snapshot_download(
                name_or_dir, local_files_only=offline, cache_dir=os.environ.get("HF_HUB_CACHE") or None
            )
        )
    except Exception as e:
        hint = (
            "; it is not in the local Hugging Face cache, and downloading is off (HF_HUB_OFFLINE=1): "
            "set HF_HUB_OFFLINE=0 where you may download, or give a folder"
            if offline
            else ""
        )
        raise ModelError(
            f"backbone {name_or_dir!r}: no such folder, and no hub model found ({e}){hint}"
        ) from e
    return folder, folder.name  # (a hub snapshot's folder is named by its commit)


def cached_snapshot(name: str, revision: str) -> Path | None:
    """The folder of a hub model's revision in the local Hugging Face cache, if it is there."""
    try:
        from huggingface_hub import snapshot_download

        cache = os.environ.get("HF_HUB_CACHE") or None
        return Path(snapshot_download(name, revision=revision, local_files_only=True, cache_dir=cache))
    except Exception:  # (not cached, or no huggingface_hub: the caller says where it looked)
        return None


def describe(name_or_dir: str, out: Path, copy: bool = False) -> BackboneSpec:
    """Read a backbone's config and tokenizer; write ``tokenizer.json`` (and, with ``copy``, the
    weights) into ``out``; return the spec a model on it records."""
    require_torch("training on a Hugging Face backbone")
    from transformers import AutoConfig, AutoTokenizer

    folder, revision = resolve_source(name_or_dir)
    files = weight_files(folder)
    if not files:
        raise ModelError(f"{folder}: no weights (*.safetensors or pytorch_model*.bin) in the backbone folder")
    try:
        cfg = AutoConfig.from_pretrained(folder, local_files_only=True)
        tok = AutoTokenizer.from_pretrained(folder, local_files_only=True, use_fast=True)
    except Exception as e:
        raise ModelError(f"{folder}: transformers cannot load this backbone ({e})") from e
    if not getattr(tok, "is_fast", False):
        raise ModelError(
            f"{folder}: needs a fast tokenizer (tokenizer.json, or one transformers can convert)"
        )
    layers = getattr(cfg, "num_hidden_layers", None)
    hidden = getattr(cfg, "hidden_size", None)
    if not layers or not hidden or getattr(cfg, "is_encoder_decoder", False):
        raise ModelError(
            f"{folder}: {cfg.model_type} is not an encoder spinscan can use (needs layers and a hidden size)"
        )

    def first(*names: str) -> int | None:
        for n in names:
            v = getattr(tok, f"{n}_token_id", None)
            if v is not None:
                return int(v)
        return None

    special = {"cls": first("cls", "bos"), "sep": first("sep", "eos"), "pad": first("pad")}
    if special["cls"] is None or special["sep"] is None:
        raise ModelError(f"{folder}: the tokenizer has no [CLS]/<s> or [SEP]/</s> token")
    if special["pad"] is None:
        special["pad"] = 0
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tok.backend_tokenizer.save(str(out / TOKENIZER_FILE))
    # positions: RoBERTa-style models offset theirs by the padding index; keep two spare
    max_tokens = int(min(getattr(cfg, "max_position_embeddings", 512) or 512, 1 << 16)) - 2
    path = str(folder)
    if copy:
        copy_weights(folder, out / COPY_DIR, files)
        path = COPY_DIR
    spec = BackboneSpec(
        kind="hf",
        name=str(name_or_dir),
        layers=int(layers),
        hidden=int(hidden),
        max_tokens=max_tokens,
        path=path,
        revision=revision,
        sha256=digest_files(files),
        files={p.name: p.stat().st_size for p in files},
        model_type=str(cfg.model_type),
        tokenizer=TOKENIZER_FILE,
        special={k: int(v) for k, v in special.items()},
        prefix="",
    )
    log.info("backbone %s", spec.label)
    return spec


def copy_weights(folder: Path, dest: Path, files: list[Path] | None = None) -> None:
    """The weights and config of ``folder`` into ``dest`` (a model's own copy)."""
    dest.mkdir(parents=True, exist_ok=True)
    for p in [*(files or weight_files(folder)), *(folder / n for n in KEPT_FILES)]:
        if p.is_file() and p.resolve() != (dest / p.name).resolve():
            shutil.copy2(p, dest / p.name)


class HFBackbone:
    """A transformers encoder recorded by a :class:`BackboneSpec`; ``folder`` holds the model
    directory's files (its tokenizer, and ``backbone/`` when the weights were copied)."""

    def __init__(self, spec: BackboneSpec, folder: Path | None) -> None:
        self.spec, self.folder = spec, folder
        self._tok: HFTokenizer | None = None
        self._lock = threading.Lock()

    def weights_folder(self) -> Path:
        """Where the weights are; a folder that moved or changed is a ModelError naming it."""
        s = self.spec
        p = Path(s.path or "")
        if not p.is_absolute() and self.folder is not None:
            p = self.folder / p
        if not p.is_dir() and s.revision:  # a hub snapshot: the same revision in this machine's cache
            p = cached_snapshot(s.name, s.revision) or p
        if not p.is_dir():
            raise ModelError(
                f"backbone {s.name}: its weights are not at {p} (the model refers to them there); "
                "put the folder back, or retrain with --copy-backbone to keep them in the model"
            )
        found = {f.name: f.stat().st_size for f in weight_files(p)}
        if s.files and found != s.files:
            raise ModelError(
                f"{self.where(p)}: its weight files {found} are not the ones this model was "
                f"trained on {s.files}"
            )
        return p

    def where(self, folder: Path) -> str:
        name = self.spec.name
        return f"backbone {name}" + ("" if Path(name).resolve() == folder.resolve() else f" at {folder}")

    def prefetch(self) -> None:
        """(the tokenizer file loads in milliseconds: nothing to overlap)"""

    def tokenizer(self) -> HFTokenizer:
        with self._lock:
            if self._tok is None:
                if self.folder is None:
                    raise ModelError(f"backbone {self.spec.name}: no folder holds its {self.spec.tokenizer}")
                self._tok = HFTokenizer(self.folder / str(self.spec.tokenizer), self.spec.special)
            return self._tok

    def torch_stack(self, attn: str = "eager"):
        require_torch("a Hugging Face backbone in torch")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from transformers import AutoModel
        from transformers.utils import logging as hf_logging

        from .network import Stack

        folder = self.weights_folder()
        bars, verbosity = hf_logging.is_progress_bar_enabled(), hf_logging.get_verbosity()
        hf_logging.disable_progress_bar()  # (a bar and a table of unused heads on each load: not ours)
        hf_logging.set_verbosity_error()
        try:  # eager attention: the same arithmetic on every device, and what the exporter traces
            model, info = AutoModel.from_pretrained(
                folder, local_files_only=True, attn_implementation=attn, output_loading_info=True
            )
        except Exception as e:
            raise ModelError(f"{folder}: transformers cannot load the backbone ({e})") from e
        finally:
            hf_logging.set_verbosity(verbosity)
            if bars:
                hf_logging.enable_progress_bar()
        # a weight the checkpoint lacks would be drawn at random on every load (the pooler is unused)
        missing = [k for k in info.get("missing_keys", []) if not k.startswith("pooler")]
        if missing:
            raise ModelError(
                f"{folder}: the checkpoint lacks weights the encoder needs: {', '.join(missing[:4])}"
            )
        return Stack.of(model.eval())

    def digest(self) -> str:
        return f"hf:{self.spec.sha256}"

    def check_digest(self) -> None:
        """The weights' files are the ones recorded (read whole: done once, when graphs are built)."""
        folder = self.weights_folder()
        if self.spec.sha256 and digest_files(weight_files(folder)) != self.spec.sha256:
            raise ModelError(f"{self.where(folder)}: the weights changed since training")

    def write_graphs(self, model, folder: Path, quantise: str) -> None:
        from .torch_export import write_hf_graphs

        self.check_digest()
        write_hf_graphs(model, self, folder, quantise)

    def files(self) -> dict[str, bytes]:
        if self.folder is None:
            return {}
        return {str(self.spec.tokenizer): (self.folder / str(self.spec.tokenizer)).read_bytes()}

    def save_into(self, dest: Path) -> None:
        """What a model directory on this backbone carries besides its weights."""
        for name, data in self.files().items():
            (dest / name).write_bytes(data)
        if (
            self.spec.path == COPY_DIR
            and self.folder
            and (self.folder / COPY_DIR).resolve() != (dest / COPY_DIR).resolve()
        ):
            copy_weights(self.folder / COPY_DIR, dest / COPY_DIR)
