"""The layout's dependency rules: imports point one way, and nothing shipped imports the
checkout-only tooling. Read off the source with ``ast``, so an import inside a function or
under ``TYPE_CHECKING`` counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ("crawler", "pipelines")
# Layers below the spiders: they say what a page means or what a record is, never what to fetch.
BELOW_SPIDERS = ("crawler.discovery", "crawler.extraction", "crawler.sites", "pipelines")
# The command-line tools (and their `python -m crawler.<tool>` aliases) sit on top of both
# packages; every other module under crawler/ is below pipelines/.
CLI_ALIASES = tuple(
    f"crawler.{name}" for name in ("mirror", "replay", "diff", "textdump", "distributed")
)
CHECKOUT_ONLY = ("qa", "bench", "tests", "fixtures")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """The project modules ``path`` imports (``from a import b`` counts ``a.b`` when that
    is a module, else ``a``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        else:
            continue
        found |= {name for name in names if name in known}
        found |= {name.split(".")[0] for name in names if name.split(".")[0] in CHECKOUT_ONLY}
    return found


def import_graph() -> dict[str, set[str]]:
    files = {module_name(p): p for package in SHIPPED for p in (ROOT / package).rglob("*.py")}
    known = set(files)
    return {name: imported_modules(path, known) - {name} for name, path in files.items()}


def within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while (member := stack.pop()) != node:
                component.append(member)
            component.append(node)
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


GRAPH = import_graph()


def test_no_import_cycles() -> None:
    assert cycles(GRAPH) == []


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if within(m, BELOW_SPIDERS)))
def test_layers_below_the_spiders_do_not_import_them(module: str) -> None:
    assert not [m for m in GRAPH[module] if within(m, ("crawler.spiders",))]


def test_crawler_does_not_import_pipelines_except_the_command_line_tools() -> None:
    offenders = {
        module: sorted(m for m in imports if within(m, ("pipelines",)))
        for module, imports in GRAPH.items()
        if within(module, ("crawler",)) and not within(module, ("crawler.cli", *CLI_ALIASES))
    }
    assert {module: found for module, found in offenders.items() if found} == {}


def test_shipped_code_does_not_import_checkout_only_code() -> None:
    offenders = {
        m: sorted(i & set(CHECKOUT_ONLY)) for m, i in GRAPH.items() if i & set(CHECKOUT_ONLY)
    }
    assert offenders == {}


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
