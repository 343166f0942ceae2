"""`lingxi value …`: thin wrappers over lingxi.value.

Scoring (show, compute, profiles) and value operations (catalogue, sleeping, high-value, valuate, parameters)
register their commands from their own modules.
"""

from __future__ import annotations

import typer

from lingxi.value.cli_operations import register as register_operations
from lingxi.value.cli_scoring import register as register_scoring

app = typer.Typer(help="§3 patent value (专利价值评估)", no_args_is_help=True)
register_scoring(app)
register_operations(app)
