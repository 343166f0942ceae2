"""Index manifests: small JSON files that say what an index was built from, read leniently and written atomically."""

from __future__ import annotations

import json
import os
from pathlib import Path


def read_manifest(path: Path) -> dict | None:
    """The manifest's fields, or None when it is missing or unreadable (the index is then rebuilt)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_manifest(path: Path, fields: dict) -> None:
    """Atomically (temporary file + rename): a crash leaves the old manifest or the new, never half of one."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(fields, indent=2), encoding="utf-8")
    os.replace(temporary, path)
