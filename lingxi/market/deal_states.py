"""The deal state machine: kinds, states and which step may follow which.

    draft → signed → filed (licences: 备案) | registered (transfer, equity: 登记) → in_implementation → closed
    any state before closed → cancelled

A transfer takes effect on registration (Patent Law art. 10), so its effective date is the registration date; a
licence takes effect on signing (or the agreed date) and must be filed within the filing period (Regulations
art. 15; art. 87 for licences under an open licence).
"""

from __future__ import annotations

KINDS = {
    "transfer": ("转让", "Transfer"),
    "licence_exclusive": ("独占许可", "Exclusive licence"),
    "licence_sole": ("排他许可", "Sole licence"),
    "licence_ordinary": ("普通许可", "Ordinary licence"),
    "open_licence": ("开放许可实施许可", "Licence under an open licence"),
    "equity": ("作价入股", "Equity contribution"),
}
LICENCE_KINDS = frozenset({"licence_exclusive", "licence_sole", "licence_ordinary", "open_licence"})
EXCLUSIVE_KINDS = frozenset({"licence_exclusive", "licence_sole"})  # barred while an open licence runs (art. 51)
REGISTERED_KINDS = frozenset({"transfer", "equity"})  # ownership moves: effective on registration

STATES = {
    "draft": ("草拟", "Draft"),
    "signed": ("已签约", "Signed"),
    "filed": ("已备案", "Filed"),
    "registered": ("已登记", "Registered"),
    "in_implementation": ("实施中", "In implementation"),
    "closed": ("已完结", "Closed"),
    "cancelled": ("已取消", "Cancelled"),
}
TERMINAL = frozenset({"closed", "cancelled"})
# A deal counts as "in force" for the open-licence check (no exclusive/sole licence in force) in these states.
IN_FORCE = frozenset({"signed", "filed", "registered", "in_implementation"})


def next_states(kind: str, state: str) -> tuple[str, ...]:
    """The states a deal of this kind may move to from `state`, in the order a user would take them."""
    if state in TERMINAL:
        return ()
    forward = {
        "draft": ("signed",),
        "signed": ("filed",) if kind in LICENCE_KINDS else ("registered",),
        "filed": ("in_implementation",),
        "registered": ("in_implementation",),
        "in_implementation": ("closed",),
    }[state]
    return (*forward, "cancelled")
