"""`spinscan extract` and `analyze` read web pages, URLs and pasted page text the same way."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from spinscan.analysis import default_lexical_path
from spinscan.cli import main

from ..reading.test_pages import PARAS, page, site  # noqa: F401  (the local web server fixture)

LEXICAL = ["--model", str(default_lexical_path())]


def test_extract_json_gives_metadata_body_and_offsets(tmp_path: Path):
    f = tmp_path / "story.html"
    f.write_text(page(), encoding="utf-8")
    r = CliRunner().invoke(main, ["extract", "--json", str(f)])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["file"] == str(f) and d["title"] == "Council closes the old bridge to cars"
    assert d["body"].split("\n") == PARAS and d["site"] == "Daily Bridge" and d["date"] == "2024-03-05"
    assert [p["text"] for p in d["paragraphs"]][1:] == PARAS


def test_extract_marks_the_clutter_of_pasted_text_with_its_reason(tmp_path: Path):
    f = tmp_path / "pasted.txt"
    f.write_text("\n".join(["Home", "World", "Sign In", "Council closes the old bridge", *PARAS, "Advertisement",
                            PARAS[0], "Most Popular", "Cookie Policy"]), encoding="utf-8")  # fmt: skip
    d = json.loads(CliRunner().invoke(main, ["extract", "--json", str(f)]).stdout)
    marks = {p["line_no"]: p["skipped"] for p in d["paragraphs"]}
    assert [k for k, v in marks.items() if v is None] == [4, 5, 6, 7, 8]
    assert marks[9] == "boilerplate" and marks[10] == "duplicate" and marks[1] == "navigation"
    out = CliRunner().invoke(main, ["extract", str(f)]).output
    assert "[navigation]" in out and "5 kept" in out
    d = json.loads(CliRunner().invoke(main, ["extract", "--json", "--keep-clutter", str(f)]).stdout)
    assert not any(p["skipped"] for p in d["paragraphs"])


def test_analyze_reads_a_page_a_url_and_skips_clutter(tmp_path: Path, site):  # noqa: F811
    f = tmp_path / "story.html"
    f.write_text(page(), encoding="utf-8")
    r = CliRunner().invoke(main, ["analyze", *LEXICAL, "--json", str(f), f"{site}/story"])
    assert r.exit_code == 0, r.output
    a, b = (json.loads(x) for x in r.stdout.splitlines())
    assert a["kind"] == b["kind"] == "html" and a["title"] == b["title"]
    assert [p["text"] for p in a["paragraphs"]] == [a["title"], *PARAS]
    pasted = tmp_path / "p.txt"
    pasted.write_text(
        "\n".join(
            ["Home", "World", "Menu", "Council closes the old bridge", *PARAS, "Advertisement", PARAS[1]]
        )
    )
    d = json.loads(CliRunner().invoke(main, ["analyze", *LEXICAL, "--json", str(pasted)]).stdout)
    skipped = {p["line_no"]: p["skipped"] for p in d["paragraphs"] if p["skipped"]}
    assert skipped == {1: "navigation", 2: "navigation", 3: "navigation", 9: "boilerplate", 10: "duplicate"}
    assert all(not p["techniques"] and not p["spans"] for p in d["paragraphs"] if p["skipped"])
    report = CliRunner().invoke(main, ["analyze", *LEXICAL, "--no-color", "--all", str(pasted)]).output
    assert "not analysed (duplicate)" in report and "clutter skipped" in report


def test_bad_pages_and_urls_are_one_line_errors(tmp_path: Path, site):  # noqa: F811
    nav = tmp_path / "index.html"
    nav.write_text("<!DOCTYPE html><html><body><nav><a href='/'>Home</a></nav></body></html>")
    r = CliRunner().invoke(main, ["extract", str(nav)])
    assert r.exit_code == 2 and "no article text found" in r.stderr and r.stderr.count("\n") == 1
    r = CliRunner().invoke(main, ["analyze", *LEXICAL, f"{site}/missing"])
    assert r.exit_code == 2 and "answered 404" in r.stderr and "Traceback" not in r.output


def test_compare_two_articles_side_by_side(tmp_path: Path):
    a = tmp_path / "report.txt"
    a.write_text("Council closes the bridge\n\n" + "\n".join(PARAS), encoding="utf-8")
    b = tmp_path / "column.txt"
    b.write_text("The corrupt elite lies again\n\nThe corrupt elite betrayed us, as always: shameful traitors!\n"
                 "They said the plan was 'a disgrace to the nation', and the traitors will pay.\n", encoding="utf-8")  # fmt: skip
    r = CliRunner().invoke(main, ["compare", *LEXICAL, "--lang", "en", "--json", str(a), str(b)])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["a"]["file"] == str(a) and d["b"]["words"] > 10 and set(d) >= {"shared", "only_a", "only_b"}
    assert set(d["only_b"]) | set(d["shared"]) == set(d["b"]["techniques"])
    page = tmp_path / "cmp.html"
    out = (
        CliRunner()
        .invoke(main, ["compare", *LEXICAL, "--lang", "en", str(a), str(b), "--html", str(page)])
        .output
    )
    assert "spinscan compare" in out and "genre" in out and "shared:" in out
    html = page.read_text(encoding="utf-8")  # the same comparison as one page, text escaped
    assert "<th>report</th><th>column</th>" in html and "words analysed" in html and "<script" not in html
    r = CliRunner().invoke(main, ["compare", *LEXICAL, str(a), str(tmp_path / "missing.txt")])
    assert r.exit_code == 2 and "no such file" in r.stderr
