"""The `imet-kg` command: each command reads its options, makes one library call and prints
(Rich tables for people, CSV/JSON for programs). Library errors are shown as "Error: ..."
with exit status 2; violations exit with 1.

Contract: click and rich are used here only; heavy libraries are imported inside commands,
so that `imet-kg --help` stays fast. A saved query asked for as rows by a script is
answered before click is loaded (`quick`).
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from imet_kg.cli.commands import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Entry point of the console script."""
    from imet_kg.cli.quick import run
    from imet_kg.errors import EXIT_ERROR

    try:
        status = run(sys.argv[1:])
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        sys.exit(EXIT_ERROR)
    except OSError as error:  # as the command reports it (see commands.main)
        from imet_kg.fileio import describe

        print(f"Error: {describe(error)}", file=sys.stderr)
        sys.exit(EXIT_ERROR)
    if status is not None:
        sys.exit(status)
    from imet_kg.cli.commands import main as command

    command()


def __getattr__(name: str) -> Any:
    if name == "cli":
        from imet_kg.cli.commands import cli

        return cli
    raise AttributeError(name)
