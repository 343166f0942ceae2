"""Errors the services raise; each interface turns them into its own answer (HTTP status, CLI exit code)."""

from __future__ import annotations


class LingxiError(Exception):
    code = "error"

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAuthenticated(LingxiError):
    code = "not_authenticated"


class PermissionDenied(LingxiError):
    code = "permission_denied"


class NotFound(LingxiError):
    code = "not_found"


class InvalidInput(LingxiError):
    code = "invalid_input"


class Conflict(LingxiError):
    code = "conflict"
