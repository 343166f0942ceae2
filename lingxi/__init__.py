"""Lingxi 灵犀 — industrial IP operations platform."""

__version__ = "0.1.0"
