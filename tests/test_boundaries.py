"""The package map kept as tests: each package imports only the ground floor and the packages
beneath it in the data flow, and each outside library stays in the package that owns it.
Every import is read from the parse of every module, those inside functions and under
TYPE_CHECKING too."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "imet_kg"

# The data flow, from the bottom: a package may import those before it, never those after.
LAYERS = (
    "search",
    "store",
    "validation",
    "pipeline",
    "sources",
    "query",
    "remote",
    "network",
    "web",
    "cli",
)
# The ground floor: modules and the sparql package directly under imet_kg/, used by all.
GROUND = "ground"

# Outside libraries and the only places that may import them.
OWNERS = {
    "click": ("cli",),
    "rich": ("cli",),
    "starlette": ("web",),
    "jinja2": ("web",),
    "uvicorn": ("web",),
    "networkx": ("network",),
    "matplotlib": ("network",),
    "pydot": ("network",),
    "graphviz": ("network",),
    "pyshacl": ("validation.shapes_pyshacl",),
    "sqlite3": ("search",),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str:
    """The layer a module of imet_kg sits in."""
    parts = module.split(".")
    if len(parts) < 2 or parts[1] not in LAYERS:
        return GROUND
    return parts[1]


def rank(name: str) -> int:
    return -1 if name == GROUND else LAYERS.index(name)


def imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, imported module) for every import statement of a module, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = (
        module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    )
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target == "imet_kg":  # `from imet_kg import web` imports the package web
                for alias in node.names:
                    yield node.lineno, f"{target}.{alias.name}"
            else:
                yield node.lineno, target


def library_modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_the_map_covers_every_package() -> None:
    """A new package must be placed in the data flow (or the test would wave it through)."""
    packages = {p.parent.relative_to(PACKAGE).parts[0] for p in PACKAGE.glob("*/__init__.py")}
    assert packages - {"sparql"} == set(LAYERS)
    for name in LAYERS:
        assert (PACKAGE / name / "__init__.py").read_text(encoding="utf-8").startswith('"""')


def upward_imports() -> list[str]:
    found = []
    for path in library_modules():
        source = module_name(path)
        if source == "imet_kg":
            continue  # the public API: names from every layer, imported on first use
        for line, target in imports(path):
            if not target.startswith("imet_kg.") or target == "imet_kg.lazy":
                continue
            if rank(layer(target)) > rank(layer(source)):
                found.append(f"{path.relative_to(ROOT)}:{line} ({layer(source)}) imports {target}")
    return found


def test_no_package_imports_one_above_it() -> None:
    assert upward_imports() == []


def test_the_rule_sees_an_upward_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check itself: a store module importing the web is caught, with its line."""
    fake = tmp_path / "imet_kg" / "store" / "leak.py"
    fake.parent.mkdir(parents=True)
    fake.write_text("def f() -> None:\n    from imet_kg.web.app import create_app\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path / "imet_kg")
    assert upward_imports() == ["imet_kg/store/leak.py:2 (store) imports imet_kg.web.app"]


def foreign_imports() -> list[str]:
    found = []
    for path in library_modules():
        source = module_name(path).removeprefix("imet_kg.")
        for line, target in imports(path):
            owners = OWNERS.get(target.split(".")[0])
            if owners is None:
                continue
            if not any(source == owner or source.startswith(owner + ".") for owner in owners):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    return sorted(set(found))


def test_outside_libraries_stay_in_their_package() -> None:
    assert foreign_imports() == []


def test_the_rule_sees_a_library_out_of_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "imet_kg" / "query" / "leak.py"
    fake.parent.mkdir(parents=True)
    fake.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import rich.table\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path / "imet_kg")
    assert foreign_imports() == ["imet_kg/query/leak.py:3 imports rich.table"]


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("imet_kg.cli.graph", "cli"),
        ("imet_kg.sources.fmtr.records", "sources"),
        ("imet_kg.terms", GROUND),
        ("imet_kg.sparql.text", GROUND),
    ],
)
def test_layers_are_read_from_the_module_path(module: str, expected: str) -> None:
    assert layer(module) == expected
