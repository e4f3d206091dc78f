"""The data of an encoder run: train tables, the held-out split and token-level span labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ...labels import TECHNIQUES
from ...semeval.data import Dataset
from ..tables import Table, build_tables
from .config import EncoderTrainConfig


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
    known: list[bool] = field(default_factory=list)  # whether the row's spans are annotated at all


# beside an official layout written by ``learn``: article number -> the article it is a paragraph
# of ("groups", held out together), and the numbers annotated with paragraph labels only
LAYOUT_EXTRAS = "layout-extras.json"


def layout_extras(root: Path) -> dict:
    import json

    p = Path(root) / LAYOUT_EXTRAS
    d = json.loads(p.read_text(encoding="utf-8")) if p.is_file() else {}
    return {"groups": dict(d.get("groups") or {}), "spans_unknown": set(d.get("spans_unknown") or [])}


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


class RunData:
    """Train tables, held-out rows and token labels of a run, read once."""

    def __init__(self, ds: Dataset, cfg: EncoderTrainConfig, backbone=None) -> None:
        from ...models.encoder.backbones import BackboneSpec, backbone_for

        self.ds, self.cfg = ds, cfg
        self.backbone = backbone or backbone_for(BackboneSpec())  # its tokenizer cuts the token rows
        self._tabs: dict[str, Table] | None = None
        self.extras = layout_extras(ds.root)

    @property
    def tables(self) -> dict[str, Table]:
        if self._tabs is None:
            self._tabs = build_tables(self.ds, self.cfg.languages, self.cfg.max_articles_per_language)
        return self._tabs

    @property
    def paragraphs(self) -> Table:
        return self.tables["techniques"]

    def heldout(self) -> np.ndarray:
        """True for the paragraph rows of held-out articles (never trained on)."""
        t = self.paragraphs
        fixed = {"en": ptc_dev_ids(self.ds.root)} if self.cfg.heldout_en_ptc_dev else None
        groups = self.extras["groups"]
        if groups:  # paragraph items of one article go to one side together
            by = np.array([groups.get(g, g) for g in t.groups.tolist()])
            return heldout_mask(by, t.langs, self.cfg.heldout, self.cfg.seed, fixed)
        return heldout_mask(t.groups, t.langs, self.cfg.heldout, self.cfg.seed, fixed)

    def ptc_dev_dir(self) -> Path | None:
        """The PTC folder when the English held-out articles are exactly its dev split."""
        d = self.ds.root.resolve().parent / "ptc2020"
        return d if self.cfg.heldout_en_ptc_dev and ptc_dev_ids(self.ds.root) else None

    def token_table(self) -> TokenTable:
        """Per paragraph row: token span labels and each token's characters in the article.

        A token is labelled with a technique when a gold span of it overlaps the token's
        characters (leading whitespace excluded). Rows follow the paragraph table's order.
        """
        from ...models.encoder.tokens import token_char_ranges

        tok = self.backbone.tokenizer()
        tt = TokenTable([], [], [], [])
        index = {t: j for j, t in enumerate(TECHNIQUES)}
        for lang in self.cfg.languages:
            for a in self.ds.articles(lang, "train", 3)[: self.cfg.max_articles_per_language]:
                if a.techniques is None:
                    continue
                spans = a.spans or []
                known = a.id not in self.extras["spans_unknown"]
                tt.gold[a.id] = [(sp.technique, sp.start, sp.end) for sp in spans]
                tt.texts[a.id] = a.text
                paras = a.paragraphs
                encs = tok.encode([p.text.strip() for p in paras], self.cfg.max_tokens)
                for p, enc in zip(paras, encs):
                    starts, ends = token_char_ranges(p.text.strip(), enc, p.trimmed[0])
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
                    tt.bounds.append(p.trimmed)
                    tt.known.append(known)
        if len(tt.labels) != len(self.paragraphs.texts):
            raise RuntimeError("token labels and paragraph table disagree; the data changed during the run")
        return tt
