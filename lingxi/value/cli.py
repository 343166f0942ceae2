"""`lingxi value …`: thin wrappers over lingxi.value."""

from __future__ import annotations

import typer

app = typer.Typer(help="§3 patent value (专利价值评估)", no_args_is_help=True)
