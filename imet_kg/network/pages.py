"""The files under assets/ and vendor/, and the one way the self-contained pages (a network
view, a timeline) are filled: every `__NAME__` marker of a template replaced in one pass, so
that inserted text is never searched for markers again, and a marker left unfilled or a value
with no marker is an error rather than a broken page."""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib import resources

_MARKER = re.compile(r"__([A-Z][A-Z_]*[A-Z])__")


def asset(*parts: str) -> str:
    """The text of a file shipped with this package (assets/network.html, vendor/...)."""
    return resources.files("imet_kg.network").joinpath(*parts).read_text(encoding="utf-8")


def fill(template: str, values: Mapping[str, str]) -> str:
    """`assets/TEMPLATE` with each __NAME__ replaced by values[NAME], already escaped as the
    place it goes needs."""
    text = asset("assets", template)
    markers = set(_MARKER.findall(text))
    if markers != set(values):
        raise ValueError(
            f"{template}: markers {sorted(markers)} do not match the values {sorted(values)}"
        )
    return _MARKER.sub(lambda match: values[match.group(1)], text)


def script_safe(text: str) -> str:
    """Text to inline in a <script> element, which it must not close early."""
    return text.replace("</", "<\\/")
