"""Genre from outside data: masking, caps, weights, folds that hold out whole sources, and the
satire rule, on small files and synthetic rows the tests make."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from spinscan.labels import GENRES
from spinscan.training.genre_mix import (
    MAX_FALSE_SATIRE,
    MixData,
    cell_weights,
    choose,
    false_satire,
    folds,
    satire_rule,
)
from spinscan.training.outside import FILES, masker, outside_articles, read_outside
from spinscan.training.states import StateCache

SAT, REP, OPI = GENRES.index("satire"), GENRES.index("reporting"), GENRES.index("opinion")


def test_outlet_names_bylines_and_links_are_masked():
    mask = masker({"dailybugle"})
    text = (
        "By John Smith and Mary Jones\n"
        "WASHINGTON (The Borowitz Report) - The senator spoke. Read more at https://x.example/a or "
        "mail tips@dailybugle.com, follow @dailybugle. The DailyBugle says so, as BBC News reported."
    )
    out = mask(text)
    assert "Borowitz" not in out and "John Smith" not in out and "https://" not in out
    assert "@" not in out and "dailybugle" not in out.lower() and "BBC" not in out
    assert "(the outlet)" in out and "The senator spoke." in out


def write_folder(folder: Path) -> None:
    def rows(genre, source, outlets, n, year):
        return [
            {"id": f"{source}-{o}-{k}", "title": f"Title {k}", "text": f"Para one of {o} {k}.\n\nPara two.",
             "genre": genre, "source": source, "outlet": o, "date": f"{year}-01-01"}
            for o in outlets for k in range(n)
        ]  # fmt: skip

    files = {
        FILES[0]: rows("reporting", "bbc", ["bbc.co.uk"], 40, 2005),
        FILES[1]: rows("opinion", "local", ["a.com", "b.com", "c.com"], 30, 2022),
        FILES[2]: rows("satire", "sat", ["theonion.com", "x.com"], 25, 2016)
        + rows("reporting", "horne", [""], 9, 2016),
    }
    for name, got in files.items():
        (folder / name).write_text("\n".join(json.dumps(r) for r in got) + "\n", encoding="utf-8")


def test_outside_articles_are_capped_per_outlet_and_source_and_keep_their_group(tmp_path: Path):
    write_folder(tmp_path)
    arts = read_outside(tmp_path, per_outlet=10, per_source=24)
    by = {}
    for a in arts:
        by.setdefault((a.source, a.genre), []).append(a)
    assert len(by[("bbc", "reporting")]) == 24  # one outlet may fill its source's share
    assert len(by[("local", "opinion")]) == 24  # three outlets, 10 each at most, 24 in all
    outlets = {a.outlet for a in by[("local", "opinion")]}
    assert outlets == {"a.com", "b.com", "c.com"}
    assert all(sum(a.outlet == o for a in by[("local", "opinion")]) <= 10 for o in outlets)
    assert len(by[("horne", "reporting")]) == 9 and by[("sat", "satire")][0].year == "2016"
    assert by[("horne", "reporting")][0].outlet == "reporting"  # an unrecorded outlet: one per genre
    assert arts == read_outside(tmp_path, per_outlet=10, per_source=24)  # the same sample every time
    arts = outside_articles(tmp_path, max_articles=3)
    assert {a.lang for a in arts} == {"en"} and all(a.meta["source"] and a.paragraphs for a in arts)
    assert max(sum(a.meta["source"] == s for a in arts) for s in ("bbc", "local", "sat", "horne")) == 3
    assert all("theonion" not in a.text.lower() for a in arts)


def mix(seed: int = 0, satire_leak: float = 0.0) -> MixData:
    """Three SemEval-like languages and three outside sources. Genre is told by dimension 0
    everywhere; dimension 1 is the outside sources' era, which goes with their genre only."""
    rng = np.random.RandomState(seed)
    rows = []
    for lang in ("en", "fr", "it"):
        for g, n in ((OPI, 30), (REP, 20), (SAT, 6)):
            rows += [(lang, g, lang, False, 0.0) for _ in range(n)]
    for source, g, era in (("bbc", REP, -2.0), ("local", OPI, 2.0), ("onion", SAT, 0.0)):
        rows += [("en", g, source, True, era) for _ in range(40)]
    langs, y, domains, outside, era = map(np.array, zip(*rows))
    x = rng.randn(len(rows), 6).astype(np.float32) * 0.6
    x[:, 0] += np.array([{OPI: 0.0, REP: -1.5, SAT: 1.5 + satire_leak}[g] for g in y])
    x[:, 1] += era
    centres = {lang: np.zeros(6, np.float32) for lang in set(langs.tolist())}
    return MixData(x, langs, y, domains, outside.astype(bool), centres)


def test_each_language_and_source_cell_weighs_the_same_and_outside_is_scaled():
    data = mix()
    rows = np.arange(len(data.y))
    w = cell_weights(data, rows, 0.5)
    cells = {}
    for d, g, wi in zip(data.domains, data.y, w):
        cells[(d, g)] = cells.get((d, g), 0.0) + wi
    semeval = {v for (d, _), v in cells.items() if d in ("en", "fr", "it")}
    outside = {v for (d, _), v in cells.items() if d not in ("en", "fr", "it")}
    assert np.allclose(list(semeval), max(semeval)) and np.allclose(list(outside), 0.5 * max(semeval))
    assert np.isclose(w.mean(), 1.0)
    assert not cell_weights(data, rows, 0.0)[data.outside].any()


def test_folds_hold_out_a_whole_language_or_a_whole_source():
    data = mix()
    got = folds(data)
    assert [name for name, _, _ in got] == ["lang:en", "lang:fr", "lang:it", "source:bbc", "source:local",
                                            "source:onion"]  # fmt: skip
    for name, tr, te in got:
        kind, what = name.split(":")
        if kind == "lang":
            assert set(data.langs[te]) == {what} and not data.outside[te].any()
            assert what not in set(data.domains[tr])  # its SemEval rows (outside English rows may stay)
        else:
            assert set(data.domains[te]) == {what} and what not in set(data.domains[tr])


def test_the_satire_rule_keeps_false_satire_on_real_news_under_its_limit():
    data = mix()
    p = np.full((len(data.y), 3), 0.2, np.float32)
    p[np.arange(len(data.y)), data.y] = 0.6
    real = np.flatnonzero(data.outside & (data.y != SAT))
    p[real[:12], SAT] = 0.55  # a few real pages look like satire, less than the real satire does
    p[real[:12], data.y[real[:12]]] = 0.35
    p = p / p.sum(1, keepdims=True)
    assert false_satire(data, p) > MAX_FALSE_SATIRE
    s, table = satire_rule(data, p, p)
    assert s["en"] < 1.0 and table[str(s["en"])]["false_satire_on_real_news"] <= MAX_FALSE_SATIRE
    assert table[str(s["en"])]["satire_found_english"] > 0.9  # the true satire stays satire
    assert s["*"] == 1.0  # the other languages' satire is found as well as it can be


@pytest.mark.slow
def test_the_chosen_head_learns_genre_not_the_sources_era():
    data = mix()
    head, m = choose(data)
    # an English article of genre opinion but of the "reporting era" is still opinion
    x = np.zeros((1, 6), np.float32)
    x[0, 1] = -2.0
    assert head.proba_in(x, ["en"]).argmax() == OPI
    h = m["held_out"]
    assert h["leave_one_language_out"]["mean"] > 0.6 and h["false_satire_on_real_news"] <= MAX_FALSE_SATIRE
    assert set(h["per_source"]) == {"bbc (reporting)", "local (opinion)", "onion (satire)"}
    temps = m["chosen"]["temperature"]  # one per language with labels, "*" for the others
    assert m["chosen"]["outside_weight"] in (0.0, 0.5, 1.0, 2.0) and set(temps) == {
        *set(data.langs[~data.outside]),
        "*",
    }
    assert all(0.5 <= t <= 3 for t in temps.values()) and set(m["reliability_per_language"]) == set(temps)
    assert (
        m["reliability_held_out"]["after_temperature"]["ece"]
        <= m["reliability_held_out"]["before"]["ece"] + 1e-6
    )


def test_state_cache_resumes_and_refuses_states_of_another_backbone(tmp_path: Path):
    path = tmp_path / "s.npz"
    c = StateCache(path, "e5 frozen 8")
    c.vectors["a"] = np.ones(3, np.float32)
    c.save()
    assert set(StateCache(path, "e5 frozen 8").vectors) == {"a"}
    assert StateCache(path, "other frozen 4").vectors == {}
    path.write_bytes(b"not a zip")
    assert StateCache(path, "e5 frozen 8").vectors == {}


@pytest.mark.integration
def test_train_genre_with_outside_data_writes_a_model_that_analyses(tmp_path: Path, monkeypatch):
    """`spinscan train --kind genre --outside` on a few articles of each language and source; it
    skips when ../shared/data/genre-en is absent (the data is not shipped)."""
    from click.testing import CliRunner

    from spinscan.analysis import analyze, default_model_path, get_model
    from spinscan.cli import main

    from ..conftest import DATA, EXAMPLE, SHARED, need_shared

    need_shared()
    outside = SHARED / "data" / "genre-en"
    if not (outside / FILES[0]).is_file():
        pytest.skip(f"outside genre data not found at {outside}")
    monkeypatch.setenv("SPINSCAN_BACKEND", "onnx")
    out = tmp_path / "m"
    cmd = ["train", "--kind", "genre", "--data", str(DATA), "--init-from", str(default_model_path()),
           "--outside", str(outside), "--max-articles", "3", "--out", str(out)]  # fmt: skip
    r = CliRunner().invoke(main, cmd)
    assert r.exit_code == 0, r.output
    assert "outside sources left out" in r.output and "real news called satire" in r.output
    m = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["genre_shift"]
    assert set(m["held_out"]["leave_one_language_out"]) == {"en", "fr", "ge", "it", "po", "ru", "mean"}
    assert len(m["held_out"]["per_source"]) >= 5 and "recipe_0_4_0_same_folds" in m
    card = (out / "README.md").read_text(encoding="utf-8")
    assert card.count("## Genre") == 1 and "Satire only on strong evidence" in card
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    weights = config["genre_class_weights"]
    assert weights["en"][GENRES.index("satire")] == m["chosen"]["satire_weight"]["en"] and "*" in weights
    a = analyze(EXAMPLE.read_text(encoding="utf-8"), model=get_model(out))
    assert a.genre in GENRES and abs(sum(a.genre_scores.values()) - 1) < 1e-3
    # what was read is kept beside the model: a rerun reads nothing again
    cache = StateCache(tmp_path / "m.work" / "genre-states.npz", _tag(out))
    assert len(cache.vectors) >= 6 * 3 + 5 * 3
    r = CliRunner().invoke(main, cmd)
    assert (
        r.exit_code == 0
        and json.loads((out / "metrics.json").read_text())["genre_shift"]["chosen"] == m["chosen"]
    )


def _tag(model_dir: Path) -> str:
    from spinscan.models.base import load_model
    from spinscan.training.states import states_tag

    return states_tag(load_model(model_dir))


def test_removing_the_sources_directions_is_folded_into_the_head():
    from spinscan.training.genre_mix import fit, nuisance_directions

    data = mix()
    data.n_state = 6
    rows = np.arange(len(data.y))
    v = nuisance_directions(data.centred()[:, :6], data.y, data.domains, 0.25)
    assert 0 < len(v) <= 6 and np.allclose(v @ v.T, np.eye(len(v)), atol=1e-5)
    era = np.zeros(6, np.float32)
    era[1] = 1.0
    assert np.linalg.norm(v @ era) > 0.9  # the era (dimension 1) differs within genres: found
    head = fit(data, rows, 0.1, 1.0, nuisance=0.25)
    x = data.x[:20]
    moved = x + 3.0 * v[0]  # along a source's direction: the head does not see it
    langs = list(data.langs[:20])
    assert np.allclose(head.proba_in(x, langs), head.proba_in(moved, langs), atol=2e-3)
    assert (head.proba_in(data.x, list(data.langs)).argmax(1) == data.y).mean() > 0.8


def test_the_lexical_partner_is_weighed_for_trained_languages_but_english():
    from spinscan.training.genre_lexical import blended, choose_weight, ensemble_weights, partnered

    data = mix()
    rng = np.random.RandomState(1)
    p_cv = np.full((len(data.y), 3), 1 / 3, np.float32) + rng.rand(len(data.y), 3).astype(np.float32) * 0.1
    p_cv /= p_cv.sum(1, keepdims=True)
    p_lex = np.full((len(data.y), 3), 0.1, np.float32)
    p_lex[np.arange(len(data.y)), data.y] = 0.8  # the lexical head knows these outlets
    w, table = choose_weight(data, p_cv, p_lex)
    assert w > 0 and table[str(w)]["mean"] > table["0.0"]["mean"]
    q = blended(data, p_cv, p_lex, w)
    m = partnered(data)
    assert set(data.langs[m]) == {"fr", "it"} and np.array_equal(
        q[~m], p_cv[~m]
    )  # English and outside untouched
    assert ensemble_weights(data, w) == {"*": 1.0, "fr": round(1 - w, 4), "it": round(1 - w, 4)}


def test_a_broken_genre_folder_is_one_clear_error(tmp_path: Path):
    from spinscan.errors import DataError

    with pytest.raises(DataError, match="reporting-bbc.jsonl: missing"):
        read_outside(tmp_path)
    write_folder(tmp_path)
    path = tmp_path / FILES[1]
    path.write_text(path.read_text(encoding="utf-8") + '{"id": "x", "text": \n', encoding="utf-8")
    with pytest.raises(DataError, match=r"opinion.jsonl:91: not valid JSON"):
        read_outside(tmp_path)
    path.write_text('["a list"]\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"opinion.jsonl:1: expected an object"):
        read_outside(tmp_path)
