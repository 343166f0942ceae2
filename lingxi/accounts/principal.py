"""Who is asking: the signed-in user as the services see it."""

from __future__ import annotations

from dataclasses import dataclass, field

from lingxi.accounts.roles import has_permission


@dataclass(frozen=True)
class Principal:
    user_id: int | None
    username: str
    role: str
    organisation_id: int | None = None
    display_name: str = ""
    language: str = "zh"
    csrf_token: str | None = field(default=None, compare=False)  # set for browser sessions only

    def can(self, permission: str) -> bool:
        return has_permission(self.role, permission)


# Batch jobs started from the command line act as the system; the audit log names them so.
SYSTEM = Principal(user_id=None, username="system", role="admin", display_name="system")
