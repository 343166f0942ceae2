"""`lingxi users …`: the administrator's account commands, e.g. to create the first admin of a new installation."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from lingxi.accounts.principal import SYSTEM
from lingxi.accounts.users import create_user, list_users, update_user
from lingxi.db.audit import acting_as
from lingxi.db.models import User
from lingxi.errors import LingxiError

app = typer.Typer(help="User accounts (admin).", no_args_is_help=True)
console = Console()


def _open(home):
    from lingxi.cli import open_home

    return open_home(home)[1]


HomeOption = Annotated[Optional[str], typer.Option("--home", envvar="LINGXI_HOME", help="Data directory.")]


@app.command("create")
def create(
    username: str,
    role: Annotated[str, typer.Option(help="operator, supplier, enterprise, broker, financier, regulator or admin")],
    organisation_id: Annotated[Optional[int], typer.Option(help="Organisation the account belongs to.")] = None,
    display_name: Annotated[Optional[str], typer.Option()] = None,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)] = "",
    home: HomeOption = None,
) -> None:
    """Create an account (the password is asked for, or read from --password)."""
    from pathlib import Path

    db = _open(Path(home) if home else None)
    try:
        with db.sessions() as session, session.begin():
            acting_as(session, SYSTEM)
            user = create_user(session, SYSTEM, username=username, password=password, role=role,
                               display_name=display_name, organisation_id=organisation_id)
            console.print(f"Created user [bold]{user.username}[/] ({user.role}), id {user.id}")
    except LingxiError as error:
        console.print(f"[red]{error.message}[/]")
        raise typer.Exit(1) from None


@app.command("set-password")
def set_password(
    username: str,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)] = "",
    home: HomeOption = None,
) -> None:
    """Set a user's password (e.g. a forgotten admin password)."""
    from pathlib import Path

    from sqlalchemy import select

    db = _open(Path(home) if home else None)
    try:
        with db.sessions() as session, session.begin():
            acting_as(session, SYSTEM)
            user_id = session.scalar(select(User.id).where(User.username == username))
            if user_id is None:
                raise typer.BadParameter(f"no user {username!r}")
            update_user(session, SYSTEM, user_id, password=password)
    except LingxiError as error:
        console.print(f"[red]{error.message}[/]")
        raise typer.Exit(1) from None
    console.print(f"Password of {username} changed.")


@app.command("list")
def list_command(home: HomeOption = None) -> None:
    """List accounts with role, organisation and last login."""
    from pathlib import Path

    db = _open(Path(home) if home else None)
    with db.sessions() as session:
        page = list_users(session, SYSTEM, page_size=200)
        table = Table("username", "role", "name", "organisation", "active", "last login")
        for user in page.items:
            table.add_row(user.username, user.role, user.display_name,
                          user.organisation.name if user.organisation else "—", "yes" if user.is_active else "no",
                          str(user.last_login_at or "—"))
    console.print(table)
