"""``analyze()``: the one entry point that the CLI, the API and batch runs share."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from .errors import InputError
from .language import LanguageGuess, identify
from .languages import language_name, normalise_language
from .models.base import PRETRAINED, Model, Prediction, load_model
from .normalise import back_to_original, composed, needs_composing
from .reading.clutter import mark_clutter
from .text import check_text
from .types import Analysis, Article, ParagraphResult, Span
from .voice import AUTHOR, QUOTED, quoted_ranges, quoted_share, voice_of

log = logging.getLogger(__name__)

DEFAULT_MODEL = "encoder-0.2"
LEXICAL_MODEL = "lexical-0.1"
_cache: dict[str, Model] = {}
_lock = threading.Lock()


def default_model_path() -> Path:
    """The model used when none is given: $SPINSCAN_MODEL, else the one shipped in the package."""
    env = os.environ.get("SPINSCAN_MODEL")
    return Path(env) if env else PRETRAINED / DEFAULT_MODEL


def default_lexical_path() -> Path:
    """The shipped lexical model (the encoder model's ensemble partner)."""
    return PRETRAINED / LEXICAL_MODEL


def technique_reliability(
    model_dir: str | Path | None = None, zero_shot: bool = False
) -> dict[str, dict[str, Any]]:
    """Per technique, how often the model's marks were right on held-out articles (paragraph
    precision and recall, from its metrics.json); with ``zero_shot``, as measured for languages
    that did not train the model (never a trained language's); {} when not measured."""
    path = Path(model_dir) if model_dir else default_model_path()
    try:
        metrics = json.loads((path / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    key = "techniques_heldout_by_label_zero_shot" if zero_shot else "techniques_heldout_by_label"
    return dict(metrics.get(key, {}).get("labels", {}))


def reliability_tables(model_dir: str | Path | None = None) -> dict[bool, dict[str, dict[str, Any]]]:
    """Both reliability tables, by whether the article was analysed zero-shot."""
    return {z: technique_reliability(model_dir, z) for z in (False, True)}


def zero_shot_quality(model_dir: str | Path | None = None) -> dict[str, Any]:
    """What the model measured for unseen languages, each trained language left out in turn
    (metrics.json ``zero_shot``, and the genre head's ``genre_shift``): per head, its mean over the
    six languages as trained and as unseen; {} when not measured."""
    path = Path(model_dir) if model_dir else default_model_path()
    try:
        metrics = json.loads((path / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    z = dict(metrics.get("zero_shot") or {})
    held = (metrics.get("genre_shift") or {}).get("held_out") or {}
    if z and held.get("leave_one_language_out"):  # genre: its head chosen leaving languages out
        strip = {k: v for k, v in held["leave_one_language_out"].items() if k != "mean"}
        z["genre"] = {"trained": {k: v for k, v in held["grouped_cv"].items() if k != "mean"}}
        z["genre"]["unseen_nested"] = strip

    def mean(d: dict | None) -> float | None:
        vals = [v for v in (d or {}).values() if isinstance(v, int | float)]
        return round(sum(vals) / len(vals), 3) if vals else None

    unseen = {
        "techniques": "unseen_shipped",
        "spans": "unseen_chosen",
        "frames": "unseen_shipped",
        "genre": "unseen_nested",
    }
    return {
        head: {"trained": mean(z[head].get("trained")), "zero_shot": mean(z[head].get(key))}
        for head, key in unseen.items()
        if isinstance(z.get(head), dict)
    }


def taught_quality(model_dir: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """Per language taught through ``spinscan learn``: paragraph technique micro-F1 and span F1
    (aware) with where they were measured: a test set of its own where one was run (metrics.json
    ``taught``), else learn's held-out share of the annotations; {} when none was taught."""
    path = Path(model_dir) if model_dir else default_model_path()
    try:
        metrics = json.loads((path / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out: dict[str, dict[str, Any]] = {}
    for r in metrics.get("language_members") or []:
        shipped = (r.get("as_shipped") or {}).get("taught")
        lang = r.get("language") or (r.get("languages") or [None])[0]
        if not isinstance(shipped, dict) or not isinstance(lang, str):
            continue
        out[lang] = {
            "techniques": shipped.get("techniques"),
            "spans": shipped.get("spans"),
            "measured_on": f"{r['heldout_articles']} held-out annotated items (learn's own share)"
            if "heldout_articles" in r
            else "learn's held-out share of the annotations",
        }
    for lang, m in (metrics.get("taught") or {}).items():  # a test of its own, where one was run
        if isinstance(m, dict):
            out[lang] = {k: m.get(k) for k in ("techniques", "spans", "measured_on")}
    return out


def in_ten(x: float | None) -> str:
    """0.43 -> "4 in 10" (how a reader hears a precision); None -> "not measured"."""
    return "not measured" if x is None else f"{round(10 * x)} in 10"


def get_model(path: str | Path | None = None, backend: str | None = None) -> Model:
    """Load a model directory once per process and share it (loading is the slow part).

    ``backend`` (``onnx`` or ``torch``) picks how an encoder model runs; default
    $SPINSCAN_BACKEND, else onnx. Other model kinds have one way to run.
    """
    from .models.encoder.model import BACKENDS, default_backend

    chosen = backend or default_backend()
    if chosen not in BACKENDS:
        raise InputError(
            f"unknown backend {chosen!r}; expected one of {', '.join(BACKENDS)}", setting="backend"
        )
    key = (str(Path(path or default_model_path()).resolve()), chosen)
    with _lock:
        if key not in _cache:
            m = load_model(key[0])
            if hasattr(m, "use_backend"):
                m.use_backend(chosen)
            _cache[key] = m
        return _cache[key]


def resolve_language(text: str, lang: str | None) -> tuple[str, LanguageGuess | None]:
    """spinscan's code of the language to use, and what identification found (None when given)."""
    if lang:
        return normalise_language(lang), None
    guess = identify(text)
    return guess.code, guess


def mask(text: str, skipped: dict[int, str]) -> str:
    """``text`` with the skipped lines blanked (same length, so every offset stays)."""
    if not skipped:
        return text
    lines = text.split("\n")
    for line_no in skipped:
        if 1 <= line_no <= len(lines):
            lines[line_no - 1] = " " * len(lines[line_no - 1])
    return "\n".join(lines)


def with_voices(p, spans: list[Span], techniques: list[str]) -> tuple[list[Span], dict[str, str]]:
    """Each span marked quoted or author, and each technique's voice by its spans' characters."""
    if not spans:
        return spans, {}
    ranges = [(p.start + s, p.start + e) for s, e in quoted_ranges(p.text)]
    marked = [dataclasses.replace(sp, voice=voice_of(ranges, sp.start, sp.end)) for sp in spans]
    voices = {}
    for t in techniques:
        own = [sp for sp in marked if sp.technique == t]
        chars = sum(sp.end - sp.start for sp in own)
        inside = sum(quoted_share(ranges, sp.start, sp.end) * (sp.end - sp.start) for sp in own)
        voices[t] = QUOTED if chars and inside / chars > 0.5 else AUTHOR
    return marked, voices


def to_analysis(
    article: Article,
    pred: Prediction,
    model: Model,
    detected: bool,
    skipped: dict[int, str] | None = None,
    analysed: Article | None = None,
) -> Analysis:
    """A model's prediction for an article, as the user sees it (scores rounded to 4 places).

    ``pred`` is the prediction for ``analysed``, the article without its ``skipped``
    paragraphs (line -> reason), which come back with no techniques and their reason.
    """
    skipped = skipped or {}
    if analysed is None:
        analysed = Article(id=article.id, text=mask(article.text, skipped), lang=article.lang)
    found = {
        p.line_no: (techs, scores, spans)
        for p, techs, scores, spans in zip(
            analysed.paragraphs,
            pred.paragraph_techniques,
            pred.paragraph_scores,
            pred.spans_by_paragraph(analysed),
        )
    }
    paragraphs = []
    for p in article.paragraphs:
        if p.line_no not in found and p.line_no not in skipped:
            continue  # (a prediction without subtask 3)
        techs, scores, spans = found.get(p.line_no, ([], {}, []))
        # one rule for every output (report, --json, API, store, exports): a span is kept only
        # for a technique its paragraph is labelled with
        spans = [sp for sp in spans if sp.technique in techs]
        spans, voices = with_voices(p, spans, techs)
        paragraphs.append(
            ParagraphResult(
                line_no=p.line_no,
                start=p.start,
                end=p.end,
                text=p.text,
                techniques=techs,
                scores={t: round(v, 4) for t, v in scores.items()},
                spans=spans,
                voices=voices,
                skipped=skipped.get(p.line_no),
            )
        )
    return Analysis(
        id=article.id,
        lang=article.lang or "",
        lang_detected=detected,
        genre=pred.genre,
        genre_scores={k: round(v, 4) for k, v in pred.genre_scores.items()},
        frames=pred.frames,
        frame_scores={k: round(v, 4) for k, v in pred.frame_scores.items()},
        paragraphs=paragraphs,
        model={"name": model.name, "kind": model.kind, "version": model.version},
        lang_name=language_name(article.lang),
        zero_shot=bool(article.lang) and article.lang not in model.trained_languages,
        zero_shot_heads=model.zero_shot_heads(article.lang) + narrative_zero_shot(model, article.lang, pred),
        narratives=pred.narratives,
        subnarratives=pred.subnarratives,
        narrative_scores={k: round(v, 4) for k, v in pred.narrative_scores.items()},
        entities=pred.entities,
        genre_evidence=genre_evidence(pred.genre_evidence, paragraphs),
    )


def genre_evidence(found: dict[str, Any], paragraphs: list[ParagraphResult]) -> dict[str, Any]:
    """The model's genre cues with paragraphs named by their place in ``paragraphs`` (the
    model names them by start offset: it never sees the skipped ones)."""
    if not found:
        return {}
    at = {p.start: i for i, p in enumerate(paragraphs)}
    cues = found.get("cues", {})
    for p in paragraphs:
        if p.start in cues:
            subj, sat = cues[p.start]
            p.cues = {"subjective": subj} | ({} if sat is None else {"satire": sat})
    return {
        "paragraphs": found["paragraphs"],
        "subjective_share": found["subjective_share"],
        "subjective_mean": found["subjective_mean"],
        "satire_cue": found["satire_cue"],
        "subjective_paragraphs": [at[s] for s in found["subjective_paragraphs"] if s in at],
        "satire_paragraphs": [[at[s], score] for s, score in found["satire_paragraphs"] if s in at],
    }


def narrative_zero_shot(model: Model, lang: str | None, pred: Prediction) -> list[str]:
    """``["narratives", "entity roles"]`` when those heads read ``lang`` without having learnt
    from its articles (the model has them and ``lang`` is not one of theirs)."""
    if not (pred.narratives or pred.entities) or not lang:
        return []
    return [] if lang in model.narrative_languages() else ["narratives", "entity roles"]


def analyze(
    text: str,
    lang: str | None = None,
    model: Model | str | Path | None = None,
    id: str | None = None,
    keep_clutter: bool = False,
    skipped: dict[int, str] | None = None,
) -> Analysis:
    """Analyse one article: genre, frames and the techniques of each paragraph.

    ``text`` is the raw article (first line = title, as in the official data); offsets in
    the result index this exact string. ``lang`` is an official or ISO code; when omitted it
    is detected. Lines that are page clutter (menus, notices, a caption printed twice) are
    marked and skipped: they stay in the result with ``skipped`` set to the reason and count
    in nothing; ``keep_clutter`` analyses every line. ``skipped`` gives the marks instead
    (line number -> reason), as a :class:`~spinscan.reading.Document` of a web page holds them.
    """
    t0 = time.perf_counter()
    check_text(text)
    m = model if isinstance(model, Model) else get_model(model)
    t1 = time.perf_counter()
    if needs_composing(text):  # decomposed accents: analyse the composed copy, map offsets back
        c = composed(text)
        result = _analyze(c.text, lang, m, id, keep_clutter, skipped)
        result = back_to_original(result, c)
    else:
        result = _analyze(text, lang, m, id, keep_clutter, skipped)
    t2 = time.perf_counter()
    result.timings = {"load_model_s": round(t1 - t0, 4), "analyze_s": round(t2 - t1, 4)}
    return result


def _analyze(
    text: str, lang: str | None, m: Model, id: str | None, keep_clutter: bool, skipped: dict[int, str] | None
) -> Analysis:
    article = Article(id=id or "article", text=text)
    if not article.paragraphs:
        raise InputError("the text has no non-blank line to analyse")
    if keep_clutter:
        skipped = {}
    elif skipped is None:
        skipped = mark_clutter(article.paragraphs)
    analysed = mask(text, skipped)
    if not analysed.strip():
        raise InputError(
            "every line of the text is page clutter (menus, notices, repeated lines); nothing is left "
            "to analyse (keep the clutter to analyse it anyway)",
            setting="keep_clutter",
        )
    code, guess = resolve_language(analysed, lang)
    article.lang = code
    without = Article(id=article.id, text=analysed, lang=code)
    pred = m.predict([without])[0]
    result = to_analysis(article, pred, m, guess is not None, skipped, without)
    if guess is not None:
        result.lang_confidence, result.lang_note = guess.confidence, guess.note
    else:
        result.lang_note = given_language_note(analysed, code)
    return result


def given_language_note(text: str, code: str) -> str | None:
    """A warning when the language given is plainly not the text's (``--lang de`` on English):
    the identifier at least 90 % sure of another language, over 20 words or more. Read on the
    first 3,000 characters, without the mixture analysis ``identify`` does (a few milliseconds,
    where the whole identification took a quarter of a second on a long article)."""
    from .language import ranked, words
    from .languages import language_name

    sample = text[:3000]
    if words(sample) < 20:
        return None
    best, prob = ranked(sample)[0]
    if best == code or prob < 0.9 or not language_name(best):
        return None
    return (
        f"given as {language_name(code)} ({code}), but the text reads as {language_name(best)} "
        f"({best}, {prob:.0%} sure); analysed as {language_name(code)}, as asked"
    )


def analyze_document(
    doc, lang: str | None = None, model: Model | str | Path | None = None, id: str | None = None
) -> Analysis:
    """Analyse a :class:`~spinscan.reading.Document` (its clutter marks as it holds them)."""
    return analyze(doc.text, lang=lang, model=model, id=id, skipped=doc.skipped)
