"""A short-lived, per-process memory of which API token or browser session belongs to whom.

An API client calls many times a second; looking its token up in the database each time was a third of a search
call's cost (and a browser's session lookup a tenth of a patent page's). Entries live TOKEN_TTL seconds, a session's
never past its expiry. Any change that could alter an answer (a token revoked, a session closed, an account changed
or deactivated) empties this process's memory once its transaction commits; other worker processes notice within
TOKEN_TTL seconds.
"""

from __future__ import annotations

import time

from sqlalchemy import event
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal

TOKEN_TTL = 10.0
MAX_ENTRIES = 10_000
_entries: dict[str, tuple[float, Principal]] = {}


def cached(digest: str) -> Principal | None:
    entry = _entries.get(digest)
    if entry is None or entry[0] < time.monotonic():
        return None
    return entry[1]


def remember(digest: str, principal: Principal, valid_for: float | None = None) -> None:
    """Keep the answer TOKEN_TTL seconds, or `valid_for` seconds when that is shorter (a session about to expire)."""
    lifetime = TOKEN_TTL if valid_for is None else min(TOKEN_TTL, valid_for)
    if lifetime <= 0:
        return
    if len(_entries) >= MAX_ENTRIES:
        _entries.clear()
    _entries[digest] = (time.monotonic() + lifetime, principal)


def forget_all_after_commit(session: Session) -> None:
    """Empty the memory now and again when the session commits (a concurrent request may refill it meanwhile)."""
    _entries.clear()
    event.listen(session, "after_commit", lambda _session: _entries.clear(), once=True)
