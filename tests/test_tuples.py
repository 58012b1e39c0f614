"""`imet_kg.tuples.NamedTuple` makes the classes `typing.NamedTuple` makes, without importing
`typing`: the same fields, defaults, methods and errors, and instances that pickle."""

from __future__ import annotations

import pickle
import typing

import pytest

from imet_kg.tuples import NamedTuple


class Ours(NamedTuple):
    """A record with a default."""

    name: str
    size: int = 0
    tags: tuple[str, ...] = ()

    @property
    def doubled(self) -> int:
        return self.size * 2

    def renamed(self, name: str) -> Ours:
        return self._replace(name=name)

    @classmethod
    def empty(cls) -> Ours:
        return cls("")

    def __str__(self) -> str:
        return f"{self.name}:{self.size}"


class Theirs(typing.NamedTuple):
    """A record with a default."""

    name: str
    size: int = 0
    tags: tuple[str, ...] = ()

    @property
    def doubled(self) -> int:
        return self.size * 2

    def renamed(self, name: str) -> Theirs:
        return self._replace(name=name)

    @classmethod
    def empty(cls) -> Theirs:
        return cls("")

    def __str__(self) -> str:
        return f"{self.name}:{self.size}"


def test_the_class_is_the_named_tuple_typing_makes() -> None:
    assert Ours._fields == Theirs._fields == ("name", "size", "tags")
    assert Ours._field_defaults == Theirs._field_defaults == {"size": 0, "tags": ()}
    assert list(Ours.__annotations__) == list(Theirs.__annotations__)
    assert Ours.__doc__ == Theirs.__doc__ == "A record with a default."
    assert (Ours.__module__, Ours.__qualname__) == (__name__, "Ours")
    assert Ours.__mro__[1:] == Theirs.__mro__[1:] == (tuple, object)


def test_instances_behave_alike() -> None:
    ours, theirs = Ours("a", 2), Theirs("a", 2)
    assert tuple(ours) == tuple(theirs) == ("a", 2, ())
    assert hash(ours) == hash(theirs) == hash(("a", 2, ()))
    assert repr(ours) == repr(theirs).replace("Theirs", "Ours") == "Ours(name='a', size=2, tags=())"
    assert str(ours) == str(theirs) == "a:2"
    assert ours.doubled == theirs.doubled == 4
    assert tuple(ours.renamed("b")) == ("b", 2, ())
    assert isinstance(ours.renamed("b"), Ours)
    assert tuple(Ours.empty()) == tuple(Theirs.empty()) == ("", 0, ())
    assert ours._asdict() == theirs._asdict() == {"name": "a", "size": 2, "tags": ()}
    assert Ours._make(["c", 3, ("x",)]) == ("c", 3, ("x",))
    name, size, tags = ours
    assert (name, size, tags) == ("a", 2, ())
    with pytest.raises(AttributeError):
        ours.name = "b"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Ours()  # type: ignore[call-arg]


def test_instances_pickle_as_their_own_class() -> None:
    """Named tuples cross to the server's worker processes by pickling."""
    copy = pickle.loads(pickle.dumps(Ours("a", 2, ("t",))))
    assert type(copy) is Ours
    assert copy == Ours("a", 2, ("t",))


def test_what_typing_refuses_is_refused() -> None:
    with pytest.raises(TypeError, match="without a default"):

        class Misordered(NamedTuple):
            first: int = 0
            second: int  # type: ignore[misc]

    with pytest.raises(AttributeError, match="_replace"):

        class Replacing(NamedTuple):
            value: int

            def _replace(self, **changes: object) -> Replacing:  # type: ignore[misc]
                return self

    with pytest.raises(TypeError, match="only base"):

        class Mixed(NamedTuple, Exception):  # type: ignore[misc]
            value: int

    with pytest.raises(TypeError, match="as a class"):
        NamedTuple("Functional", [("value", int)])
