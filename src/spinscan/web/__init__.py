"""The web page's assets (index.html, app.js, style.css) and the static HTML report.

Imports only the core (labels), so the offline report needs no server.

The static report inlines the same CSS and JavaScript as the page, with the analysis
and the technique definitions embedded, so it looks the same offline.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..labels import technique_labels

WEB = Path(__file__).parent


def _safe(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False).replace("<", "\\u003c")


def report_html(
    data: dict[str, Any],
    title: str = "spinscan report",
    reliability: dict[str, dict] | None = None,
    zero_shot_reliability: dict[str, dict] | None = None,
) -> str:
    """A self-contained HTML page showing one analysis (``Analysis.to_dict()`` plus ``text``);
    ``reliability``: the model's held-out precision and recall per technique, for the tooltips
    (``zero_shot_reliability``: the same for languages left out of training, shown for an
    article analysed zero-shot)."""
    css = (WEB / "style.css").read_text(encoding="utf-8")
    js = (WEB / "app.js").read_text(encoding="utf-8").replace("</script", "<\\/script")
    defs = {d["name"]: d for d in technique_labels(reliability or {}, zero_shot_reliability)}
    esc = title.replace("&", "&amp;").replace("<", "&lt;")
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc}</title><style>{css}</style></head><body>"
        f'<header class="top"><h1>{esc}</h1></header><main><div id="report-root"></div></main>'
        f"<script>{js}</script>"
        f"<script>Spinscan.render({_safe(data)}, {_safe(defs)}, "
        'document.getElementById("report-root"));</script>'
        "</body></html>\n"
    )
