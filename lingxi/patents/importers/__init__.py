"""Importers for real patent file formats, chosen automatically by content."""

from __future__ import annotations

from pathlib import Path

from lingxi.patents.importers.base import Importer, ImportOptions, UnknownFormat, leave_out_description
from lingxi.patents.importers.jsonl import LingxiJsonLinesImporter
from lingxi.patents.importers.ppubs_json import PpubsJsonImporter
from lingxi.patents.importers.spreadsheet import SpreadsheetImporter
from lingxi.patents.importers.uspto_xml import UsptoXmlImporter

# Order matters only where two formats could both claim a file; the most specific comes first.
IMPORTERS: list[Importer] = [
    UsptoXmlImporter(),
    PpubsJsonImporter(),
    LingxiJsonLinesImporter(),
    SpreadsheetImporter(),
]

SNIFF_BYTES = 65536


def importer_by_name(name: str) -> Importer:
    for importer in IMPORTERS:
        if importer.name == name:
            return importer
    known = ", ".join(i.name for i in IMPORTERS)
    raise UnknownFormat(f"unknown format {name!r}; known formats: {known}")


def detect_importer(path: Path) -> Importer:
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    for importer in IMPORTERS:
        if importer.sniff(path, head):
            return importer
    known = ", ".join(i.name for i in IMPORTERS)
    raise UnknownFormat(f"{path}: format not recognised (known formats: {known})")


__all__ = ["IMPORTERS", "Importer", "ImportOptions", "UnknownFormat", "detect_importer", "importer_by_name"]
