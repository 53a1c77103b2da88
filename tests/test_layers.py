"""One direction down the layers, read from the imports themselves (`ast`, function-level imports
included, imports under `if TYPE_CHECKING:` exempt).

From the bottom (README, "Layout"):

0. `scoring` (pure rules) and `domain` (the errors every service raises);
1. the audit trail: it records, and imports nothing above it;
2. `objectives`: the organisation (people, teams, memberships), cycles, objectives and key results;
3. check-ins and initiatives;
4. planning (`objectives.planning`: authoring, coaching, templates, import/export, carry-over);
5. the read side (`dashboards`, and the audit trail's history pages);
6. pages: every app's views, URLs, template tags, admin and middleware, and the one mapping of
   domain errors to answers (`okr_site.errors`); a page may draw read-side pieces, but never
   imports another app's views;
7. what delivers and connects: reminders and digests; the demo and load data;
8. the composition root (`okr_site`: settings, URLs, the Celery app), the benchmark and
   management commands.

A module may import its own layer or any below it, never one above. On top of that: no import
cycle between modules (inside a package too), no import of another app's views, and no import
of a `_private` name from another module.
"""

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "scoring",
    "domain",
    "audit",
    "objectives",
    "checkins",
    "initiatives",
    "dashboards",
    "reminders",
    "demo",
    "okr_site",
    "bench",
)
PAGES = 6
ENTRY_POINTS = 8
# The most specific prefix decides.
LAYERS = {
    "scoring": 0,
    "domain": 0,
    "audit": 1,
    "audit.selectors": 5,
    "audit.filters": 5,
    "objectives": 2,
    "checkins": 3,
    "initiatives": 3,
    "objectives.planning": 4,
    "dashboards": 5,
    "reminders": 7,
    "demo": 7,
    "okr_site": 8,
    # The one mapping of domain errors to answers, which every page's views use.
    "okr_site.errors": PAGES,
    "bench": 8,
}
PAGE_MODULES = {"views", "urls", "admin", "middleware", "templatetags"}


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    name: str | None  # the name taken from `imported` by `from … import name`
    line: int


def layer_of(module: str) -> int:
    parts = module.split(".")
    if "management" in parts:
        return ENTRY_POINTS
    layer = max(
        (
            (len(prefix), level)
            for prefix, level in LAYERS.items()
            if module == prefix or module.startswith(prefix + ".")
        ),
        default=(0, ENTRY_POINTS),
    )[1]
    if PAGE_MODULES & set(parts[1:]):
        return max(layer, PAGES)
    return layer


def app_of(module: str) -> str:
    """The package a view belongs to: a sub-domain package of `objectives` counts as its own."""
    parts = module.split(".")
    if parts[0] == "objectives" and len(parts) > 2 and (ROOT / "objectives" / parts[1]).is_dir():
        return ".".join(parts[:2])
    return parts[0]


def is_view_module(module: str) -> bool:
    return "views" in module.split(".")


def our_modules(root: Path = ROOT) -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(root).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    return modules


def _type_checking_only(tree: ast.AST) -> set[int]:
    exempt: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for statement in node.body:
                exempt.update(id(inner) for inner in ast.walk(statement))
    return exempt


def imports_of(
    module: str, source: str, known: Iterable[str], *, package: bool
) -> Iterator[Import]:
    known = set(known)
    tree = ast.parse(source)
    exempt = _type_checking_only(tree)
    for node in ast.walk(tree):
        if id(node) in exempt:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    yield Import(module, alias.name, None, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if package else module.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in known:
                    yield Import(module, submodule, None, node.lineno)
                elif target in known:
                    yield Import(module, target, alias.name, node.lineno)


def import_graph(sources: dict[str, tuple[str, bool]]) -> list[Import]:
    """Every import between the given modules: {module: (source, is_package)}."""
    return [
        found
        for module, (source, package) in sources.items()
        for found in imports_of(module, source, sources, package=package)
        if found.imported != module
    ]


def cycles(edges: Iterable[Import]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    graph: dict[str, set[str]] = {}
    for edge in edges:
        graph.setdefault(edge.importer, set()).add(edge.imported)
        graph.setdefault(edge.imported, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def upward(edges: Iterable[Import]) -> list[str]:
    found = [
        f"{e.importer} (layer {layer_of(e.importer)}) imports {e.imported} "
        f"(layer {layer_of(e.imported)}), line {e.line}"
        for e in edges
        if layer_of(e.imported) > layer_of(e.importer)
    ]
    return list(dict.fromkeys(found))


def foreign_views(edges: Iterable[Import]) -> list[str]:
    return [
        f"{e.importer} imports {e.imported}, line {e.line}"
        for e in edges
        if is_view_module(e.imported)
        and app_of(e.imported) != app_of(e.importer)
        and e.importer.split(".")[-1] != "urls"
    ]


def private_names(edges: Iterable[Import]) -> list[str]:
    return [
        f"{e.importer} imports {e.name} from {e.imported}, line {e.line}"
        for e in edges
        if e.name and e.name.startswith("_") and not e.name.startswith("__")
    ]


@pytest.fixture(scope="module")
def edges() -> list[Import]:
    return import_graph(
        {
            name: (path.read_text(), path.name == "__init__.py")
            for name, path in our_modules().items()
        }
    )


def test_the_graph_is_read_from_every_app(edges):
    importers = {edge.importer.split(".")[0] for edge in edges}
    assert importers >= {"audit", "objectives", "checkins", "initiatives", "dashboards"}
    assert len(edges) > 300


def test_no_import_cycle_between_modules(edges):
    found = cycles(edges)
    assert not found, "\n".join(" <-> ".join(cycle) for cycle in found)


def test_no_import_against_the_direction(edges):
    found = upward(edges)
    assert not found, "\n".join(found)


def test_no_app_imports_another_apps_views(edges):
    found = foreign_views(edges)
    assert not found, "\n".join(found)


def test_no_private_name_is_imported_from_another_module(edges):
    found = private_names(edges)
    assert not found, "\n".join(found)


def _graph(**sources: str) -> list[Import]:
    return import_graph(
        {name.replace("__", "."): (source, False) for name, source in sources.items()}
    )


def test_the_rules_catch_what_they_are_meant_to():
    """The checks above would pass on an empty graph: show each one failing on a bad example."""
    bad = _graph(
        scoring__rules="def f():\n    from dashboards.selectors import x\n",  # function level
        dashboards__selectors="import scoring.rules\n",
        checkins__views="from dashboards.views import draw\n",
        dashboards__views="from objectives.services import _helper\n",
        objectives__services="x = 1\n",
    )
    assert cycles(bad) == [["dashboards.selectors", "scoring.rules"]]
    assert upward(bad) == ["scoring.rules (layer 0) imports dashboards.selectors (layer 5), line 2"]
    assert foreign_views(bad) == ["checkins.views imports dashboards.views, line 1"]
    assert private_names(bad) == [
        "dashboards.views imports _helper from objectives.services, line 1"
    ]


def test_imports_needed_only_for_type_checking_are_exempt():
    graph = _graph(
        objectives__models="from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from initiatives.models import Initiative\n",
        initiatives__models="from objectives.models import KeyResult\n",
    )
    assert cycles(graph) == [] and upward(graph) == []


@pytest.mark.parametrize(
    ("module", "layer"),
    [
        ("scoring.status", 0),
        ("audit.services", 1),
        ("audit.selectors", 5),
        ("objectives.cycles.services", 2),
        ("initiatives.services", 3),
        ("objectives.planning.coaching", 4),
        ("dashboards.selectors.team", 5),
        ("checkins.views", PAGES),
        ("objectives.templatetags.cycles", PAGES),
        ("reminders.views", 7),
        ("demo.management.commands.seed_demo", ENTRY_POINTS),
        ("okr_site.urls", ENTRY_POINTS),
    ],
)
def test_layer_of(module, layer):
    assert layer_of(module) == layer
