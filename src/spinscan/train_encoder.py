"""Fine-tuning the e5-small encoder on the pooled train paragraphs of all six languages.

The recipe, stage by stage; every stage writes its result into a work folder, so a
run that is stopped resumes where it was (``spinscan train --kind encoder --work DIR``):

1. ``split``: a held-out part of train (15% of the articles of each language, by seed)
   that chooses the epoch, the thresholds and the ensemble weights; never trained on.
2. ``lower``: hidden states after the frozen lower layers for every paragraph (float16),
   computed once, so an epoch costs only the fine-tuned top layers.
3. ``finetune``: top layers + technique head, BCE loss, AdamW with warm-up and linear
   decay; a checkpoint every ``checkpoint_every`` batches and at each epoch's end, with
   the held-out probabilities of every epoch. With ``members`` > 1 the same recipe runs
   again from other random initialisations (``member<k>/`` in the work folder, sharing
   the cache of stage 2), and the model averages the members.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from .data import Dataset
from .labels import TECHNIQUES, TRAIN_LANGUAGES
from .train import Table, TrainConfig, _tables, micro_f1

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


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
    extra: dict = field(default_factory=dict)


@dataclass
class TokenTable:
    """Token-level data of the paragraph table (one entry per paragraph row)."""

    labels: list[np.ndarray]  # (tokens, 23) 0/1
    starts: list[np.ndarray]  # (tokens,) article character offsets; -1 for special/prefix tokens
    ends: list[np.ndarray]
    ids: list[str]  # article id of the row
    bounds: list[tuple[int, int]] = field(default_factory=list)  # the paragraph's trimmed text
    gold: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)  # article -> spans
    texts: dict[str, str] = field(default_factory=dict)  # article -> raw text (the offsets index it)


def token_chars(p, enc) -> tuple[np.ndarray, np.ndarray]:
    """Article character range of each token of a paragraph encoded from ``p.text.strip()``."""
    from .models.e5 import token_char_ranges

    base = p.start + len(p.text) - len(p.text.lstrip())
    return token_char_ranges(p.text.strip(), enc, base)


def heldout_mask(
    groups: np.ndarray, langs: np.ndarray, frac: float, seed: int, fixed: dict[str, set[str]] | None = None
) -> np.ndarray:
    """True for rows whose article is held out: ``frac`` of each language's articles, or, for a
    language in ``fixed``, exactly those article ids (found in the data)."""
    rng = np.random.RandomState(seed)
    held: set[str] = set()
    fixed = fixed or {}
    for lang in sorted(set(langs.tolist())):
        arts = sorted(set(groups[langs == lang].tolist()))
        if fixed.get(lang):
            held.update(a for a in arts if a in fixed[lang])
            continue
        k = max(1, round(frac * len(arts))) if len(arts) > 1 else 0
        held.update(rng.choice(arts, size=k, replace=False).tolist())
    return np.array([g in held for g in groups])


def ptc_dev_ids(data_dir: Path) -> set[str]:
    """Article ids of the SemEval-2020 Task 11 (PTC) dev split, when it lies beside the data.

    They are SemEval-2023 English train articles; holding exactly them out lets the English
    spans be validated on the PTC dev gold without training on it.
    """
    d = Path(data_dir).resolve().parent / "ptc2020" / "dev-articles"
    return {p.stem[len("article") :] for p in d.glob("article*.txt")} if d.is_dir() else set()


def _save_json(path: Path, obj) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(obj, indent=2))
    tmp.replace(path)


class EncoderRun:
    """One fine-tuning run in a work folder; every method resumes from what is there."""

    def __init__(
        self,
        data_dir: str | Path,
        work: str | Path,
        cfg: EncoderTrainConfig | None = None,
        cache_dir: str | Path | None = None,
    ) -> None:
        self.work = Path(work)
        self.cache_dir = Path(cache_dir) if cache_dir else self.work  # the frozen-layer cache
        self.work.mkdir(parents=True, exist_ok=True)
        cfg_path = self.work / "train-config.json"
        if cfg_path.is_file() and cfg is None:
            cfg = EncoderTrainConfig(**json.loads(cfg_path.read_text()))
        self.cfg = cfg or EncoderTrainConfig()
        self.cfg.languages = tuple(self.cfg.languages)
        _save_json(cfg_path, asdict(self.cfg))
        self.ds = Dataset(data_dir)
        self._tabs: dict[str, Table] | None = None
        self._members: list[EncoderRun] | None = None

    @property
    def init_seed(self) -> int:
        if self.cfg.init_seed is not None:
            return self.cfg.init_seed
        return self.cfg.seed + 16 * self.cfg.member

    def members(self) -> list[EncoderRun]:
        """The runs of the ensemble's members, this one first; they share the frozen-layer cache."""
        if self.cfg.member:
            return [self]
        if self._members is None:
            self._members = [self]
            for k in range(1, self.cfg.members):
                cfg = replace(self.cfg, member=k, init_seed=None)
                sub = EncoderRun(self.ds.root, self.work / f"member{k}", cfg, cache_dir=self.cache_dir)
                sub.ds, sub._tabs = self.ds, self.tables  # the same data, read once
                self._members.append(sub)
        return self._members

    def finetune_members(self, progress: Progress | None = None) -> list[list[dict]]:
        """Fine-tune every member in turn (each resumes where it stopped); their histories."""
        runs, out = self.members(), []
        for k, run in enumerate(runs):
            if len(runs) > 1:
                log.info("member %d/%d (init seed %d)", k + 1, len(runs), run.init_seed)
            named = progress
            if progress and len(runs) > 1:
                named = lambda stage, d, t, k=k: progress(f"member {k + 1}/{len(runs)}: {stage}", d, t)  # noqa: E731
            out.append(run.finetune(named))
        return out

    def epochs_done(self) -> list[int]:
        """Epochs every member has finished (held-out probabilities saved)."""
        sets = [
            {int(p.stem.split("epoch")[1]) for p in r.work.glob("heldout-epoch*.npy")} for r in self.members()
        ]
        return sorted(set.intersection(*sets))

    def heldout_member_probs(self, epoch: int) -> list[np.ndarray]:
        """Held-out paragraph probabilities of an epoch, one array per member."""
        return [np.load(r.work / f"heldout-epoch{epoch}.npy") for r in self.members()]

    def heldout_token_probs(self, epoch: int) -> list[np.ndarray]:
        """Held-out token probabilities of an epoch (one (tokens, L) array per held-out row), averaged."""
        total: list[np.ndarray] | None = None
        runs = self.members()
        for r in runs:
            z = np.load(r.work / f"heldout-tokens-epoch{epoch}.npz")
            off, probs = z["offsets"], z["probs"].astype(np.float32) / len(runs)
            rows = [probs[off[k] : off[k + 1]] for k in range(len(off) - 1)]
            total = rows if total is None else [a + b for a, b in zip(total, rows)]
        return total or []

    def top_states(self, epoch: int) -> list[dict[str, np.ndarray]]:
        """The fine-tuned tops of an epoch, one per member."""
        import torch

        out = []
        for r in self.members():
            state = torch.load(r.work / f"top-epoch{epoch}.pt", weights_only=True)
            out.append({k: v.numpy() for k, v in state.items()})
        return out

    @property
    def tables(self) -> dict[str, Table]:
        if self._tabs is None:
            tc = TrainConfig(
                languages=self.cfg.languages, max_articles_per_language=self.cfg.max_articles_per_language
            )
            self._tabs = _tables(self.ds, tc)
        return self._tabs

    @property
    def paragraphs(self) -> Table:
        return self.tables["techniques"]

    def heldout(self) -> np.ndarray:
        t = self.paragraphs
        fixed = {"en": ptc_dev_ids(self.ds.root)} if self.cfg.heldout_en_ptc_dev else None
        return heldout_mask(t.groups, t.langs, self.cfg.heldout, self.cfg.seed, fixed)

    def token_table(self) -> TokenTable:
        """Per paragraph row: token span labels and each token's characters in the article.

        A token is labelled with a technique when a gold span of it overlaps the token's
        characters (leading whitespace excluded). Rows follow the paragraph table's order.
        """
        from .models.e5 import E5Tokenizer

        tok = E5Tokenizer()
        tt = TokenTable([], [], [], [])
        index = {t: j for j, t in enumerate(TECHNIQUES)}
        for lang in self.cfg.languages:
            for a in self.ds.articles(lang, "train", 3)[: self.cfg.max_articles_per_language]:
                if a.techniques is None:
                    continue
                spans = a.spans or []
                tt.gold[a.id] = [(sp.technique, sp.start, sp.end) for sp in spans]
                tt.texts[a.id] = a.text
                paras = a.paragraphs
                encs = tok.encode([p.text.strip() for p in paras], self.cfg.max_tokens)
                for p, enc in zip(paras, encs):
                    starts, ends = token_chars(p, enc)
                    lab = np.zeros((len(enc.ids), len(TECHNIQUES)), dtype=np.int8)
                    for sp in spans:
                        if sp.start < p.end and sp.end > p.start:
                            lab[
                                (starts >= 0) & (starts < sp.end) & (ends > sp.start), index[sp.technique]
                            ] = 1
                    tt.labels.append(lab)
                    tt.starts.append(starts)
                    tt.ends.append(ends)
                    tt.ids.append(a.id)
                    lead = len(p.text) - len(p.text.lstrip())
                    tt.bounds.append((p.start + lead, p.start + len(p.text.rstrip())))
        if len(tt.labels) != len(self.paragraphs.texts):
            raise RuntimeError("token labels and paragraph table disagree; the data changed during the run")
        return tt

    # ---- stage 2: frozen lower layers, cached -------------------------------------------
    def lower(self, progress: Progress | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(flat float16 states, row offsets) after the frozen layers, for every paragraph."""
        path = self.cache_dir / f"lower-{self.cfg.n_frozen}-{self.cfg.max_tokens}.npz"
        if path.is_file():
            z = np.load(path)
            return z["states"], z["offsets"]
        import torch

        from .models.e5 import E5Tokenizer, build_bert, read_packed
        from .models.encoder_net import length_batches, lower_states

        torch.set_num_threads(self.cfg.threads)
        packed = read_packed()
        bert, tok = build_bert(packed), E5Tokenizer(packed)
        encs = tok.encode(self.paragraphs.texts, self.cfg.max_tokens)
        lengths = [len(e.ids) for e in encs]
        out: list[np.ndarray | None] = [None] * len(encs)
        t0, done = time.time(), 0
        for batch in length_batches(lengths, 32, None):
            for i, s in zip(
                batch, lower_states(bert, [encs[i] for i in batch], self.cfg.n_frozen, tok.special["pad"])
            ):
                out[i] = s
            done += len(batch)
            if progress:
                progress("encoding paragraphs (frozen layers)", done, len(encs))
            if done % 1024 < 32:
                log.info("lower: %d/%d paragraphs, %.1f/s", done, len(encs), done / (time.time() - t0))
        offsets = np.cumsum([0] + lengths)
        states = np.concatenate(out)  # type: ignore[arg-type]
        np.savez(path.with_suffix(".tmp.npz"), states=states, offsets=offsets)
        path.with_suffix(".tmp.npz").replace(path)
        log.info("lower: %d paragraphs in %.0f s", len(encs), time.time() - t0)
        return states, offsets

    # ---- stage 3: fine-tune the top ------------------------------------------------------
    def finetune(self, progress: Progress | None = None) -> list[dict]:
        """Train (resuming from the last checkpoint); return the per-epoch held-out scores."""
        import torch

        from .models.e5 import build_bert
        from .models.encoder_net import TopStack, length_batches, pad_states, pad_token_labels

        cfg = self.cfg
        torch.set_num_threads(cfg.threads)
        torch.manual_seed(self.init_seed)
        states, offsets = self.lower(progress)
        rows = [states[offsets[i] : offsets[i + 1]] for i in range(len(offsets) - 1)]
        y = torch.from_numpy(self.paragraphs.y.astype(np.float32))
        tt = self.token_table()
        tok_labels, tok_valid = tt.labels, [st >= 0 for st in tt.starts]
        if any(len(t) != len(r) for t, r in zip(tok_labels, rows)):
            raise RuntimeError("token labels do not match the cached states; delete the lower-*.npz cache")
        held = self.heldout()
        train_idx, held_idx = np.flatnonzero(~held), np.flatnonzero(held)
        lengths = np.array([len(r) for r in rows])
        top = TopStack(build_bert(), cfg.n_frozen, len(TECHNIQUES), cfg.dropout)
        head_params = list(top.paragraph_head.parameters()) + list(top.token_head.parameters())
        layer_params = list(top.layers.parameters())
        opt = torch.optim.AdamW(
            [{"params": layer_params, "lr": cfg.lr_layers}, {"params": head_params, "lr": cfg.lr_head}],
            weight_decay=cfg.weight_decay,
        )
        steps_per_epoch = math.ceil(len(train_idx) / cfg.batch_size)
        total = steps_per_epoch * cfg.epochs
        warm = max(1, int(cfg.warmup * total))
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
        )
        ckpt = self.work / "checkpoint.pt"
        epoch, step_in_epoch, history = 0, 0, []
        held_rows = [rows[i] for i in held_idx]
        if cfg.init_from and not ckpt.is_file():
            top.load_state_dict(self._init_state(cfg.init_from, cfg.member))
            if not (self.work / "top-epoch0.pt").is_file():  # the starting point competes as epoch 0
                p0 = self._save_epoch(0, top, held_rows)
                log.info("epoch 0 (%s) held-out: %s", cfg.init_from, self.score_heldout(p0, held_idx))
        if ckpt.is_file():
            st = torch.load(ckpt, weights_only=False)
            top.load_state_dict(st["top"])
            opt.load_state_dict(st["opt"])
            sched.load_state_dict(st["sched"])
            epoch, step_in_epoch, history = st["epoch"], st["step"], st["history"]
            log.info("resuming at epoch %d, step %d", epoch + 1, step_in_epoch)
        loss_fn = torch.nn.BCEWithLogitsLoss()

        def save(ep: int, step: int) -> None:
            tmp = ckpt.with_suffix(".tmp")
            payload = {"top": top.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict()}
            torch.save({**payload, "epoch": ep, "step": step, "history": history}, tmp)
            tmp.replace(ckpt)

        while epoch < cfg.epochs:
            rng = np.random.RandomState(self.init_seed + epoch)
            batches = [train_idx[b] for b in length_batches(lengths[train_idx].tolist(), cfg.batch_size, rng)]
            top.train()
            t0, seen, run_loss = time.time(), 0, 0.0
            for k in range(step_in_epoch, len(batches)):
                b = batches[k]
                h, m = pad_states([rows[i] for i in b])
                para_logits, tok_logits = top(h, m)
                tl, tv = pad_token_labels([tok_labels[i] for i in b], [tok_valid[i] for i in b], h.shape[1])
                loss = loss_fn(para_logits, y[b]) + cfg.token_weight * loss_fn(tok_logits[tv], tl[tv])
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(top.parameters(), 1.0)
                opt.step()
                sched.step()
                seen += len(b)
                lv = loss.item()
                run_loss = 0.98 * run_loss + 0.02 * lv if k > step_in_epoch else lv
                if progress:
                    progress(f"epoch {epoch + 1}/{cfg.epochs}", k + 1, len(batches))
                if (k + 1) % 50 == 0:
                    log.info(
                        "epoch %d step %d/%d loss %.4f %.1f paragraphs/s",
                        epoch + 1, k + 1, len(batches), run_loss, seen / (time.time() - t0),
                    )  # fmt: skip
                if (k + 1) % cfg.checkpoint_every == 0:
                    save(epoch, k + 1)
            p = self._save_epoch(epoch + 1, top, held_rows)
            history.append({"epoch": epoch + 1, **self.score_heldout(p, held_idx)})
            log.info("epoch %d held-out: %s", epoch + 1, history[-1])
            epoch, step_in_epoch = epoch + 1, 0
            save(epoch, 0)
        return history

    def _save_epoch(self, epoch: int, top, held_rows: list[np.ndarray]) -> np.ndarray:
        """Held-out paragraph and token probabilities of an epoch, and its weights."""
        import torch

        p, tp = self.predict_rows(top, held_rows)
        np.save(self.work / f"heldout-epoch{epoch}.npy", p)
        np.savez(
            self.work / f"heldout-tokens-epoch{epoch}.npz",
            probs=np.concatenate(tp).astype(np.float16),
            offsets=np.cumsum([0] + [len(t) for t in tp]),
        )
        torch.save(top.state_dict(), self.work / f"top-epoch{epoch}.pt")
        return p

    def _init_state(self, model_dir: str, member: int = 0) -> dict:
        """A fine-tuned top of a saved encoder model, refused when its held-out split differs."""
        import torch

        from .errors import ModelError
        from .models.base import read_model_dir
        from .models.encoder import member_states

        config, _, _, tensors = read_model_dir(Path(model_dir))
        old = config.get("train", {})
        same = {k: old.get(k) for k in ("seed", "heldout", "heldout_en_ptc_dev", "n_frozen", "max_tokens")}
        mine = {k: getattr(self.cfg, k) for k in same}
        if same != mine:
            raise ModelError(f"{model_dir}: trained with {same}, this run has {mine}; its held-out differs")
        tops = member_states(tensors)
        if member >= len(tops):
            raise ModelError(
                f"{model_dir}: has {len(tops)} fine-tuned member(s); this run needs member {member + 1}"
            )
        return {k: torch.from_numpy(v.astype(np.float32)) for k, v in tops[member].items()}

    @staticmethod
    def predict_rows(
        top, rows: list[np.ndarray], batch_size: int = 64
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Paragraph probabilities (n, L) and token probabilities ((len, L) per row)."""
        import torch

        from .models.encoder_net import length_batches, pad_states

        top.eval()
        out = np.zeros((len(rows), top.paragraph_head.out_features), dtype=np.float32)
        toks: list[np.ndarray] = [np.zeros(0)] * len(rows)
        with torch.no_grad():
            for b in length_batches([len(r) for r in rows], batch_size, None):
                h, m = pad_states([rows[i] for i in b])
                pl, tl = top(h, m)
                out[b] = torch.sigmoid(pl).numpy()
                tp = torch.sigmoid(tl).numpy()
                for j, i in enumerate(b):
                    toks[i] = tp[j, : len(rows[i])]
        return out, toks

    def score_heldout(self, p: np.ndarray, held_idx: np.ndarray) -> dict:
        """Micro-F1 per language at the best single threshold (a quick epoch-to-epoch measure)."""
        t = self.paragraphs
        y, langs = t.y[held_idx], t.langs[held_idx]
        grid = np.arange(0.1, 0.61, 0.025)
        best = max(grid, key=lambda th: micro_f1(y, p >= th))
        res = {"threshold": round(float(best), 3), "all": round(micro_f1(y, p >= best), 4)}
        for lang in sorted(set(langs.tolist())):
            m = langs == lang
            res[lang] = round(micro_f1(y[m], p[m] >= best), 4)
        return res


def run_recipe(data_dir: str | Path, work: str | Path, cfg: EncoderTrainConfig | None = None,
               progress: Progress | None = None) -> list[dict]:  # fmt: skip
    """Stages 1-3 of the recipe; resumable."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    run = EncoderRun(data_dir, work, cfg)
    return [h for hs in run.finetune_members(progress) for h in hs]
