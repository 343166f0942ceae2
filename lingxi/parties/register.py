"""The operator's register of organisations (权利人名录): what a name cannot tell — above all, being state-owned.

The seeds put universities, institutes and state-owned enterprises first, and the KPIs count patents by holder type;
but 集团 or 有限公司 does not say whether a company is an SOE, and a research centre's name may not say where it is.
An operator registers the province's list (`lingxi parties register FILE`): name, type, province, city. Each entry
is keyed by the cluster key its name reads to, so every spelling variant is covered, and is applied to the stored
parties at once and again after every import (a new spelling, or a new organisation, gets it when it first appears).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from lingxi.accounts.roles import PATENTS_IMPORT, require
from lingxi.db import in_batches
from lingxi.db.models import Party, PatentParty, RegisteredOrganisation
from lingxi.db.pagination import Page, paginate
from lingxi.errors import InvalidInput
from lingxi.parties.cluster import PartyClusterError, read_csv_rows
from lingxi.parties.identity import describe_party
from lingxi.parties.regions import PROVINCE_NAMES
from lingxi.parties.types import PartyType

# Column names an operator's list may use, Chinese or English (case and spaces ignored).
COLUMNS = {
    "name": ("name", "名称", "机构名称", "单位名称", "企业名称", "organisation", "organization"),
    "type": ("type", "类型", "机构类型", "主体类型", "party_type"),
    "province": ("province", "省份", "省", "所在省份"),
    "city": ("city", "城市", "市", "所在城市"),
}
TYPE_WORDS = {
    **{t.value: t for t in PartyType},
    **{t.label_zh: t for t in PartyType},
    **{t.label_en.lower(): t for t in PartyType},
    "国企": PartyType.SOE, "央企": PartyType.SOE, "地方国企": PartyType.SOE, "国有": PartyType.SOE,
    "大学": PartyType.UNIVERSITY, "院校": PartyType.UNIVERSITY, "科研机构": PartyType.INSTITUTE,
    "研究院所": PartyType.INSTITUTE, "研究所": PartyType.INSTITUTE, "研究院": PartyType.INSTITUTE, "民营企业": PartyType.ENTERPRISE, "私营企业": PartyType.ENTERPRISE,
}
ORGANISATION_TYPES = tuple(t.value for t in PartyType if t is not PartyType.INDIVIDUAL)
_PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")


@dataclass(frozen=True)
class RegisterEntry:
    line: int
    name: str
    key: str
    party_type: str | None
    province: str | None
    city: str | None


@dataclass
class RegisterFile:
    entries: list[RegisterEntry] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    notes: list[tuple[int, str]] = field(default_factory=list)  # kept, but worth saying


@dataclass
class RegisterResult:
    new: int
    changed: int
    unchanged: int
    parties_updated: list[int]
    patents: list[int]  # the patents of those parties, to index again (holder-type and region facets)


def read_register_file(path: str | Path) -> RegisterFile:
    """The entries of a CSV (UTF-8 or GBK) or .xlsx list, each bad row rejected with its line and reason."""
    rows = _rows(Path(path))
    if not rows:
        raise PartyClusterError(f"{path}: the file is empty (expected a header line with a name column)")
    columns = _columns(rows[0], path)
    read = RegisterFile()
    by_key: dict[str, RegisterEntry] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            entry = _entry(line, {column: row[n].strip() if n < len(row) else "" for column, n in columns.items()},
                           read.notes)
        except ValueError as refused:
            read.rejected.append((line, str(refused)))
            continue
        if earlier := by_key.pop(entry.key, None):
            read.notes.append((line, f"the same organisation as line {earlier.line}: this line is kept"))
        by_key[entry.key] = entry
    read.entries = list(by_key.values())
    return read


def register_organisations(session: Session, entries: Iterable[RegisterEntry], source: str | None) -> RegisterResult:
    """Store the entries (a registered organisation's entry is replaced) and apply the register to stored parties."""
    new = changed = unchanged = 0
    stored = {r.cluster_key: r for r in session.scalars(select(RegisteredOrganisation))}  # an operator's list: small
    for entry in entries:
        wanted = {"name": entry.name, "party_type": entry.party_type, "province": entry.province, "city": entry.city}
        record = stored.get(entry.key)
        if record is None:
            session.add(RegisteredOrganisation(cluster_key=entry.key, source=source, **wanted))
            new += 1
        elif any(getattr(record, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(record, name, value)
            record.source = source
            changed += 1
        else:
            unchanged += 1
    session.flush()
    updated = apply_register(session)
    return RegisterResult(new, changed, unchanged, updated, patents_of_parties(session, updated))


def register_upload(session: Session, actor, filename: str, content: bytes) -> tuple[RegisterFile, RegisterResult]:
    """An operator's uploaded list (the web page): read, registered and applied, as `lingxi parties register`."""
    require(actor, PATENTS_IMPORT)
    suffix = Path(filename or "").suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx"):
        raise InvalidInput("choose a .csv or .xlsx list of organisations", field="file")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"list{suffix}"
        path.write_bytes(content)
        try:
            read = read_register_file(path)
        except PartyClusterError as error:
            raise InvalidInput(str(error).replace(str(path), Path(filename).name), field="file") from None
    return read, register_organisations(session, read.entries, source=Path(filename).name)


def list_registered(session: Session, actor, page: int = 1, page_size: int = 50) -> Page:
    require(actor, PATENTS_IMPORT)
    return paginate(session, select(RegisteredOrganisation).order_by(RegisteredOrganisation.name), page, page_size)


def apply_register(session: Session) -> list[int]:
    """Give the stored organisations what the register says of them; the ids of the parties that changed."""
    pairs = session.execute(
        select(Party, RegisteredOrganisation).join(
            RegisteredOrganisation,
            and_(Party.kind == "organisation", Party.cluster_key == RegisteredOrganisation.cluster_key),
        )
    )
    changed = []
    for party, registered in pairs:
        wanted = {"party_type": registered.party_type or party.party_type,
                  "province": registered.province or party.province, "city": registered.city or party.city}
        if any(getattr(party, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(party, name, value)
            changed.append(party.id)
    session.flush()
    return changed


def patents_of_parties(session: Session, party_ids: list[int]) -> list[int]:
    """The patents that mention any of these parties (to index again after their type or region changed)."""
    found: set[int] = set()
    for batch in in_batches(party_ids):
        found.update(session.scalars(select(PatentParty.patent_id).where(PatentParty.party_id.in_(batch))))
    return sorted(found)


def _rows(path: Path) -> list[list[str]]:
    if not path.is_file():
        raise PartyClusterError(f"file not found: {path}")
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - openpyxl and zipfile raise many kinds for a malformed workbook
            raise PartyClusterError(f"{path}: not a readable Excel workbook ({exc})") from None
        try:
            return [["" if cell is None else str(cell) for cell in row]
                    for row in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    return read_csv_rows(path, "a name column")[0]


def _columns(header: list[str], path) -> dict[str, int]:
    names = {cell.strip().lstrip("\ufeff").lower().replace(" ", ""): n for n, cell in enumerate(header)}
    columns = {column: next((names[a] for a in aliases if a in names), None) for column, aliases in COLUMNS.items()}
    if columns["name"] is None:
        raise PartyClusterError(f"{path}: no name column (found: {', '.join(h.strip() for h in header) or 'none'}); "
                                f"the list needs name and at least one of type, province, city")
    if all(columns[c] is None for c in ("type", "province", "city")):
        raise PartyClusterError(f"{path}: nothing to register: the list needs a type, province or city column")
    return {column: n for column, n in columns.items() if n is not None}


def _entry(line: int, cells: dict[str, str], notes: list[tuple[int, str]]) -> RegisterEntry:
    name = cells.get("name", "")
    if not name:
        raise ValueError("no name")
    identity = describe_party(name, "applicant")
    if identity.kind != "organisation":
        raise ValueError(f"{name!r} reads as a person's name, not an organisation's")
    party_type = None
    if word := cells.get("type", ""):
        found = TYPE_WORDS.get(word) or TYPE_WORDS.get(word.lower())
        if found is None or found is PartyType.INDIVIDUAL:
            raise ValueError(f"type {word!r} is not one of {', '.join(ORGANISATION_TYPES)} "
                             f"(or 高校, 科研院所, 国有企业, 企业, 医院, 政府, 其他)")
        party_type = found.value
    province = _short_province(cells.get("province", ""))
    if province and province not in PROVINCE_NAMES:
        notes.append((line, f"province {province!r} is not one of China's provincial divisions; kept as written"))
    city = cells.get("city", "").removesuffix("市") or None
    if party_type is None and province is None and city is None:
        raise ValueError(f"nothing to register for {name!r}: type, province and city are all empty")
    return RegisterEntry(line, name, identity.key, party_type, province, city)


def _short_province(text: str) -> str | None:
    for suffix in _PROVINCE_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            return text.removesuffix(suffix)
    return text or None
