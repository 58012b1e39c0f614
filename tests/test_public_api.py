"""The public API: `imet_kg` and each package's front door name in `__all__` exactly the names
they export lazily, each of which resolves to the object defined in its module and carries a
docstring; nothing heavy loads until a name is asked for."""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest

import imet_kg

from .conftest import loaded_after

FRONT_DOORS = (
    "imet_kg",
    "imet_kg.store",
    "imet_kg.validation",
    "imet_kg.pipeline",
    "imet_kg.sources.fmtr",
    "imet_kg.query",
    "imet_kg.remote",
    "imet_kg.network",
    "imet_kg.web",
)


def door(name: str) -> ModuleType:
    return importlib.import_module(name)


@pytest.mark.parametrize("name", FRONT_DOORS)
def test_all_matches_exports(name: str) -> None:
    module = door(name)
    assert sorted(module.__all__) == sorted(module._EXPORTS)
    assert len(module.__all__) == len(set(module.__all__))


@pytest.mark.parametrize("name", FRONT_DOORS)
def test_every_name_resolves_to_its_module_object_and_is_documented(name: str) -> None:
    module = door(name)
    assert len(module.__doc__ or "") > 100
    for export, source in module._EXPORTS.items():
        value = getattr(module, export)
        assert value is getattr(importlib.import_module(source), export)
        if callable(value):
            assert value.__doc__, f"{name}.{export} has no docstring"


@pytest.mark.parametrize("name", FRONT_DOORS)
def test_unknown_name_raises(name: str) -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        door(name).no_such_thing  # noqa: B018


def test_opening_a_front_door_loads_nothing_heavy() -> None:
    heavy = ("rdflib", "pyshacl", "pyoxigraph", "networkx", "starlette", "rich")
    loaded, _ = loaded_after(f"import {', '.join(FRONT_DOORS)}\n", heavy)
    assert loaded == []


def test_the_package_map_is_in_the_top_docstring() -> None:
    for name in FRONT_DOORS[1:]:
        assert name.split(".")[1] in (imet_kg.__doc__ or "")
