"""A language member: a model's fine-tuned top, trained on more epochs of some languages only,
added to the model as a member that only those languages use.

The run continues the base model's first member on the chosen languages (``--init-from``
with ``--lang``), so its epoch 0 is the base model on those languages' held-out rows. On
those rows we choose the epoch and the member's weight in the average with the base
(best-threshold micro-F1), then the languages' thresholds for the blended probabilities
(with the lexical partner, as the base model blends it) and their own span settings (the
member's token probabilities are calibrated apart from the base's). Reported scores use
thresholds and span settings cross-fitted over two halves of the held-out articles.
"""

from __future__ import annotations

import copy
import logging
from pathlib import Path

from ...errors import ModelError
from ...labels import TECHNIQUES
from ...models.base import load_model, read_json, write_json
from ...models.encoder import EncoderModel
from ...models.heads import thresholds_for
from ...semeval.evaluate import evaluate_ptc_si
from ..cards import language_member_section
from ..selection import (
    BLEND_WEIGHTS,
    best_global_f1,
    choose_thresholds,
    cross_fitted,
    micro_f1,
    named_thresholds,
    per_language,
)
from .finish import heldout_lexical_probs, lexical_partner
from .run import EncoderRun
from .spans import HeldoutSpans

log = logging.getLogger(__name__)


def _check_base(base: EncoderModel, run: EncoderRun) -> None:
    for lang in run.cfg.languages:  # epoch 0 must be what the base model gives these languages
        w = base.member_weights(lang)
        if w[0] < 1.0 - 1e-6:
            raise ModelError(
                f"{run.cfg.init_from}: language {lang!r} already averages several members ({w}); "
                "a language member can only be added where the base uses its first member alone"
            )


def add_language_member(
    run: EncoderRun,
    out_dir: str | Path,
    lexical_dir: str | Path | None,
    lexical_probs=None,
    conservative: bool = False,
) -> EncoderModel:
    """Write the base model plus the run's best epoch as a member for the run's languages.

    The lexical partner's held-out probabilities are a partner refitted without the held-out
    articles (from ``lexical_dir``'s settings), or ``lexical_probs`` when given (articles no
    part of the base saw: the shipped partner's own)."""
    if not run.cfg.init_from:
        raise ModelError("a language member continues a saved model: give --init-from with --lang")
    base = load_model(run.cfg.init_from)
    if not isinstance(base, EncoderModel):
        raise ModelError(f"{run.cfg.init_from}: not an encoder model")
    _check_base(base, run)
    done = run.epochs_done()
    if 0 not in done or len(done) < 2:
        raise RuntimeError(f"{run.work}: no fine-tuned epoch beside epoch 0; run the fine-tuning first")
    tab, held = run.data.paragraphs, run.data.heldout()
    y, langs, groups = tab.y[held], tab.langs[held], tab.groups[held]
    probs = {e: run.heldout_member_probs(e)[0] for e in done}  # epoch 0: the base
    p0 = probs[0]
    scores = {
        (e, float(w)): best_global_f1(y, (1 - w) * p0 + w * probs[e])
        for e in done
        if e > 0
        for w in BLEND_WEIGHTS
    }
    epoch, w = max(scores, key=scores.get)
    log.info("language member: epoch %d, weight %.1f (held-out micro-F1 %.4f)", epoch, w, scores[epoch, w])
    w3 = base.settings.blend("techniques") if base.lexical else 1.0
    p_lex = 0.0
    if base.lexical and lexical_probs is not None:
        p_lex = lexical_probs
    elif base.lexical:
        if lexical_dir is None:
            raise ModelError("a language member of a model with a lexical partner needs its directory")
        feat, chosen_c = lexical_partner(run, lexical_dir)
        p_lex = heldout_lexical_probs(run, feat, chosen_c["techniques"])
    p_enc = {"base": p0, "with member": (1 - w) * p0 + w * probs[epoch]}
    t0, te = run.heldout_token_probs(0), run.heldout_token_probs(epoch)
    tok = {"base": t0, "with member": [(1 - w) * a + w * b for a, b in zip(t0, te)]}
    report: dict = {"languages": list(run.cfg.languages), "epoch": epoch, "weight": w}
    tt = run.data.token_table()
    for name, pe in p_enc.items():
        p = w3 * pe + (1 - w3) * p_lex
        pred = cross_fitted(p, y, langs, groups, run.cfg.seed)
        hs = HeldoutSpans(run, tok[name], pred, tt)
        report[name] = {
            "techniques": {"all": round(micro_f1(y, pred), 4), **per_language(micro_f1, y, pred, langs)},
            "spans": hs.by_lang(hs.predict(base.span_config)),  # the base's settings
            # settings chosen on these languages alone (cross-fitted): the fair comparison
            "spans_own_settings": hs.by_lang(hs.cross_fitted(run.cfg.seed)),
        }
        if name == "with member":
            own = hs.choose(set(hs.arts))
    keep_thresholds = keep_spans = True
    if conservative:
        keep_thresholds, keep_spans = as_shipped(run, base, report, p_enc, p_lex, w3, tok, tt, y, langs)
    log.info("language member held-out: %s", report)
    thresholds = copy.deepcopy(base.thresholds)
    new = named_thresholds(
        choose_thresholds(w3 * p_enc["with member"] + (1 - w3) * p_lex, y, langs), list(TECHNIQUES)
    )
    for lang in run.cfg.languages if keep_thresholds else ():
        thresholds["techniques"][lang] = new.get(lang, new["*"])  # ("*": no shift was worth it)
    n = len(base.top_states)
    table = dict(base.config.get("member_weights") or {"*": [1.0 / n] * n})
    table = {k: [*v, 0.0] for k, v in table.items()}
    for lang in run.cfg.languages:
        table[lang] = [round(1 - w, 4), *[0.0] * (n - 1), round(w, 4)]
    by_lang = dict(base.config.get("spans_by_language") or {})
    by_lang.update({lang: own for lang in run.cfg.languages} if keep_spans else {})
    config = dict(base.config, members=n + 1, member_weights=table, spans_by_language=by_lang)
    config["language_members"] = [
        *base.config.get("language_members", []),
        {"member": n, "languages": list(run.cfg.languages), "epoch": epoch, "weight": w,
         "train": {k: v for k, v in vars(run.cfg).items() if k != "extra"}},
    ]  # fmt: skip
    tops = [*base.top_states, run.top_states(epoch)[0]]
    model = EncoderModel(config, tops, base.article_heads, thresholds, base.lexical, base.folder)
    out = Path(out_dir)
    model.save(out)
    ptc = run.data.ptc_dev_dir()
    if ptc and "en" in run.cfg.languages:
        report["ptc2020_dev_si"] = evaluate_ptc_si(model, ptc)
    base_dir = Path(run.cfg.init_from)
    metrics = read_json(base_dir / "metrics.json") if (base_dir / "metrics.json").is_file() else {}
    metrics["language_members"] = [*metrics.get("language_members", []), report]
    write_json(out / "metrics.json", metrics)
    readme = (
        (base_dir / "README.md").read_text(encoding="utf-8") if (base_dir / "README.md").is_file() else ""
    )
    (out / "README.md").write_text(readme + language_member_section(report), encoding="utf-8")
    return model


def as_shipped(run, base, report, p_enc, p_lex, w3, tok, tt, y, langs) -> tuple[bool, bool]:
    """What the base and the member do on the held-out rows with the base's own thresholds and
    span settings; whether the language's own (cross-fitted in ``report``) do better."""
    import numpy as np

    labels = list(TECHNIQUES)
    rows = {
        lang: thresholds_for(base.thresholds["techniques"], lang, labels)
        + base.settings.shift("techniques", lang)
        for lang in run.cfg.languages
    }
    fixed = {}
    for name, pe in p_enc.items():
        p = w3 * pe + (1 - w3) * p_lex
        pred = np.stack([p[i] >= rows[lang] for i, lang in enumerate(langs)]).astype(int)
        hs = HeldoutSpans(run, tok[name], pred, tt)
        spans = hs.by_lang(hs.predict(base.span_config))["aware"]["all"]
        fixed[name] = {"techniques": round(micro_f1(y, pred), 4), "spans": spans}
    member = report["with member"]
    keep_thresholds = member["techniques"]["all"] > fixed["with member"]["techniques"]
    keep_spans = member["spans_own_settings"]["aware"]["all"] > member["spans"]["aware"]["all"]
    taught = {
        "techniques": member["techniques"]["all"] if keep_thresholds else fixed["with member"]["techniques"],
        "spans": member["spans_own_settings" if keep_spans else "spans"]["aware"]["all"]
        if keep_thresholds
        else fixed["with member"]["spans"],
    }
    report["as_shipped"] = {
        "base": fixed["base"],
        "taught": taught,
        "own_thresholds": bool(keep_thresholds),
        "own_span_settings": bool(keep_spans),
    }
    return keep_thresholds, keep_spans
