"""Cluster applicant / owner names: every spelling of one party gets one cluster id and one display name.

Three passes over the distinct names:

1. **Exact key** — names with the same :func:`~lingxi.parties.names.org_cluster_key` (persons:
   :func:`~lingxi.parties.names.person_key`) form one group; keys that differ only by spaces are joined
   ("pure storage" / "purestorage").
2. **Near-identical Latin keys** (rapidfuzz, blocked on the first word, the second word and the first three
   letters so 100k names stay fast).  A candidate pair (``fuzz.ratio`` ≥ 90) is merged only when the keys have
   the same words except one, that word is ≥ 6 letters on both sides and ``fuzz.ratio`` ≥ 85 between the two
   spellings, and numbers agree — a typo (Electtric/Electric, Lunberg/Lundberg, Megellan/Magellan), never a
   different word (Secretary of the Army / … Navy; Samsung Electronics / Samsung Electro-Mechanics).
3. **Near-identical Chinese keys** (rapidfuzz candidates blocked on the first two characters).  In Chinese a
   one-character difference usually *is* a different organisation (西安交通大学 / 西南交通大学, 华南理工大学 /
   华南农业大学, 武汉华星光电 / 深圳华星光电), so a pair is merged only when its keys (≥ 8 characters) hold the
   same characters in another order (北京航空航天大学 / 北京航天航空大学) or differ only by a joining character
   (与 / 和 / 及 / 暨 / 的 / 之).

The cluster id is a digest of the cluster's smallest key ("P" + 12 hex digits): the same organisation gets the
same id in every run and every import, whatever the row ids are.  The cluster's display name is its most
frequent display form (ties: not all-capitals, then longer, then alphabetical), and its type is the type of that
display name.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from lingxi.parties.names import (
    has_cjk,
    normalise_org_name,
    org_key_of_display,
    person_display,
    person_key_of_display,
)
from lingxi.parties.types import PartyType, classify_party

__all__ = [
    "ClusteredName",
    "ClusterSummary",
    "PartyClusterError",
    "cluster_names",
    "cluster_csv",
    "read_names_csv",
    "write_clusters_csv",
]

LATIN_KEY_CUTOFF = 90.0  # fuzz.ratio between whole keys for a candidate pair
LATIN_WORD_CUTOFF = 85.0  # fuzz.ratio between the one differing word
LATIN_MIN_WORD = 6  # the differing word must be at least this long on both sides
CJK_KEY_CUTOFF = 70.0  # only a candidate filter: merging needs the strict rule below
CJK_MIN_LEN = 8
MAX_BLOCK = 1500  # larger blocks are split on a longer prefix
_CJK_JOINERS = str.maketrans("", "", "与和及暨的之")
_DIGITS_RE = re.compile(r"\d+")


@dataclass(frozen=True)
class ClusteredName:
    id: str
    name: str
    cluster_id: str
    normalised_name: str
    type: str  # a PartyType value
    key: str = ""  # what the name reads to ("p:" + a person's key); the store's parties carry the same keys
    party_id: int | None = None  # the stored party, when clustered against a data directory


@dataclass(frozen=True)
class ClusterSummary:
    names: int
    distinct_names: int
    clusters: int
    seconds: float
    encoding: str = "utf-8"


class PartyClusterError(ValueError):
    """A clear, user-facing problem with a cluster input (missing column, unreadable file)."""


# --------------------------------------------------------------------------------------------------
# union-find over keys


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


# --------------------------------------------------------------------------------------------------
# fuzzy passes


def _latin_compatible(a: str, b: str) -> bool:
    ta, tb = a.split(), b.split()
    if len(ta) != len(tb) or _DIGITS_RE.findall(a) != _DIGITS_RE.findall(b):
        return False
    diffs = [(x, y) for x, y in zip(ta, tb) if x != y]
    if len(diffs) != 1:
        return False
    x, y = diffs[0]
    if min(len(x), len(y)) < LATIN_MIN_WORD or any(c.isdigit() for c in x + y):
        return False
    return fuzz.ratio(x, y) >= LATIN_WORD_CUTOFF


def _cjk_compatible(a: str, b: str) -> bool:
    if min(len(a), len(b)) < CJK_MIN_LEN or _DIGITS_RE.findall(a) != _DIGITS_RE.findall(b):
        return False
    if len(a) == len(b) and sorted(a) == sorted(b):
        return True
    return a.translate(_CJK_JOINERS) == b.translate(_CJK_JOINERS)


def _blocks(keys: list[str], block_keys: Callable[[str], list[str]]) -> list[list[int]]:
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        for bk in block_keys(k):
            blocks[bk].append(i)
    out: list[list[int]] = []
    pending = [(bk, members, 3) for bk, members in blocks.items() if len(members) > 1]
    while pending:
        bk, members, depth = pending.pop()
        if len(members) <= MAX_BLOCK or depth > 8:
            out.append(members)
            continue
        sub: dict[str, list[int]] = defaultdict(list)
        for i in members:
            sub[keys[i].replace(" ", "")[:depth]].append(i)
        pending.extend((f"{bk}|{p}", m, depth + 1) for p, m in sub.items() if len(m) > 1)
    return out


def _fuzzy_merge(
    keys: list[str],
    ids: list[int],
    uf: _UnionFind,
    block_keys: Callable[[str], list[str]],
    cutoff: float,
    compatible: Callable[[str, str], bool],
) -> int:
    merged = 0
    checked: set[tuple[int, int]] = set()
    for members in _blocks(keys, block_keys):
        choices = [keys[i] for i in members]
        for pos in range(len(members) - 1):
            rest = choices[pos + 1:]
            for _choice, _score, j in process.extract(
                choices[pos], rest, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
            ):
                a, b = members[pos], members[pos + 1 + j]
                pair = (a, b) if a < b else (b, a)
                if pair in checked:
                    continue
                checked.add(pair)
                if uf.find(ids[a]) != uf.find(ids[b]) and compatible(keys[a], keys[b]):
                    uf.union(ids[a], ids[b])
                    merged += 1
    return merged


def _latin_block_keys(key: str) -> list[str]:
    tokens = key.split()
    compact = key.replace(" ", "")
    if len(compact) < LATIN_MIN_WORD:
        return []
    out = ["f:" + tokens[0], "c:" + compact[:3]]
    if len(tokens) > 1:
        out.append("s:" + tokens[1])
    return out


def _cjk_block_keys(key: str) -> list[str]:
    return ["h:" + key[:2]] if len(key) >= CJK_MIN_LEN else []


# --------------------------------------------------------------------------------------------------
# clustering


def _name_key(display: str) -> str:
    if not display:
        return ""
    if person_display(display):
        return "p:" + person_key_of_display(display)
    return org_key_of_display(display)


def _display_rank(form: str, count: int) -> tuple:
    letters = [c for c in form if c.isalpha() and c.isascii()]
    all_caps = bool(letters) and all(c.isupper() for c in letters)
    return (-count, all_caps, -len(form), form)


def cluster_names(
    rows: Iterable[tuple[str, str]],
    *,
    fuzzy: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[ClusteredName]:
    """Cluster ``(id, name)`` rows; returns one :class:`ClusteredName` per row, in input order.

    Rows whose name is empty after normalisation get an empty cluster id and type "other".
    ``on_progress(done, total)`` is called while distinct names are keyed (the bulk of the work).
    """
    items = [("" if i is None else str(i), "" if n is None else str(n)) for i, n in rows]
    distinct = list(dict.fromkeys(name for _, name in items))
    total = len(distinct)
    display_of: dict[str, str] = {}
    key_of: dict[str, str] = {}
    step = max(1, total // 100)
    for n, raw in enumerate(distinct, 1):
        display = normalise_org_name(raw)
        display_of[raw] = display
        key_of[raw] = _name_key(display)
        if on_progress and (n % step == 0 or n == total):
            on_progress(n, total)

    # A name read as a person's ("Modus Operandi") whose organisation key is also the key of a name read as an
    # organisation in the same list ("MODUS OPERANDI, INC.") is that organisation.
    org_keys = {k for k in key_of.values() if k and not k.startswith("p:")}
    for raw, k in key_of.items():
        if k.startswith("p:"):
            as_org = org_key_of_display(display_of[raw])
            if as_org in org_keys:
                key_of[raw] = as_org

    keys = sorted({k for k in key_of.values() if k})
    index = {k: i for i, k in enumerate(keys)}
    uf = _UnionFind(len(keys))
    first_compact: dict[str, int] = {}
    for i, k in enumerate(keys):
        if " " in k:
            compact = k.replace(" ", "")
            if compact in index:
                uf.union(i, index[compact])
            elif compact in first_compact:
                uf.union(i, first_compact[compact])
            else:
                first_compact[compact] = i
    if fuzzy:
        latin = [i for i, k in enumerate(keys) if not k.startswith("p:") and not has_cjk(k)]
        cjk = [i for i, k in enumerate(keys) if not k.startswith("p:") and has_cjk(k)]
        _fuzzy_merge([keys[i] for i in latin], latin, uf, _latin_block_keys, LATIN_KEY_CUTOFF, _latin_compatible)
        _fuzzy_merge([keys[i] for i in cjk], cjk, uf, _cjk_block_keys, CJK_KEY_CUTOFF, _cjk_compatible)

    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(keys)):
        members[uf.find(i)].append(i)
    cluster_id = {root: "P" + hashlib.blake2b(keys[min(m)].encode(), digest_size=6).hexdigest()
                  for root, m in members.items()}

    forms: dict[int, Counter[str]] = defaultdict(Counter)
    for _, raw in items:
        k = key_of[raw]
        if k:
            forms[uf.find(index[k])][display_of[raw]] += 1
    display_name: dict[int, str] = {}
    party_type: dict[int, str] = {}
    for root, counter in forms.items():
        best = min(counter.items(), key=lambda fc: _display_rank(fc[0], fc[1]))[0]
        display_name[root] = best
        is_person = keys[root].startswith("p:")
        party_type[root] = (PartyType.INDIVIDUAL if is_person else classify_party(best)).value

    out: list[ClusteredName] = []
    for row_id, raw in items:
        k = key_of[raw]
        if not k:
            out.append(ClusteredName(row_id, raw, "", "", PartyType.OTHER.value))
            continue
        root = uf.find(index[k])
        out.append(ClusteredName(row_id, raw, cluster_id[root], display_name[root], party_type[root], k))
    return out


# --------------------------------------------------------------------------------------------------
# CSV in / out

OUTPUT_COLUMNS = ("id", "name", "cluster_id", "normalised_name", "type")


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), ("utf-8" if encoding == "utf-8-sig" else "gbk")
        except UnicodeDecodeError:
            continue
    raise PartyClusterError(f"{path}: not a UTF-8 or GBK text file")


def read_csv_rows(path: str | Path, expected: str) -> tuple[list[list[str]], str]:
    """All rows of a CSV in UTF-8 (with or without BOM) or GBK / GB18030, header first, and the encoding found.

    Comma, tab and semicolon separators are recognised from the header line. Raises :class:`PartyClusterError`
    with a plain message for a missing, unreadable, empty or malformed file; `expected` says what the header
    line should hold ("columns id,name").
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise PartyClusterError(f"input file not found: {p}") from None
    except IsADirectoryError:
        raise PartyClusterError(f"input is a directory, not a CSV file: {p}") from None
    except OSError as exc:
        raise PartyClusterError(f"cannot read {p}: {exc.strerror or exc}") from None
    text, encoding = _decode(data, p)
    if not text.strip():
        raise PartyClusterError(f"{p}: the file is empty (expected a header line with {expected})")
    header_line = text.lstrip().splitlines()[0]
    delimiter = max((",", "\t", ";"), key=header_line.count)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)), encoding
    except csv.Error as exc:
        raise PartyClusterError(f"{p}: not a readable CSV file ({exc})") from None


def read_names_csv(path: str | Path) -> tuple[list[tuple[str, str]], str]:
    """Rows ``(id, name)`` of a CSV with columns id,name (any order, any case; other columns ignored).

    Read as :func:`read_csv_rows` reads (UTF-8 or GBK; comma, tab or semicolon).  Returns the rows and the
    encoding found.  Raises :class:`PartyClusterError` with a plain message for a missing, unreadable or
    malformed file.
    """
    p = Path(path)
    records, encoding = read_csv_rows(p, "columns id,name")
    header = records[0]
    columns = {h.strip().lstrip("\ufeff").lower(): n for n, h in enumerate(header)}
    missing = [c for c in ("id", "name") if c not in columns]
    if missing:
        found = ", ".join(h.strip() for h in header) or "(none)"
        raise PartyClusterError(
            f"{p}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(found: {found}); the input needs columns id,name"
        )
    id_col, name_col = columns["id"], columns["name"]
    rows = []
    for record in records[1:]:
        if not record or not any(field.strip() for field in record):
            continue
        rows.append(
            (
                record[id_col] if id_col < len(record) else "",
                record[name_col] if name_col < len(record) else "",
            )
        )
    return rows, encoding


def write_clusters_csv(
    path: str | Path, clustered: Iterable[ClusteredName], *, bom: bool = True, party_ids: bool = False
) -> None:
    """Write id,name,cluster_id,normalised_name,type (UTF-8; with a BOM by default so Excel opens it right).

    ``party_ids`` appends a party_id column: the stored party of each name, empty for names the store lacks.
    """
    p = Path(path)
    try:
        with p.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(OUTPUT_COLUMNS + (("party_id",) if party_ids else ()))
            for c in clustered:
                row = (c.id, c.name, c.cluster_id, c.normalised_name, c.type)
                writer.writerow(row + ((c.party_id or "",) if party_ids else ()))
    except OSError as exc:
        raise PartyClusterError(f"cannot write {p}: {exc.strerror or exc}") from None


def cluster_csv(
    input_path: str | Path,
    output_path: str | Path,
    *,
    bom: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
) -> ClusterSummary:
    """Read id,name from ``input_path``, cluster, write id,name,cluster_id,normalised_name,type."""
    started = time.perf_counter()
    rows, encoding = read_names_csv(input_path)
    clustered = cluster_names(rows, on_progress=on_progress)
    write_clusters_csv(output_path, clustered, bom=bom)
    return ClusterSummary(
        names=len(rows),
        distinct_names=len({name for _, name in rows}),
        clusters=len({c.cluster_id for c in clustered if c.cluster_id}),
        seconds=time.perf_counter() - started,
        encoding=encoding,
    )
