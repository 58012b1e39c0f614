"""Where the project's files live: ontology, curated graph, rules, checks and queries."""

from __future__ import annotations

from pathlib import Path

from imet_kg.tuples import NamedTuple

_PACKAGE_DIR = Path(__file__).resolve().parent


class Layout(NamedTuple):
    """The folders of one imet-kg project tree.

    >>> Layout(Path("/srv/imet-kg")).shapes_file
    PosixPath('/srv/imet-kg/ontology/shapes.ttl')
    """

    root: Path
    # Folders of Turtle files added to the curated graph (an analyst's own sourced claims),
    # kept outside the project's files: `--graphs DIR` / IMET_KG_GRAPHS.
    extra: tuple[Path, ...] = ()

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
        """The curated Turtle files, in a stable order: the project's, then each extra
        folder's."""
        files = sorted(self.graph_dir.glob("*.ttl"))
        for folder in self.extra:
            files += sorted(folder.glob("*.ttl"))
        return files

    def curated_by_stem(self) -> dict[str, Path]:
        """Each curated file by its stem, the last segment of its graph's name; the first in
        `curated_files` order where two folders hold the same stem."""
        found: dict[str, Path] = {}
        for path in self.curated_files():
            found.setdefault(path.stem, path)
        return found


def default_layout() -> Layout:
    """The source checkout when running from one, else the data installed with the package."""
    checkout = _PACKAGE_DIR.parent
    if (checkout / "ontology" / "imet.ttl").is_file():
        return Layout(checkout)
    return Layout(_PACKAGE_DIR / "_data")
