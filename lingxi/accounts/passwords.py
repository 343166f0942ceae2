"""Password hashing with Argon2id (argon2-cffi), the current OWASP recommendation."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from lingxi.errors import InvalidInput

_hasher = PasswordHasher()
MIN_LENGTH = 8


def hash_password(password: str) -> str:
    check_password_strength(password)
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_password_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"password must have at least {MIN_LENGTH} characters", field="password")
