"""Accounts (SPEC.md roles table, §13): organisations, users, roles, permissions, sessions and API tokens."""
