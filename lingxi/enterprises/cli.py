"""`lingxi enterprises …`: thin wrappers over lingxi.enterprises."""

from __future__ import annotations

import typer

app = typer.Typer(help="§4 enterprise files and demand lists (一企一档 · 需求清单)", no_args_is_help=True)
