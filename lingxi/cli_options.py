"""What every `lingxi` command shares: the data-directory and JSON options, and opening the data directory."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from lingxi.db import Database, open_database
from lingxi.errors import LingxiError
from lingxi.settings import Settings, load_settings

T = TypeVar("T")
err_console = Console(stderr=True)

HomeOption = Annotated[
    Path | None,
    typer.Option("--home", envvar="LINGXI_HOME", help="Data directory (database, indexes, reports)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def open_home(home: Path | None) -> tuple[Settings, Database]:
    settings = load_settings(home)
    settings.ensure_home()
    return settings, open_database(settings.resolved_database_url)


def echo_json(value) -> None:
    """Print a machine-readable answer: UTF-8 Chinese as is, dates and decimals as strings."""
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def fail(message: str, code: int = 2) -> None:
    """Say what went wrong on stderr and exit with `code` (2: the input was refused)."""
    err_console.print(f"[red]{message}[/]")
    raise typer.Exit(code)


def run_in_transaction(home: Path | None, work: Callable[[Session], T]) -> T:
    """Run work(session) in one transaction; a service error is printed with its field and exits 2."""
    db = open_home(home)[1]
    try:
        with db.sessions() as session, session.begin():
            return work(session)
    except LingxiError as error:
        fail(f"{error.message}{f' ({error.field})' if error.field else ''}")
    finally:
        db.dispose()
