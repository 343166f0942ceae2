"""统一社会信用代码 (unified social credit code), GB 32100-2015.

Eighteen characters: registration authority (1), organisation type (1), administrative division (6 digits), the
organisation's own code (9, the old GB 11714 organisation code including its check character) and a check character.
The alphabet is the digits and the capitals without I, O, Z, S, V (easily misread); the check character is
31 − (Σ value × weight mod 31), where the weights are 3^i mod 31, and 31 maps to 0.

`validate` checks what the standard fixes for every code (length, alphabet, digits of the division code, check
character). The embedded GB 11714 check of characters 9–17 is not enforced: codes issued to some bodies (e.g.
individual businesses) carry no valid organisation code there, and the platform must accept every real code.
"""

from __future__ import annotations

import random

from lingxi.errors import InvalidInput

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUE = {character: index for index, character in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
# GB 11714 organisation code check (characters 9–17), used only to make generated demo codes fully realistic.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def check_character(first17: str) -> str:
    total = sum(VALUE[character] * weight for character, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """Why the code is not a valid unified social credit code, or None when it is."""
    if len(code) != 18:
        return f"a unified social credit code has 18 characters, {code!r} has {len(code)}"
    bad = [c for c in code if c not in VALUE]
    if bad:
        return f"character {bad[0]!r} is not allowed in a unified social credit code (no I, O, Z, S, V)"
    if not code[2:8].isdigit():
        return f"characters 3–8 ({code[2:8]}) must be the digits of an administrative division code"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"check character is {code[17]!r} but {code[:17]}… needs {expected!r}"
    return None


def normalise(code: str) -> str:
    """Upper case, without spaces and hyphens: how people type a code they read off a licence."""
    return "".join(code.split()).replace("-", "").upper()


def validate(code: str, field: str = "credit_code") -> str:
    """The normalised code, or InvalidInput naming the field and what is wrong."""
    cleaned = normalise(code)
    reason = problem(cleaned)
    if reason:
        raise InvalidInput(reason, field=field)
    return cleaned


def is_valid(code: str) -> bool:
    return problem(normalise(code)) is None


def generate(rng: random.Random, division: str = "990100", authority: str = "9", kind: str = "1") -> str:
    """A code that passes every check (for demo data): enterprise (9 1) in the given division."""
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    org_check = 11 - total % 11
    org_code = body + {10: "X", 11: "0"}.get(org_check, str(org_check))
    first17 = authority + kind + division + org_code
    if any(c not in VALUE for c in first17):  # an organisation check "X" is fine; retry on anything else
        return generate(rng, division, authority, kind)
    return first17 + check_character(first17)
