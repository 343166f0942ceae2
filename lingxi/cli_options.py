"""What every `lingxi` command shares: the data-directory and JSON options, and opening the data directory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lingxi.db import Database, open_database
from lingxi.settings import Settings, load_settings

HomeOption = Annotated[
    Path | None,
    typer.Option("--home", envvar="LINGXI_HOME", help="Data directory (database, indexes, reports)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def open_home(home: Path | None) -> tuple[Settings, Database]:
    settings = load_settings(home)
    settings.ensure_home()
    return settings, open_database(settings.resolved_database_url)
