"""What every importer provides: recognise its format, count its documents, parse them one by one."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from lingxi.patents.records import ParsedRecord, ParseResult


@dataclass
class ImportOptions:
    """Choices the user makes on the command line; importers ignore what does not concern them."""

    mapping_file: Path | None = None  # user column mapping for spreadsheets (YAML or JSON)
    encoding: str | None = None  # force a text encoding instead of detecting it
    default_country: str | None = None  # country to assume for bare numbers
    # Full-text descriptions (说明书) are kept only when asked for (`lingxi import --with-description`): SPEC §1 makes
    # them optional, no feature reads them (search, matching and tagging use title, abstract and claims), and on
    # USPTO grants they are two thirds of the database (10,000 grants: 284 MB with them, 88 MB without).
    include_description: bool = False


def leave_out_description(result: ParsedRecord, options: ImportOptions) -> bool:
    """Drop the record's description unless the options keep it; True when the document had one to drop.

    An importer may have left it out already, without reading it (ParsedRecord.description_left_out).
    """
    if options.include_description:
        return False
    record = result.record
    if record.description:
        record.description = None
        return True
    return result.description_left_out


class UnknownFormat(ValueError):
    """Raised when no importer recognises a file."""


class Importer(Protocol):
    name: str  # short format name shown to users, e.g. "uspto-xml"
    description: str

    def sniff(self, path: Path, head: bytes) -> bool:
        """True when the file looks like this format. `head` is the first 64 KiB."""

    def count(self, path: Path, options: ImportOptions) -> int | None:
        """Cheap estimate of the number of documents, for the progress bar; None if unknown."""

    def parse(self, path: Path, options: ImportOptions) -> Iterator[ParseResult]:
        """Yield a ParsedRecord or a Rejection for every document, in file order; never raise for bad content."""
