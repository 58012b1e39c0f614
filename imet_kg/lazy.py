"""Public names imported on first use: a package's front door lists its names and the module
that defines each, and nothing heavy loads until a name is asked for (so that `imet-kg --help`
does not pay for rdflib, pyoxigraph or pySHACL)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` for `package` that imports `exports[name]` (a module path) when
    `name` is first asked for, and keeps the value in the package's namespace."""

    def attribute(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        namespace = importlib.import_module(package).__dict__
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    return attribute
