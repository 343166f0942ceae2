"""Every interface text exists in Simplified Chinese and English."""

from __future__ import annotations

import re
from pathlib import Path

from lingxi.web.i18n import messages, translate

WEB = Path(__file__).resolve().parent.parent / "lingxi" / "web"
KEY = re.compile(r"""\bt\(\s*['"]([\w.]+)['"](?!\s*~)""")
PREFIXED = re.compile(r"""\bt\(\s*['"]([\w.]+\.)['"]\s*~""")


def _used_keys() -> tuple[set[str], set[str]]:
    keys, prefixes = set(), set()
    for path in [*WEB.rglob("*.html"), *WEB.rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        keys |= set(KEY.findall(text))
        prefixes |= set(PREFIXED.findall(text))
    return keys, prefixes


def test_every_message_has_chinese_and_english():
    for key, entry in messages().items():
        assert set(entry) == {"zh", "en"}, key
        assert entry["zh"].strip() and entry["en"].strip(), key
        assert re.search(r"[\u4e00-\u9fff]", entry["zh"]) or key == "lang.switch" or entry["zh"] == entry["en"], key


def test_every_key_the_pages_use_is_defined():
    keys, prefixes = _used_keys()
    assert len(keys) > 100
    missing = sorted(key for key in keys if key not in messages())
    assert not missing, missing
    for prefix in prefixes:  # keys built from a value, e.g. 'imports.status_' ~ job.status
        assert any(key.startswith(prefix) for key in messages()), prefix


def test_translation_falls_back_and_formats():
    assert translate("patents.found", "zh", total="12") == "共 12 件"
    assert translate("patents.found", "en", total="12") == "12 patents"
    assert translate("no.such.key", "en") == "no.such.key"
