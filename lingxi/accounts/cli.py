"""`lingxi users …`: the administrator's account commands, e.g. to create the first admin of a new installation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import SYSTEM
from lingxi.accounts.users import create_user, list_users, update_user
from lingxi.cli_options import HomeOption, open_home
from lingxi.db.audit import acting_as
from lingxi.db.models import User
from lingxi.errors import LingxiError

app = typer.Typer(help="User accounts (admin).", no_args_is_help=True)
console = Console()


@contextmanager
def _as_system(home: Path | None) -> Iterator[Session]:
    """A transaction acting as the system account; a refused change ends the command with its reason."""
    _, db = open_home(home)
    try:
        with db.sessions() as session, session.begin():
            acting_as(session, SYSTEM)
            yield session
    except LingxiError as error:
        console.print(f"[red]{error.message}[/]")
        raise typer.Exit(1) from None


@app.command("create")
def create(
    username: str,
    role: Annotated[str, typer.Option(help="operator, supplier, enterprise, broker, financier, regulator or admin")],
    organisation_id: Annotated[int | None, typer.Option(help="Organisation the account belongs to.")] = None,
    display_name: Annotated[str | None, typer.Option()] = None,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)] = "",
    home: HomeOption = None,
) -> None:
    """Create an account (the password is asked for, or read from --password)."""
    with _as_system(home) as session:
        user = create_user(session, SYSTEM, username=username, password=password, role=role,
                           display_name=display_name, organisation_id=organisation_id)
        console.print(f"Created user [bold]{user.username}[/] ({user.role}), id {user.id}")


@app.command("set-password")
def set_password(
    username: str,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)] = "",
    home: HomeOption = None,
) -> None:
    """Set a user's password (e.g. a forgotten admin password)."""
    with _as_system(home) as session:
        user_id = session.scalar(select(User.id).where(User.username == username))
        if user_id is None:
            raise typer.BadParameter(f"no user {username!r}")
        update_user(session, SYSTEM, user_id, password=password)
    console.print(f"Password of {username} changed.")


@app.command("list")
def list_command(home: HomeOption = None) -> None:
    """List accounts with role, organisation and last login."""
    _, db = open_home(home)
    with db.sessions() as session:
        page = list_users(session, SYSTEM, page_size=200)
        table = Table("username", "role", "name", "organisation", "active", "last login")
        for user in page.items:
            table.add_row(user.username, user.role, user.display_name,
                          user.organisation.name if user.organisation else "—", "yes" if user.is_active else "no",
                          str(user.last_login_at or "—"))
    console.print(table)
