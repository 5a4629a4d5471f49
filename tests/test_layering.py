"""The house's shape, read from the source: which package may import which, no import cycle, no
import hidden in a function without a comment saying why, no product file over 600 lines.

docs/architecture-notes.md draws the same map; a change to LAYERS changes it too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Package -> the project packages it may import. Dependencies point one way (down this table).
LAYERS: dict[str, set[str]] = {
    "extraction": set(),
    "core": set(),
    "audit": {"core"},
    "sources": {"core", "extraction"},
    "claims": {"core", "extraction", "audit", "sources"},
    "articles": {"core", "extraction", "audit", "sources", "claims"},
    "feeds": {"core", "audit", "sources", "articles"},
    "watchlists": {"core", "audit", "sources", "claims", "articles", "feeds"},
    "provenance": {"core", "audit", "sources", "claims", "articles", "feeds", "watchlists"},
}
MAX_LINES = 600


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in LAYERS:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> list[tuple[str, ast.stmt, bool]]:
    """(module imported, the statement, whether it sits inside a function) for project imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[tuple[str, ast.stmt, bool]] = []

    def visit(node: ast.AST, nested: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = nested or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            names: list[str] = []
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                names = [
                    f"{child.module}.{alias.name}"
                    if f"{child.module}.{alias.name}" in MODULES
                    else child.module
                    for alias in child.names
                ]
            for name in names:
                while name and name not in MODULES:
                    name = name.rpartition(".")[0]
                if name:
                    out.append((name, child, nested))  # type: ignore[arg-type]
            visit(child, inner)

    visit(tree, False)
    return out


GRAPH = {
    name: {target for target, _, _ in _imports(path)} - {name} for name, path in MODULES.items()
}


def test_there_is_no_import_cycle_among_the_products_modules() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def strongly_connected(v: str) -> None:  # Tarjan's algorithm
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in GRAPH[v]:
            if w not in index:
                strongly_connected(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in GRAPH:
        if module not in index:
            strongly_connected(module)
    assert cycles == []


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_a_package_imports_only_the_packages_below_it(package: str) -> None:
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if module.split(".")[0] == package
        for target in targets
        if target.split(".")[0] not in LAYERS[package] | {package}
    )
    assert wrong == []


def test_the_extraction_pipeline_never_imports_django() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "extraction").rglob("*.py")
        if any(
            (isinstance(node, ast.Import) and any(a.name.startswith("django") for a in node.names))
            or (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django"))
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    ]
    assert offenders == []


def test_a_project_import_inside_a_function_says_why_in_a_comment() -> None:
    silent = []
    for path in MODULES.values():
        lines = path.read_text(encoding="utf-8").splitlines()
        for _, node, nested in _imports(path):
            line = lines[node.lineno - 1]
            above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
            if nested and "#" not in line and not above.startswith("#"):
                silent.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert silent == []


def test_no_product_file_is_over_600_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for path in MODULES.values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
