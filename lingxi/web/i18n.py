"""Interface languages: Simplified Chinese first, English available on every page.

Messages live in messages.yaml as `key: {zh: …, en: …}`; a missing translation falls back to Chinese and a
missing key shows the key itself, so an untranslated string is visible instead of silently blank.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
HTML_LANG = {"zh": "zh-CN", "en": "en"}


MESSAGE_FILES = Path(__file__).parent / "messages"  # one file per area (value.yaml, matching.yaml, …)


@cache
def messages() -> dict[str, dict[str, str]]:
    merged = yaml.safe_load((Path(__file__).parent / "messages.yaml").read_text(encoding="utf-8"))
    for path in sorted(MESSAGE_FILES.glob("*.yaml")):
        for key, entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if key in merged:
                raise ValueError(f"message key {key!r} in {path.name} is already defined")
            merged[key] = entry
    return merged


def translate(key: str, language: str, **values) -> str:
    entry = messages().get(key)
    if entry is None:
        return key
    text = entry.get(language) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def choose_language(value: str | None) -> str:
    return value if value in LANGUAGES else DEFAULT_LANGUAGE
