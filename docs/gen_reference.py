"""Pages generated from the code at build time (mkdocs-gen-files): the HTTP reference from the
server's OpenAPI schema, and the error codes from spinscan's exception classes and the server's
own answers. Nothing here is written by hand, so the reference cannot drift from the code."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import mkdocs_gen_files

ROOT = Path(__file__).resolve().parents[1]


def http_page() -> str:
    from spinscan.analysis import default_lexical_path
    from spinscan.server.app import create_app

    schema = create_app(default_lexical_path(), corpus_db="corpus.sqlite").openapi()
    out = ["# HTTP API", "",
           f"Generated from the server's OpenAPI schema (version {schema['info']['version']}). `spinscan serve` "
           "also serves it live at `/openapi.json` and as an interactive page at `/docs`.", ""]  # fmt: skip
    for path, ops in sorted(schema["paths"].items()):
        for method, op in ops.items():
            out.append(f"## `{method.upper()} {path}`")
            out.append("")
            doc = (op.get("description") or op.get("summary") or "").strip()
            if doc:
                out += [doc, ""]
            params = op.get("parameters") or []
            if params:
                out += ["| parameter | in | type | description |", "|---|---|---|---|"]
                for p in params:
                    s = p.get("schema", {})
                    kind = s.get("type") or "/".join(x.get("type", "?") for x in s.get("anyOf", []))
                    desc = (p.get("description") or s.get("description") or "").replace("|", "\\|")
                    out.append(f"| `{p['name']}` | {p['in']} | {kind} | {desc} |")
                out.append("")
            codes = ", ".join(sorted(op.get("responses", {})))
            out += [f"Answers: {codes}.", ""]
    return "\n".join(out) + "\n"


def error_classes():
    from spinscan.errors import SpinscanError

    for name in ("spinscan.errors", "spinscan.reading.addresses", "spinscan.reading.http", "spinscan.corpus.stats"):
        importlib.import_module(name)
    seen, todo = [], [SpinscanError]
    while todo:
        cls = todo.pop(0)
        seen.append(cls)
        todo += sorted(cls.__subclasses__(), key=lambda c: c.__name__)
    return seen


def errors_page() -> str:
    out = ["# Error codes", "",
           "Every spinscan exception has a stable `code`: the same in the CLI's `--json` error objects "
           "(`{\"file\", \"error\": {\"code\", \"message\"}}`), the API's error bodies "
           "(`{\"error\": {\"code\", \"message\"}}` with a 4xx status, never a 500) and the `error_code` column of "
           "batch and watch rows. A message says what was expected, what was found and how to fix it; the CLI "
           "adds the option that fixes it, e.g. `[--lang CODE]`.", "",
           "## From the library", "", "| code | class | when |", "|---|---|---|"]  # fmt: skip
    codes = {}
    for cls in error_classes():
        doc = " ".join((inspect.getdoc(cls) or "").split())
        codes.setdefault(cls.code, []).append((cls.__name__, doc))
    for code, rows in codes.items():
        for name, doc in rows:
            out.append(f"| `{code}` | `{name}` | {doc} |")
    out += ["", "A batch row can also carry `worker_died`: a worker process was killed twice on that article.",
            "", "## From the HTTP server", "", "| status | code |", "|---|---|"]  # fmt: skip
    found = set()
    for f in sorted((ROOT / "src" / "spinscan" / "server").glob("*.py")):
        text = f.read_text(encoding="utf-8")
        for m in re.finditer(r'(?:ApiError|error_response)\(\s*(\d{3}),\s*"([a-z0-9_]+)"', text):
            found.add((int(m.group(1)), m.group(2)))
        for m in re.finditer(r"\{(\d{3}): \"([a-z0-9_]+)\", (\d{3}): \"([a-z0-9_]+)\"\}", text):
            found |= {(int(m.group(1)), m.group(2)), (int(m.group(3)), m.group(4))}
        for m in re.finditer(r"ApiError\((\d{3}), e\.code", text):  # a spinscan error's own code
            found.add((int(m.group(1)), "(the error's own code: damaged_record)"))
    for status, code in sorted(found):
        out.append(f"| {status} | `{code}` |" if code.isidentifier() else f"| {status} | {code} |")
    out += ["", "A spinscan exception raised while answering keeps its own code (`invalid_input`, "
            "`unsupported_language`, `address_refused`, ...) with status 400."]  # fmt: skip
    return "\n".join(out) + "\n"


with mkdocs_gen_files.open("reference/http.md", "w") as f:
    f.write(http_page())
with mkdocs_gen_files.open("reference/errors.md", "w") as f:
    f.write(errors_page())
