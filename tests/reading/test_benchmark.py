"""On the real pages of ../shared/data/web-articles: the extraction benchmark's targets hold."""

from __future__ import annotations

import sys

import pytest

from ..conftest import ROOT, SHARED

pytestmark = pytest.mark.integration
WEB = SHARED / "data" / "web-articles"


def test_html_and_pasted_text_reach_their_targets():
    if not WEB.is_dir():
        pytest.skip(f"{WEB} not found")
    sys.path.insert(0, str(ROOT / "scripts"))
    from benchmark_extraction import measure

    res = measure(WEB)
    assert res["html"]["f1"] >= 0.955 and res["html"]["failed"] == 0, res["html"]
    assert res["pasted"]["f1"] >= 0.80, res["pasted"]
    assert res["pasted"]["precision"] > res["pasted, every line kept"]["precision"] + 0.2


def test_the_example_article_loses_its_clutter_and_nothing_else(example_text):
    from spinscan.reading import text_document

    doc = text_document(example_text, "example")
    reasons = [doc.skipped[k] for k in sorted(doc.skipped)]
    lines = {p["line_no"]: p["text"] for p in doc.paragraphs()}
    marked = [lines[k] for k in sorted(doc.skipped)]
    assert marked.count("Advertisement") == 3
    assert any(t.startswith("The comments below have not been moderated") for t in marked)
    assert any(t.startswith("The views expressed in the contents above") for t in marked)
    assert reasons.count("duplicate") >= 20  # the second copies of photo captions
    kept = [t for k, t in lines.items() if k not in doc.skipped]
    assert len(kept) == len(set(kept))  # no caption analysed twice
    assert all(len(t.split()) >= 3 for t in kept[1:])  # only prose left after the title
