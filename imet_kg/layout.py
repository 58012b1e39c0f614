"""Where the project's files live: ontology, curated graph, rules, checks and queries."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

_PACKAGE_DIR = Path(__file__).resolve().parent


class Layout(NamedTuple):
    """The folders of one imet-kg project tree.

    >>> Layout(Path("/srv/imet-kg")).shapes_file
    PosixPath('/srv/imet-kg/ontology/shapes.ttl')
    """

    root: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def ontology_file(self) -> Path:
        return self.ontology_dir / "imet.ttl"

    @property
    def shapes_file(self) -> Path:
        return self.ontology_dir / "shapes.ttl"

    @property
    def context_file(self) -> Path:
        return self.ontology_dir / "context.jsonld"

    @property
    def rules_dir(self) -> Path:
        return self.ontology_dir / "rules"

    @property
    def checks_dir(self) -> Path:
        return self.ontology_dir / "checks"

    @property
    def graph_dir(self) -> Path:
        return self.root / "graph"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    def curated_files(self) -> list[Path]:
        """The curated Turtle files, in a stable order."""
        return sorted(self.graph_dir.glob("*.ttl"))


def default_layout() -> Layout:
    """The source checkout when running from one, else the data installed with the package."""
    checkout = _PACKAGE_DIR.parent
    if (checkout / "ontology" / "imet.ttl").is_file():
        return Layout(checkout)
    return Layout(_PACKAGE_DIR / "_data")
