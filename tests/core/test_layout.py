"""The package's layout rules, checked on the source: which module may import which, sizes."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "spinscan"
CORE = {
    "analysis",
    "types",
    "errors",
    "labels",
    "language",
    "languages",
    "text",
    "__init__",
}  # (__main__ runs the CLI)
# package -> packages it must never import (anywhere in the module, lazily or not)
FORBIDDEN = {
    "core": {"training", "corpus", "cli", "server", "semeval"},
    "spans": {"models", "training", "corpus", "cli", "server", "semeval"},
    "models": {"training", "corpus", "cli", "server", "semeval"},
    "semeval": {"training", "corpus", "cli", "server"},
    "training": {"corpus", "cli", "server"},
    "corpus": {"training", "cli", "server", "semeval"},
    "web": {"server", "cli", "training", "corpus"},
    "reading": {"models", "training", "corpus", "cli", "server", "semeval", "spans"},
    "server": {"cli", "training"},
    "annotations": {"training", "corpus", "cli", "server"},
    "watch": {"training", "cli", "server"},
}


def modules() -> dict[str, ast.Module]:
    return {
        ".".join(p.relative_to(SRC).with_suffix("").parts): ast.parse(p.read_text(encoding="utf-8"))
        for p in SRC.rglob("*.py")
    }


def absolute(mod: str, node: ast.ImportFrom) -> str:
    """The absolute name (inside spinscan) an ``from ... import`` refers to."""
    if not node.level:
        return (node.module or "").removeprefix("spinscan").lstrip(".")
    base = mod.split(".")
    is_pkg = (SRC / Path(*base) / "__init__.py").is_file() or base[-1] == "__init__"
    parts = base if is_pkg and base[-1] != "__init__" else base[:-1]
    parts = parts[: len(parts) - (node.level - 1)]
    return ".".join([*parts, *([node.module] if node.module else [])])


def imports(mod: str, tree: ast.Module, top_only: bool = False):
    body = tree.body if top_only else ast.walk(tree)
    for node in body:
        if isinstance(node, ast.ImportFrom):
            if node.level or (node.module or "").startswith("spinscan"):
                yield node, absolute(mod, node)
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("spinscan"):
                    yield node, a.name.removeprefix("spinscan").lstrip(".")


def package_of(mod: str) -> str:
    head = mod.split(".")[0]
    return "core" if head in CORE else head


def test_no_module_is_over_450_lines_and_the_top_stays_small():
    sizes = {p.relative_to(SRC): len(p.read_text(encoding="utf-8").splitlines()) for p in SRC.rglob("*.py")}
    assert not {p: n for p, n in sizes.items() if n > 450}
    top = [p for p in SRC.glob("*.py")]
    assert len(top) <= 12, sorted(p.name for p in top)


def test_no_underscore_name_is_imported_from_another_module():
    bad = [
        (mod, target, a.name)
        for mod, tree in modules().items()
        for node, target in imports(mod, tree)
        if isinstance(node, ast.ImportFrom)
        for a in node.names
        if a.name.startswith("_") and a.name != "__version__"
    ]
    assert not bad


def test_each_package_imports_only_what_it_may():
    bad = []
    for mod, tree in modules().items():
        forbidden = FORBIDDEN.get(package_of(mod), set())
        for _, target in imports(mod, tree):
            if target and package_of(target) in forbidden:
                bad.append((mod, target))
    assert not bad


def test_no_import_cycle_at_module_level():
    graph: dict[str, set[str]] = {}
    mods = modules()
    for mod, tree in mods.items():
        deps = set()
        for node, target in imports(mod, tree, top_only=True):
            names = [target] + [f"{target}.{a.name}" for a in getattr(node, "names", [])]
            deps |= {n for n in names if n in mods or f"{n}.__init__" in mods}
        graph[mod] = {d if d in mods else f"{d}.__init__" for d in deps} - {mod}
    state: dict[str, int] = {}

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for d in graph.get(m, ()):
            # a package's __init__ importing its own submodules is not a cycle
            if d.endswith("__init__") and m.startswith(d.removesuffix("__init__")):
                continue
            if state.get(d) == 1:
                raise AssertionError(" -> ".join([*path, m, d]))
            if not state.get(d):
                visit(d, [*path, m])
        state[m] = 2

    for m in graph:
        if not state.get(m):
            visit(m, [])


# (socket is not among them: the server binds its port with it, and addresses resolve names)
NETWORK_LIBRARIES = {"httpx", "httpcore", "requests", "urllib3", "aiohttp", "http.client", "urllib.request",
                     "warcio", "fastwarc"}  # fmt: skip
ALLOWED_NETWORK = {"reading.http": {"httpx", "httpcore"}, "reading.warc": {"warcio"}}


def test_one_http_client_in_reading_and_no_other_module_imports_an_http_or_warc_library():
    found = {}
    for mod, tree in modules().items():
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            for name in names:
                lib = next((n for n in NETWORK_LIBRARIES if name == n or name.startswith(n + ".")), None)
                if lib and lib not in ALLOWED_NETWORK.get(mod, set()):
                    found.setdefault(mod, set()).add(lib)
    assert not found, found


def import_graph() -> dict[str, set[str]]:
    """module -> the spinscan modules it imports (anywhere in it, lazily or for type checking)."""
    mods = modules()
    graph: dict[str, set[str]] = {}
    for mod, tree in mods.items():
        deps = set()
        for node, target in imports(mod, tree):
            names = [f"{target}.{a.name}" for a in node.names] if isinstance(node, ast.ImportFrom) else []
            for c in [*names, target, target + ".__init__"]:
                if c in mods and c != mod:
                    deps.add(c)
                    break
        graph[mod] = deps
    return graph


def test_no_import_cycle_among_the_modules():
    """A cycle means two modules cannot be understood apart (a package's __init__ re-exporting
    its modules is not one: nothing inside imports the __init__ back)."""
    graph = import_graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert not cycles, cycles
