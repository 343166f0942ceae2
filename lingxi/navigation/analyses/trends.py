"""Filing and grant trends by year, with the years still hidden by the 18-month publication lag marked."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from lingxi.navigation.analyses.frame import Frame

PUBLICATION_LAG_MONTHS = 18  # an application is published up to 18 months after filing (Patent Law Art. 34)


def incomplete_from(as_of: dt.date) -> int:
    """The first filing year not yet fully published on `as_of`: year Y's last filings appear by 1 July of Y + 2."""
    return as_of.year - 1 if as_of >= dt.date(as_of.year, 7, 1) else as_of.year - 2


def trends(frame: Frame, as_of: dt.date) -> dict:
    filings = Counter(app.year for app in frame.apps.values() if app.year)
    grants = Counter(app.granted_year for app in frame.apps.values() if app.granted_year)
    by_type = Counter((app.year, app.doc_type or "other") for app in frame.apps.values() if app.year)
    years = sorted(set(filings) | set(grants))
    span = list(range(years[0], years[-1] + 1)) if years else []
    lag_from = incomplete_from(as_of)
    rows = [{"year": y, "filings": filings.get(y, 0), "grants": grants.get(y, 0),
             "invention": by_type.get((y, "invention"), 0), "utility_model": by_type.get((y, "utility_model"), 0),
             "design": by_type.get((y, "design"), 0), "incomplete": y >= lag_from} for y in span]
    complete = [r for r in rows if not r["incomplete"]]
    result = {"rows": rows, "incomplete_from": lag_from, "as_of": as_of.isoformat(),
              "total_filings": sum(filings.values()), "total_grants": sum(grants.values()),
              "peak_year": max(complete, key=lambda r: r["filings"])["year"] if complete else None, "cagr_5y": None}
    if len(complete) >= 6 and complete[-6]["filings"] > 0 and complete[-1]["filings"] > 0:
        result["cagr_5y"] = round((complete[-1]["filings"] / complete[-6]["filings"]) ** (1 / 5) - 1, 4)
        result["cagr_window"] = [complete[-6]["year"], complete[-1]["year"]]
    inventions = sum(r["invention"] for r in rows)
    granted_inventions = sum(1 for a in frame.apps.values() if a.doc_type == "invention" and a.granted_year)
    result["invention_grant_rate"] = round(granted_inventions / inventions, 4) if inventions else None
    return result
