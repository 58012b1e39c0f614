"""`NamedTuple`, declared as `typing.NamedTuple` declares it (a class whose annotated names
are its fields, in order, with defaults and methods), without importing `typing`.

A fresh process that answers one query pays about 3 ms to import `typing` and a fraction of
a millisecond more for each class `typing.NamedTuple` makes, more than some queries take;
the modules on that path take their named tuples from here. Type checkers see
`typing.NamedTuple` itself. At run time the class is a `collections.namedtuple` with the
class body's methods, properties and docstring added, as `typing.NamedTuple` makes it;
annotations are kept as written (strings, under `from __future__ import annotations`).
"""

from __future__ import annotations

import collections

TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import NamedTuple as NamedTuple
else:
    # What namedtuple defines for itself, which a class body may not replace.
    _RESERVED = frozenset(
        {
            "__new__",
            "__init__",
            "__slots__",
            "__getnewargs__",
            "_fields",
            "_field_defaults",
            "_make",
            "_replace",
            "_asdict",
            "_source",
        }
    )

    class _Fields(type):
        """Makes each class declared on `NamedTuple` a `collections.namedtuple`."""

        def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, object]) -> type:
            if bases != (_Declared,):
                raise TypeError(f"{name}: a named tuple's only base is NamedTuple")
            annotations: dict[str, object] = namespace.get("__annotations__", {})
            defaults: list[object] = []
            for field in annotations:
                if field in namespace:
                    defaults.append(namespace[field])
                elif defaults:
                    raise TypeError(f"{name}: field {field!r} without a default follows one")
            made = collections.namedtuple(
                name, annotations, defaults=defaults, module=namespace["__module__"]
            )
            made.__annotations__ = dict(annotations)
            for key, value in namespace.items():
                if key in _RESERVED:
                    raise AttributeError(f"{name}: a named tuple's {key} cannot be replaced")
                if key not in ("__module__", "__annotations__") and key not in annotations:
                    setattr(made, key, value)
            return made

    # The base each declaration names; made directly, so that it is not a tuple itself.
    _Declared = type.__new__(_Fields, "NamedTuple", (), {"__module__": __name__})

    def NamedTuple(typename: str, fields: object = None, /, **kwargs: object) -> type:
        """Only the class form is offered: `class Name(NamedTuple): ...`."""
        raise TypeError("declare a named tuple as a class: class Name(NamedTuple): ...")

    NamedTuple.__mro_entries__ = lambda bases: (_Declared,)
