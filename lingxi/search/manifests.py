"""Index manifests: small JSON files that say what an index was built from, read leniently and written atomically."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict
from pathlib import Path
from typing import ClassVar


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


class JsonManifest:
    """Mixin for a dataclass manifest stored as `FILE` in an index folder (the dataclass has `updated_at`)."""

    FILE: ClassVar[str]

    @classmethod
    def read(cls, folder: Path):
        data = read_manifest(folder / cls.FILE)
        try:
            return cls(**data) if data is not None else None
        except TypeError:  # fields of another version
            return None

    def write(self, folder: Path) -> None:
        self.updated_at = time.time()
        write_manifest(folder / self.FILE, asdict(self))
