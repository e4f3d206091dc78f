"""Tables at 80 columns keep the names that tell their rows apart whole."""

from __future__ import annotations

import io

from click.testing import CliRunner
from rich.console import Console

from spinscan.cli.main import main
from spinscan.cli.tables import names_table
from spinscan.labels import FRAMES, TECHNIQUES


def rendered(table, width: int = 80) -> str:
    buf = io.StringIO()
    Console(file=buf, width=width, no_color=True, color_system=None).print(table)
    return buf.getvalue()


def test_group_names_stay_whole_beside_many_wide_columns():
    heads = [t.replace("_", " ") for t in TECHNIQUES[:8]]
    t = names_table("outlet", "articles", *heads, names=["outletA", "outletB"])
    for name in ("outletA", "outletB"):
        t.add_row(name, "12", *["40"] * len(heads))
    out = rendered(t)
    assert "outletA" in out and "outletB" in out and "…" not in out


def test_labels_at_80_columns_show_every_technique_and_frame_name_whole():
    out = CliRunner(env={"COLUMNS": "80"}).invoke(main, ["labels"]).output
    assert "…" not in out
    for name in (*TECHNIQUES, *FRAMES):
        assert name in out, name
