"""Raw value indicators of every patent, computed in bulk (OECD quality set, legal, market; REFERENCE.md §1).

The store is read with a handful of set-based queries (columns only, no ORM objects) and the indicators are built
as numpy arrays, one per indicator, with NaN for "missing": a value the data cannot tell is missing, never 0.
Each indicator also carries, per patent, a short source text code (what data it came from, or why it is missing).

Publications of one application (the A and its B) are one invention: citations received by either count once for
both ("family equivalents"), legal events recorded on either apply to both.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from lingxi.db.models import (
    Deal,
    DealPatent,
    OpenLicenceDeclaration,
    Patent,
    PatentCitation,
    PatentClassification,
    PatentLegalEvent,
    PatentTag,
)
from lingxi.value.facts import DEAL_DONE_STATES
from lingxi.value.vocabulary import INDICATORS

NAMES = tuple(INDICATORS)
YEAR = 365.25
_SUBCLASS = re.compile(r"^[A-H]\d{2}[A-Z]")
_IN_FORCE_WORDS = ("granted", "grant", "patented", "in force", "active", "alive", "有效", "授权", "维持")
_LAPSED_WORDS = ("lapsed", "expired", "dead", "inactive", "abandon", "withdrawn", "rejected", "revoked", "失效",
                 "无效", "终止", "届满", "放弃", "撤回", "驳回", "未缴")
_PENDING_WORDS = ("published", "pending", "application", "examination", "审中", "实审", "实质审查", "公开", "在审")
_GRANTED_KINDS = ("B", "C", "U", "Y", "S", "E", "P")  # CN B/C/U/Y/S, US B1/B2/E/P (plant), design S
_APPLICATION_KINDS = ("A", "A1", "A2", "A9", "P1", "P4", "P9")  # US P1/P4/P9 are plant application publications


@dataclass
class IndicatorTable:
    """Indicators of n patents in id order: values[name] is a float array (NaN = missing); the source of
    patent k's value is source_texts[name][source_codes[name][k]]."""

    ids: np.ndarray
    values: dict[str, np.ndarray] = field(default_factory=dict)
    source_codes: dict[str, np.ndarray] = field(default_factory=dict)
    source_texts: dict[str, list[str]] = field(default_factory=dict)
    field_labels: list[str] = field(default_factory=list)
    field_basis: list[str] = field(default_factory=list)
    filing_year: np.ndarray | None = None
    status: list[str | None] = field(default_factory=list)
    as_of: dt.date = dt.date.today()

    def set(self, name: str, values: np.ndarray, codes: np.ndarray | int, texts: list[str]) -> None:
        self.values[name] = values.astype(float)
        if isinstance(codes, int):
            codes = np.full(len(self.ids), codes, dtype=np.int16)
        self.source_codes[name] = codes.astype(np.int16)
        self.source_texts[name] = texts

    def source(self, name: str, k: int) -> str:
        return self.source_texts[name][int(self.source_codes[name][k])]

    def raw(self, k: int) -> dict[str, float | None]:
        out = {}
        for name in NAMES:
            value = self.values[name][k]
            out[name] = None if value != value else _tidy(value)
        return out


def _tidy(value: float) -> float | int:
    rounded = round(float(value), 4)
    return int(rounded) if rounded.is_integer() else rounded


def _ordinal(value: Any) -> float:
    if value is None:
        return np.nan
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return float(value.toordinal())


def _subclass(code: str | None) -> str | None:
    if not code:
        return None
    text = code.replace(" ", "").upper()
    return text[:4] if _SUBCLASS.match(text) else None


def _has(text: str, words: tuple[str, ...]) -> bool:
    return any(word in text for word in words)


@lru_cache(maxsize=1)
def _wipo_fields() -> list[tuple[str, str, list[str], list[str]]]:
    """(key, name_en, patterns, exclusions) of the 35 WIPO fields, from the shipped taxonomy."""
    path = Path(__file__).resolve().parent.parent / "tagging" / "data" / "wipo_35.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(n["key"], n.get("name_en") or n["name_zh"], list(n.get("ipc_patterns") or []),
             list(n.get("ipc_exclusions") or n.get("exclusions") or [])) for n in data["nodes"]
            if n["key"].startswith("F")]


@lru_cache(maxsize=1)
def _wipo_names() -> dict[str, str]:
    return {key: name for key, name, _, _ in _wipo_fields()}


@lru_cache(maxsize=50000)
def wipo_field_of_ipc(code: str) -> str | None:
    """The WIPO field (name_en) whose IPC concordance pattern matches this IPC code, or None."""
    from lingxi.tagging.ipc import first_match

    for _key, name, patterns, exclusions in _wipo_fields():
        if patterns and first_match(code, patterns, exclusions):
            return name
    return None


def compute_indicators(session: Session, parameters: dict[str, Any], as_of: dt.date | None = None,
                       ) -> IndicatorTable:
    """Raw indicators of every stored patent."""
    as_of = as_of or dt.date.today()
    today = float(as_of.toordinal())
    rows = session.connection().execute(
        select(Patent.id, Patent.application_number, Patent.country, Patent.doc_type, Patent.kind_code,
               Patent.application_date, Patent.publication_date, Patent.grant_date, Patent.legal_status,
               Patent.family_id, Patent.priority_claims, func.json_array_length(Patent.claims))
        .order_by(Patent.id)
    ).all()
    n = len(rows)
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
    table = IndicatorTable(ids=ids, as_of=as_of)
    table.filing_year = np.zeros(n, dtype=np.int32)
    if n == 0:
        for name in NAMES:
            table.set(name, np.zeros(0), 0, [""])
        return table
    index = {int(pid): k for k, pid in enumerate(ids)}
    filing = np.array([_ordinal(r[5]) for r in rows])
    published = np.array([_ordinal(r[6]) for r in rows])
    granted = np.array([_ordinal(r[7]) for r in rows])
    for k, r in enumerate(rows):
        if r[5] is not None:
            table.filing_year[k] = (r[5] if not isinstance(r[5], str) else dt.date.fromisoformat(r[5][:10])).year

    # Publications of one application form a group (an application number, else the patent alone).
    group_of_key: dict[str, int] = {}
    group = np.empty(n, dtype=np.int64)
    for k, r in enumerate(rows):
        key = r[1] or f"#{r[0]}"
        group[k] = group_of_key.setdefault(key, len(group_of_key))
    groups = len(group_of_key)

    _claims(table, rows)
    subclasses, main_ipc = _classes(session, index, n)
    _scope(table, subclasses)
    _family(table, rows)
    _citation_counts(session, table, index)
    _citation_links(session, table, index, group, groups, published, subclasses, parameters, today)
    status = _legal(session, table, rows, index, group, groups, filing, granted, parameters, today)
    table.status = status
    _chain_growth(session, table, index, group, parameters, as_of)
    _platform_transactions(session, table, index, group, groups)
    _fields(session, table, index, main_ipc)
    return table


def _claims(table: IndicatorTable, rows) -> None:
    counts = np.array([r[11] or 0 for r in rows], dtype=float)
    known = counts > 0
    table.set("claims", np.where(known, counts, np.nan), known.astype(np.int16),
              ["missing: no claims text", "claims text"])


def _classes(session: Session, index: dict[int, int], n: int) -> tuple[list[set[str]], list[str | None]]:
    """Per patent: IPC subclasses (CPC when a record has no IPC) and the main IPC code."""
    ipc: list[set[str]] = [set() for _ in range(n)]
    cpc: list[set[str]] = [set() for _ in range(n)]
    main: list[str | None] = [None] * n
    main_rank = [10**9] * n
    rows = session.connection().execute(
        select(PatentClassification.patent_id, PatentClassification.scheme, PatentClassification.code,
               PatentClassification.is_main, PatentClassification.sequence)
        .where(PatentClassification.scheme.in_(("IPC", "CPC")))
    ).all()
    for pid, scheme, code, is_main, sequence in rows:
        k = index.get(pid)
        sub = _subclass(code)
        if k is None or sub is None:
            continue
        if scheme == "IPC":
            ipc[k].add(sub)
            rank = -1 if is_main else (sequence or 0)
            if rank < main_rank[k]:
                main_rank[k], main[k] = rank, code
        else:
            cpc[k].add(sub)
    for k in range(n):
        if not ipc[k] and cpc[k]:
            ipc[k] = cpc[k]
    return ipc, main


def _scope(table: IndicatorTable, subclasses: list[set[str]]) -> None:
    counts = np.array([len(s) for s in subclasses], dtype=float)
    known = counts > 0
    table.set("scope", np.where(known, counts, np.nan), known.astype(np.int16),
              ["missing: no IPC/CPC", "IPC subclasses"])


def _family(table: IndicatorTable, rows) -> None:
    """Offices in the priority family: own country, priority-claim countries, stored members of the family id."""
    family_countries: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r[9] and r[2]:
            family_countries[r[9]].add(r[2].upper())
    n = len(rows)
    values = np.full(n, np.nan)
    codes = np.zeros(n, dtype=np.int16)
    for k, r in enumerate(rows):
        priority = r[10] or []
        if not r[9] and not priority:
            continue
        offices = {r[2].upper()} if r[2] else set()
        for claim in priority:
            if isinstance(claim, dict) and claim.get("country"):
                offices.add(str(claim["country"]).upper())
        if r[9]:
            offices |= family_countries.get(r[9], set())
            codes[k] = 2
        else:
            codes[k] = 1
        values[k] = max(len(offices), 1)
    table.set("family_size", values, codes, ["missing: no family data", "priority claims",
                                             "family id + priority claims"])


def _citation_counts(session: Session, table: IndicatorTable, index: dict[int, int]) -> None:
    n = len(table.ids)
    total = np.zeros(n)
    npl = np.zeros(n)
    rows = session.connection().execute(
        select(PatentCitation.patent_id, func.count(),
               func.sum(case((PatentCitation.npl_text.is_not(None), 1), else_=0)))
        .group_by(PatentCitation.patent_id)
    ).all()
    for pid, count, npl_count in rows:
        k = index.get(pid)
        if k is not None:
            total[k], npl[k] = count, npl_count or 0
    known = total > 0
    texts = ["missing: no citation data", "cited references"]
    table.set("backward_citations", np.where(known, total - npl, np.nan), known.astype(np.int16), texts)
    table.set("npl_citations", np.where(known, npl, np.nan), known.astype(np.int16), texts)


def _class_table(subclasses: list[set[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Subclasses as a CSR table: (offsets, class codes, count per patent)."""
    code_of: dict[str, int] = {}
    counts = np.fromiter((len(s) for s in subclasses), dtype=np.int64, count=len(subclasses))
    codes = np.fromiter((code_of.setdefault(c, len(code_of)) for s in subclasses for c in sorted(s)), dtype=np.int64,
                        count=int(counts.sum()))
    offsets = np.zeros(len(subclasses) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return offsets, codes, counts


def _expand(patents: np.ndarray, offsets: np.ndarray, codes: np.ndarray, counts: np.ndarray):
    """For each entry i of `patents`, one row per class of that patent: (entry index, class code, 1/classes)."""
    per = counts[patents]
    entry = np.repeat(np.arange(len(patents)), per)
    starts = np.repeat(np.cumsum(per) - per, per)
    position = offsets[patents][entry] + (np.arange(len(entry)) - starts)
    return entry, codes[position], 1.0 / per[entry]


def _diversity(owner: np.ndarray, classes: np.ndarray, weights: np.ndarray, size: int, width: int):
    """Per owner: 1 − Σ s² over the shares s of each class in the owner's weights, and the weight total."""
    keys, inverse = np.unique(owner * width + classes, return_inverse=True)
    sums = np.bincount(inverse, weights)
    owners = keys // width
    total = np.bincount(owners, sums, minlength=size)
    squares = np.bincount(owners, sums * sums, minlength=size)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, 1.0 - squares / np.where(total > 0, total * total, 1), np.nan), total


def _citation_links(session: Session, table: IndicatorTable, index: dict[int, int], group: np.ndarray,
                    groups: int, published: np.ndarray, subclasses: list[set[str]], parameters: dict[str, Any],
                    today: float) -> None:
    """Forward citations (within the window), generality, originality and radicalness from citations between
    stored patents (a citation's cited_base joined to Patent.number_base), with numpy over the citation pairs.

    Citations are counted between applications (groups): one per citing application and cited application, dated
    by the citing application's earliest publication. For originality and radicalness a cited application is
    represented by its publication with the most classes, and so is the citing one for its own classes."""
    n = len(table.ids)
    years = parameters.get("forward_citation_window_years", 5)
    window = float(years) * YEAR
    links = np.array([tuple(row) for row in session.connection().execute(
        select(PatentCitation.patent_id, Patent.id)
        .join(Patent, Patent.number_base == PatentCitation.cited_base)
        .where(PatentCitation.cited_base.is_not(None))
    ).all()], dtype=np.int64).reshape(-1, 2)
    ids = table.ids
    a = np.searchsorted(ids, links[:, 0]).clip(0, max(n - 1, 0))
    b = np.searchsorted(ids, links[:, 1]).clip(0, max(n - 1, 0))
    keep = (ids[a] == links[:, 0]) & (ids[b] == links[:, 1]) & (group[a] != group[b])
    a, b = a[keep], b[keep]
    citing_pub = np.where(np.isnan(published[a]), np.inf, published[a])
    order = np.lexsort((citing_pub, group[b], group[a]))
    a, b = a[order], b[order]
    ga, gb = group[a], group[b]
    first = np.ones(len(a), dtype=bool)
    first[1:] = (ga[1:] != ga[:-1]) | (gb[1:] != gb[:-1])
    a, ga, gb = a[first], ga[first], gb[first]  # one link per (citing, cited) application, earliest citing date

    first_pub = np.full(groups, np.inf)
    np.fmin.at(first_pub, group, np.where(np.isnan(published), np.inf, published))
    forward_all = np.bincount(gb, minlength=groups)
    lag = published[a] - first_pub[gb]
    forward_window = np.bincount(gb[lag <= window], minlength=groups)

    offsets, codes, counts = _class_table(subclasses)
    width = int(codes.max()) + 1 if len(codes) else 1
    # the publication with the most classes represents its application
    by_classes = np.lexsort((counts, group))
    sorted_groups = group[by_classes]
    last = np.ones(n, dtype=bool)
    last[:-1] = sorted_groups[1:] != sorted_groups[:-1]
    representative = np.zeros(groups, dtype=np.int64)
    representative[sorted_groups[last]] = by_classes[last]
    # generality: classes of the applications citing it, each citing patent's weight split over its classes
    entry, classes, weights = _expand(a, offsets, codes, counts)
    generality, _ = _diversity(gb[entry], classes, weights, groups, width)
    if parameters.get("generality_bias_correction", False):
        citing_with_classes = np.bincount(gb[counts[a] > 0], minlength=groups)
        generality = np.where(citing_with_classes > 1,
                              generality * citing_with_classes / np.maximum(citing_with_classes - 1, 1), generality)
    # originality and radicalness: classes of the applications it cites
    cited = representative[gb]
    entry, classes, weights = _expand(cited, offsets, codes, counts)
    originality, made_weight = _diversity(ga[entry], classes, weights, groups, width)
    own = representative[ga[entry]]
    own_keys = np.repeat(np.arange(n), counts) * width + codes
    inside = np.isin(own * width + classes, own_keys)
    total = np.bincount(ga[entry], minlength=groups).astype(float)
    outside = np.bincount(ga[entry][~inside], minlength=groups).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        radical = np.where(total > 0, outside / np.where(total > 0, total, 1), np.nan)

    g = group
    no_links = "missing: no citation links in the store"
    forward = np.full(n, np.nan)
    f_codes = np.zeros(n, dtype=np.int16)
    generality_k = np.full(n, np.nan)
    g_codes = np.zeros(n, dtype=np.int16)
    originality_k = np.full(n, np.nan)
    o_codes = np.zeros(n, dtype=np.int16)
    radical_k = np.full(n, np.nan)
    r_codes = np.zeros(n, dtype=np.int16)
    if len(a):
        dated = np.isfinite(first_pub[g])
        forward = np.where(dated, forward_window[g], np.nan).astype(float)
        f_codes = np.where(dated, np.where(first_pub[g] + window > today, 3, 2), 1)
        cited_by_any = forward_all[g] > 0
        known_g = cited_by_any & ~np.isnan(generality[g])
        generality_k = np.where(known_g, generality[g], np.nan)
        g_codes = np.where(known_g, 4, np.where(cited_by_any, 3, 2))
        known_o = made_weight[g] > 0
        originality_k = np.where(known_o, originality[g], np.nan)
        o_codes = np.where(known_o, 3, 2)
        has_own = counts[representative[g]] > 0
        known_r = known_o & has_own & ~np.isnan(radical[g])
        radical_k = np.where(known_r, radical[g], np.nan)
        r_codes = np.where(known_r, 3, np.where(known_o & ~has_own, 4, 2))
    table.set("forward_citations", forward, f_codes,
              [no_links, "missing: no publication date", f"citing patents within {years} y",
               f"citing patents within {years} y (window open)"])
    table.set("generality", generality_k, g_codes,
              [no_links, "", "missing: no stored patent cites it", "missing: citing patents have no IPC",
               "IPC of citing patents"])
    table.set("originality", originality_k, o_codes,
              [no_links, "", "missing: no cited patent in store", "IPC of cited patents"])
    table.set("radicalness", radical_k, r_codes,
              [no_links, "", "missing: no cited patent in store", "IPC of cited patents vs own", "missing: no IPC"])


def _legal(session: Session, table: IndicatorTable, rows, index: dict[int, int], group: np.ndarray, groups: int,
           filing: np.ndarray, granted: np.ndarray, parameters: dict[str, Any], today: float) -> list[str | None]:
    """Legal status, remaining term, years in force, grant lag, age and legal-event counts."""
    n = len(rows)
    classes = ("invalidation", "transfer", "licence", "pledge", "open_licence", "lapse")
    counts = {c: np.zeros(groups) for c in classes}
    lapse_date = np.full(groups, np.nan)
    restored = np.full(groups, np.nan)  # 权利恢复: a restoration after the lapse undoes it
    any_events = np.zeros(groups, dtype=bool)
    per_patent: dict[str, np.ndarray] = {c: np.zeros(n) for c in classes}
    for pid, event_class, count, last in session.connection().execute(
        select(PatentLegalEvent.patent_id, PatentLegalEvent.event_class, func.count(), func.max(PatentLegalEvent.date))
        .group_by(PatentLegalEvent.patent_id, PatentLegalEvent.event_class)
    ).all():
        k = index.get(pid)
        if k is None:
            continue
        any_events[group[k]] = True
        if event_class == "restoration":
            restored[group[k]] = np.fmax(restored[group[k]], _ordinal(last))
        if event_class in per_patent:
            per_patent[event_class][k] = count
            if event_class == "lapse":
                lapse_date[group[k]] = np.fmax(lapse_date[group[k]], _ordinal(last))
    # the same event may be recorded on the A and the B: per application take the larger count, not the sum
    for c in classes:
        np.maximum.at(counts[c], group, per_patent[c])
    for pid, day in session.connection().execute(
        select(PatentLegalEvent.patent_id, PatentLegalEvent.date)
        .where(PatentLegalEvent.event_class == "invalidation", PatentLegalEvent.description.like("%全部无效%"))
    ).all():  # invalidated in full: the right is gone
        k = index.get(pid)
        if k is not None:
            lapse_date[group[k]] = np.fmax(lapse_date[group[k]], _ordinal(day) if day else today)
            counts["lapse"][group[k]] = max(counts["lapse"][group[k]], 1)

    undone = restored >= lapse_date  # False where either is NaN
    lapse_date[undone] = np.nan
    counts["lapse"][undone] = 0
    # the most advanced publication of an application speaks for its status text and grant
    grant_of_group = np.full(groups, np.nan)
    np.fmin.at(grant_of_group, group, np.where(np.isnan(granted), np.inf, granted))
    grant_of_group[grant_of_group == np.inf] = np.nan
    text_of_group: dict[int, tuple[int, str]] = {}
    kind_granted = np.zeros(groups, dtype=bool)
    for k, r in enumerate(rows):
        g = int(group[k])
        kind = (r[4] or "").upper()[:1]
        is_grant = (kind in _GRANTED_KINDS and r[4] not in _APPLICATION_KINDS) or granted[k] == granted[k]
        if is_grant:
            kind_granted[g] = True
        if r[8]:
            rank = 1 if is_grant else 0
            if g not in text_of_group or rank >= text_of_group[g][0]:
                text_of_group[g] = (rank, r[8].strip().lower())

    terms = parameters.get("terms", {})
    values = parameters.get("legal_status_values", {"in_force": 1.0, "pending": 0.5, "lapsed": 0.0})
    pending_max = float(parameters.get("pending_max_years", 8)) * YEAR
    term_end = np.full(n, np.nan)
    for k, r in enumerate(rows):
        term_end[k] = _term_end(r[2], r[3], filing[k], grant_of_group[group[k]], terms)

    status: list[str | None] = [None] * n
    status_codes = np.zeros(n, dtype=np.int16)
    status_texts = ["missing: no status, grant or events", "lapse/invalidation event", "legal status text",
                    "granted, no lapse recorded", "statutory term ended", "pending application",
                    "missing: pending too long, no decision recorded"]
    for k in range(n):
        g = int(group[k])
        text = text_of_group.get(g, (0, ""))[1]
        is_granted = kind_granted[g] or _has(text, _IN_FORCE_WORDS)
        if lapse_date[g] == lapse_date[g] or counts["lapse"][g] > 0:
            status[k], status_codes[k] = "lapsed", 1
        elif text and _has(text, _LAPSED_WORDS):
            status[k], status_codes[k] = "lapsed", 2
        elif is_granted:
            if term_end[k] == term_end[k] and term_end[k] < today:
                status[k], status_codes[k] = "lapsed", 4
            else:
                status[k], status_codes[k] = "in_force", 3 if not text else 2
        elif text and _has(text, _PENDING_WORDS):
            if term_end[k] == term_end[k] and term_end[k] < today:
                status[k], status_codes[k] = "lapsed", 4
            elif filing[k] == filing[k] and today - filing[k] > pending_max:
                status_codes[k] = 6
            else:
                status[k], status_codes[k] = "pending", 5
    status_value = np.array([np.nan if s is None else float(values.get(s, np.nan)) for s in status])
    table.set("legal_status", status_value, status_codes, status_texts)

    remaining = np.full(n, np.nan)
    r_codes = np.zeros(n, dtype=np.int16)
    in_force_years = np.full(n, np.nan)
    y_codes = np.zeros(n, dtype=np.int16)
    for k in range(n):
        s = status[k]
        g = int(group[k])
        if s == "lapsed":
            remaining[k], r_codes[k] = 0.0, 1
        elif s in ("in_force", "pending") and term_end[k] == term_end[k]:
            remaining[k] = max(0.0, (term_end[k] - today) / YEAR)
            r_codes[k] = 2 if s == "in_force" else 3
        if (kind_granted[g] or s == "in_force") and filing[k] == filing[k]:
            end = today
            if s == "lapsed":
                if lapse_date[g] == lapse_date[g]:
                    end = lapse_date[g]
                elif term_end[k] == term_end[k]:
                    end = min(today, term_end[k])
                else:
                    continue
            elif term_end[k] == term_end[k]:
                end = min(today, term_end[k])
            in_force_years[k], y_codes[k] = max(0.0, (end - filing[k]) / YEAR), 1
    table.set("remaining_term_years", remaining, r_codes,
              ["missing: status or filing date unknown", "lapsed", "statutory term",
               "pending: potential term"])
    table.set("years_in_force", in_force_years, y_codes,
              ["missing: not granted", "filing to lapse/today"])
    lag = granted - filing
    known = ~np.isnan(lag)
    table.set("grant_lag_days", np.where(known, lag, np.nan), known.astype(np.int16),
              ["missing: not granted", "filing and grant dates"])
    age = (today - filing) / YEAR
    known = ~np.isnan(age)
    table.set("age_years", np.where(known, age, np.nan), known.astype(np.int16),
              ["missing: no filing date", "filing date"])
    events_known = any_events[group]
    texts = ["missing: no legal events", "legal events"]
    for name, event_class in (("invalidation_events", "invalidation"), ("transfer_events", "transfer"),
                              ("licence_events", "licence"), ("pledge_events", "pledge"),
                              ("open_licence_events", "open_licence")):
        table.set(name, np.where(events_known, counts[event_class][group], np.nan), events_known.astype(np.int16),
                  texts)
    return status


def _platform_transactions(session: Session, table: IndicatorTable, index: dict[int, int], group: np.ndarray,
                           groups: int) -> None:
    """Deals on the platform (SPEC §6) per application: distinct market deals signed or later, not cancelled.

    The platform's own deal register is complete for the platform, so a patent without a deal has 0 (a real zero),
    never missing. A deal naming both the A and the B of one application counts once. The source also says when a
    published open-licence declaration offers the patent (anyone may take a licence: a market signal too).
    Two set-based queries per run, however many patents; a draft is only talk and a cancelled deal never happened,
    a closed one did (lingxi.value.facts.DEAL_DONE_STATES)."""
    deals_of_group: dict[int, set[int]] = defaultdict(set)
    for pid, deal_id in session.connection().execute(
        select(DealPatent.patent_id, DealPatent.deal_id).join(Deal, Deal.id == DealPatent.deal_id)
        .where(Deal.state.in_(DEAL_DONE_STATES))
    ).all():
        k = index.get(pid)
        if k is not None:
            deals_of_group[int(group[k])].add(deal_id)
    per_group = np.zeros(groups)
    for g, found in deals_of_group.items():
        per_group[g] = len(found)
    declared = np.zeros(groups, dtype=bool)
    for (pid,) in session.connection().execute(
        select(OpenLicenceDeclaration.patent_id).where(OpenLicenceDeclaration.status == "published")
        .group_by(OpenLicenceDeclaration.patent_id)
    ).all():
        k = index.get(pid)
        if k is not None:
            declared[group[k]] = True
    codes = declared[group].astype(np.int16)
    table.set("platform_transactions", per_group[group], codes,
              ["market deals signed or later", "market deals signed or later; open licence declared on the platform"])


def _term_end(country: str | None, doc_type: str | None, filing: float, grant: float,
              terms: dict[str, Any]) -> float:
    """Statutory term end as an ordinal day: CN invention 20 / utility model 10 / design 15 (10 when filed
    before 2021-06-01) years from filing; US designs 15 (14 before 2015-05-13) years from grant."""
    country = (country or "").upper()
    doc_type = doc_type or "invention"
    table = terms.get(country) or terms.get("default") or {}
    if country == "US" and doc_type == "design":
        if grant != grant:
            return np.nan
        years = table.get("design_from_grant", 15)
        if grant < dt.date(2015, 5, 13).toordinal():
            years = table.get("design_from_grant_before_2015_05_13", 14)
        return grant + years * YEAR
    if filing != filing:
        return np.nan
    if doc_type == "design" and filing < dt.date(2021, 6, 1).toordinal() and "design_before_2021_06_01" in table:
        years = table["design_before_2021_06_01"]
    else:
        years = table.get(doc_type, (terms.get("default") or {}).get(doc_type, 20))
    return filing + float(years) * YEAR


def _chain_growth(session: Session, table: IndicatorTable, index: dict[int, int], group: np.ndarray,
                  parameters: dict[str, Any], as_of: dt.date) -> None:
    """Growth of filings on the patent's industry-chain nodes (patent_tags of chain_* taxonomies)."""
    n = len(table.ids)
    spec = parameters.get("chain_growth", {})
    window = int(spec.get("window_years", 3))
    lag = int(spec.get("publication_lag_years", 2))
    pseudo = float(spec.get("pseudo_count", 1))
    nodes_of: dict[int, set[tuple[str, str]]] = defaultdict(set)
    filings: dict[tuple[str, str], set[tuple[int, int]]] = defaultdict(set)
    years = table.filing_year
    for pid, taxonomy, node in session.connection().execute(
        select(PatentTag.patent_id, PatentTag.taxonomy_name, PatentTag.node_key)
        .where(PatentTag.taxonomy_name.like("chain%"), PatentTag.status != "rejected")
    ).all():
        k = index.get(pid)
        if k is None:
            continue
        nodes_of[k].add((taxonomy, node))
        if years[k]:
            filings[(taxonomy, node)].add((int(group[k]), int(years[k])))
    values = np.full(n, np.nan)
    codes = np.zeros(n, dtype=np.int16)
    if nodes_of:
        latest = int(years.max()) if years.max() > 0 else as_of.year
        end = min(as_of.year - lag, latest)
        growth: dict[tuple[str, str], float] = {}
        for node, seen in filings.items():
            recent = sum(1 for _, y in seen if end - window < y <= end)
            earlier = sum(1 for _, y in seen if end - 2 * window < y <= end - window)
            growth[node] = (recent + pseudo) / (earlier + pseudo) - 1.0
        for k, nodes in nodes_of.items():
            known = [growth.get(node, 0.0 - 0.0) for node in nodes if node in growth]
            if known:
                values[k], codes[k] = sum(known) / len(known), 2
            else:
                codes[k] = 1
        texts = ["missing: no chain node",
                 "missing: chain node has no dated filings",
                 f"chain-node filings {end - window + 1}–{end} vs {end - 2 * window + 1}–{end - window}"]
    else:
        texts = ["missing: no chain node", "", ""]
    table.set("chain_growth", values, codes, texts)


def _fields(session: Session, table: IndicatorTable, index: dict[int, int], main_ipc: list[str | None]) -> None:
    """Technology field per patent: its WIPO 35 tag, else its main IPC through the WIPO concordance, else the
    IPC section, else unknown."""
    n = len(table.ids)
    names = _wipo_names()
    best: dict[int, tuple[float, str]] = {}
    for pid, node, confidence in session.connection().execute(
        select(PatentTag.patent_id, PatentTag.node_key, PatentTag.confidence)
        .where(PatentTag.taxonomy_name == "wipo_35", PatentTag.status != "rejected")
    ).all():
        k = index.get(pid)
        if k is not None and node in names and (k not in best or confidence > best[k][0]):
            best[k] = (confidence, names[node])
    labels: list[str] = []
    basis: list[str] = []
    for k in range(n):
        if k in best:
            labels.append("wipo:" + best[k][1])
            basis.append("WIPO 35 tag")
            continue
        code = main_ipc[k]
        found = wipo_field_of_ipc(code) if code else None
        if found:
            labels.append("wipo:" + found)
            basis.append("main IPC via WIPO concordance")
        elif code and _subclass(code):
            labels.append("ipc:" + code.strip()[0].upper())
            basis.append("IPC section")
        else:
            labels.append("unknown")
            basis.append("no classification")
    table.field_labels, table.field_basis = labels, basis
