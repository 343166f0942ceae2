"""Who may see and change what in enterprise files and demands (SPEC.md §4, §13); every service asks here.

- Operators and admins (enterprises.manage) see and edit every enterprise file, its patent links, training records
  and due-diligence notes.
- An enterprise's own users see and edit their own file (not its due-diligence notes, which are the operators'
  working papers) and post and edit their own demands.
- Other member roles (supplier, broker, financier, other enterprises) see the public profile of an enterprise: name,
  region, industry, size class and main products, and public demands only.
- Regulators see aggregates only (counts), never a single enterprise's file or demand.
"""

from __future__ import annotations

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import ENTERPRISES_MANAGE, ORGANISATIONS_DIRECTORY, ORGANISATIONS_EDIT_OWN, require
from lingxi.errors import PermissionDenied


def is_operator(actor: Principal) -> bool:
    return actor.can(ENTERPRISES_MANAGE)


def is_own(actor: Principal, organisation_id: int | None) -> bool:
    return organisation_id is not None and actor.organisation_id == organisation_id and actor.can(
        ORGANISATIONS_EDIT_OWN)


def may_read_file(actor: Principal, organisation_id: int) -> bool:
    return is_operator(actor) or is_own(actor, organisation_id)


def require_member(actor: Principal) -> None:
    """Any role that may look at single organisations (everyone but the regulator)."""
    require(actor, ORGANISATIONS_DIRECTORY)


def require_file_access(actor: Principal, organisation_id: int) -> None:
    require_member(actor)
    if not may_read_file(actor, organisation_id):
        raise PermissionDenied("an enterprise file is visible to the enterprise's own users and to operators only")


def require_file_edit(actor: Principal, organisation_id: int) -> None:
    require_file_access(actor, organisation_id)


def require_operator(actor: Principal, what: str) -> None:
    if not is_operator(actor):
        raise PermissionDenied(f"only operators may {what}")

# Organisation kinds that keep an enterprise file and post demands: SMEs and state-owned (chain-leader) companies.
ENTERPRISE_KINDS = ("enterprise", "soe")
