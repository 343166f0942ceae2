"""`lingxi matching …`: thin wrappers over lingxi.matching."""

from __future__ import annotations

import typer

app = typer.Typer(help="§5 supply–demand matching and licensee discovery (供需匹配)", no_args_is_help=True)
