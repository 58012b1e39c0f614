"""The public API: `imet_kg.__all__` names exactly the lazily exported names, each of which
resolves to the object defined in its module."""

from __future__ import annotations

import importlib

import pytest

import imet_kg


def test_all_matches_exports() -> None:
    assert set(imet_kg.__all__) == set(imet_kg._EXPORTS)
    assert len(imet_kg.__all__) == len(set(imet_kg.__all__))


def test_every_name_resolves_to_its_module_object() -> None:
    for name, module in imet_kg._EXPORTS.items():
        assert getattr(imet_kg, name) is getattr(importlib.import_module(module), name)


def test_unknown_name_raises() -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        imet_kg.no_such_thing  # noqa: B018
