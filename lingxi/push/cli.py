"""`lingxi push …`: thin wrappers over lingxi.push."""

from __future__ import annotations

import typer

app = typer.Typer(help="§5 subscriptions and precise push (精准推送)", no_args_is_help=True)
