"""The `imet-kg` command: each command reads its options, makes one library call and prints
(Rich tables for people, CSV/JSON for programs). Library errors are shown as "Error: ..."
with exit status 2; violations exit with 1.

Contract: click and rich are used here only; heavy libraries are imported inside commands,
so that `imet-kg --help` stays fast.
"""

from __future__ import annotations

from imet_kg.cli.commands import cli, main

__all__ = ["cli", "main"]
