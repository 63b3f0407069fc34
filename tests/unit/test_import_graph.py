"""The project's packages import one another without cycles, and so do copper's modules."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = (
    "copper",
    "service",
    "content",
    "search",
    "storage",
    "messaging",
    "ingest",
    "pipeline",
    "handlers",
    "heroku_web",
    "heroku_artist",
    "kernel",
    "bench",
    "testkit",
    "rehearsal",
    "tests",
)

# The dependency rules (README): a package imports only packages of lower tiers.
TIERS: tuple[tuple[str, ...], ...] = (
    ("kernel", "heroku_web", "heroku_artist"),  # the web apps import nothing of the backend
    ("pipeline",),
    ("storage",),
    ("content",),
    ("search", "messaging"),
    ("ingest",),
    ("service",),
    ("handlers",),
    ("copper",),
    ("testkit",),
    ("rehearsal", "bench"),  # rehearsal: the AWS path on moto and osmem-server (make rehearse)
    ("tests",),
)
TIER = {package: level for level, packages in enumerate(TIERS) for package in packages}

Graph = dict[str, set[str]]


def module_name(path: Path) -> str:
    """Return the dotted module name of a source file under the repository root."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    """Return every module of the project packages, by dotted name."""
    return {
        module_name(path): path
        for package in PACKAGES
        if (ROOT / package).is_dir()
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def base_of(module: str, path: Path, node: ast.ImportFrom) -> str:
    """Return the absolute module a `from ... import` statement names."""
    if node.level == 0:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    anchor = package[: len(package) - (node.level - 1)]
    return ".".join([*anchor, *([node.module] if node.module else [])])


def imported_names(module: str, path: Path, known: set[str]) -> Iterator[str]:
    """Yield the modules one module imports, at any depth of its code (functions included)."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = base_of(module, path, node)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield candidate if candidate in known else base


def owning_module(name: str, known: set[str]) -> str | None:
    """Return the project module `name` is, or the closest project package containing it."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return None


def module_graph() -> Graph:
    """Return the import graph of the project's modules."""
    modules = project_modules()
    known = set(modules)
    graph: Graph = {name: set() for name in modules}
    for name, path in modules.items():
        for imported in imported_names(name, path, known):
            target = owning_module(imported, known)
            if target is not None and target != name:
                graph[name].add(target)
    return graph


def package_graph(modules: Graph, ignored: Iterable[tuple[str, str]] = ()) -> Graph:
    """Return the graph between top-level packages, without the `ignored` edges."""
    skip = set(ignored)
    graph: Graph = {}
    for source, targets in modules.items():
        package = source.split(".")[0]
        graph.setdefault(package, set())
        for target in targets:
            other = target.split(".")[0]
            if other != package and (package, other) not in skip:
                graph[package].add(other)
    return graph


def find_cycle(graph: Graph) -> list[str] | None:
    """Return one cycle of `graph` as a path that ends where it starts, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def only(graph: Graph, prefix: str) -> Graph:
    """Return the part of `graph` between modules of one package."""
    inside = {name for name in graph if name == prefix or name.startswith(f"{prefix}.")}
    return {name: graph[name] & inside for name in inside}


def test_imports_inside_functions_and_relative_imports_are_edges(tmp_path: Path) -> None:
    """GIVEN a module importing in a function and relatively WHEN read THEN each is an edge."""
    source = tmp_path / "pkg" / "sub" / "mod.py"
    source.parent.mkdir(parents=True)
    source.write_text(
        "import pkg.top\n"
        "def late():\n"
        "    from . import sibling\n"
        "    from ..other import helper\n"
        "    from pkg.sub.sibling import name\n"
    )
    known = {"pkg.top", "pkg.sub.mod", "pkg.sub.sibling", "pkg.other"}
    edges = {owning_module(name, known) for name in imported_names("pkg.sub.mod", source, known)}
    assert edges == {"pkg.top", "pkg.sub.sibling", "pkg.other"}


def test_a_cycle_is_reported_as_the_path_that_closes_it() -> None:
    """GIVEN a -> b -> c -> a WHEN searched THEN the cycle's path is returned."""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_project_packages_import_one_another_without_a_cycle() -> None:
    """An edge P -> Q exists when a module of P imports a module of Q; no path leads back."""
    cycle = find_cycle(package_graph(module_graph()))
    assert cycle is None, "package import cycle: " + " -> ".join(cycle or ())


def test_every_package_imports_only_packages_of_lower_tiers() -> None:
    graph = package_graph(module_graph())
    assert set(graph) == set(TIER), "a package without a tier in TIERS"
    upward = sorted(
        f"{package} -> {other}"
        for package, imported in graph.items()
        for other in imported
        if TIER[other] >= TIER[package]
    )
    assert upward == [], "imports against the dependency rules: " + ", ".join(upward)


@pytest.mark.parametrize("package", ["copper", "service", "search", "ingest", "content"])
def test_the_modules_of_one_package_import_one_another_without_a_cycle(package: str) -> None:
    """Inside one package, no module reaches itself again through its imports."""
    cycle = find_cycle(only(module_graph(), package))
    assert cycle is None, f"module import cycle in {package}: " + " -> ".join(cycle or ())


def test_the_lazily_loaded_commands_exist_and_none_imports_the_group_back() -> None:
    """`copper`'s group imports its commands by name (click's lazy group): check those edges."""
    from copper.cli.root import COMMANDS

    graph = module_graph()
    for name, target in COMMANDS.items():
        module, attribute = target.split(":")
        assert hasattr(importlib.import_module(module), attribute), name
        assert "copper.cli.root" not in graph[module], f"{module} imports the group back"
