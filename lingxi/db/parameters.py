"""Operator-set parameters of an area (value, market …): one row per key holding {"value": …}, defaults in code.

Each area declares its parameters, their checks and who may set them; reading and writing the rows is the same for
all of them and lives here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session


def stored_rows(session: Session, model) -> dict[str, Any]:
    """The rows operators have set, by key (a key without a row is at its default)."""
    return {row.key: row for row in session.scalars(select(model))}


def store(session: Session, model, key: str, value: Any, username: str) -> None:
    """Set one parameter: insert its row or replace its value (the table's audit flag records the change)."""
    row = session.scalars(select(model).where(model.key == key)).first()
    if row is None:
        session.add(model(key=key, value={"value": value}, updated_by=username))
    else:
        row.value = {"value": value}
        row.updated_by = username
    session.flush()
