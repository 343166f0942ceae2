"""Splitting money exactly: shares of a payment in fen that add up to the payment, never a fen more or less.

Each party's exact share (payment × weight / total weight, a fraction) is rounded down to the fen; the fen left over
go one each to the largest remainders (ties to the earlier party), the largest-remainder method. So 100.00 split
three ways is 33.34 + 33.33 + 33.33.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

CENT = Decimal("0.01")


def split(amount: Decimal, weights: list[Decimal | int | Fraction]) -> list[Decimal]:
    fen = int((Decimal(amount) / CENT).to_integral_exact())
    total = sum((Fraction(w) for w in weights), Fraction(0))
    if total <= 0:
        raise ValueError("weights must add up to more than zero")
    exact = [Fraction(fen) * Fraction(w) / total for w in weights]
    floors = [int(e) for e in exact]
    left = fen - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(f) * CENT for f in floors]


def split_evenly(amount: Decimal, parts: int) -> list[Decimal]:
    return split(amount, [1] * parts)
