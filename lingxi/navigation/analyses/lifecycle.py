"""Technology life cycle (技术生命周期): applications against applicants per year, the textbook indicators
(技术生长率 v, 技术成熟度 α, 技术衰老系数 β, 新技术特征系数 N; REFERENCE.md §2.2) and a logistic S-curve fitted to
cumulative filings.

The S-curve is fitted without scipy: for each candidate ceiling K the logit ln(K/y − 1) is linear in the year, so a
least-squares line gives the rate and the midpoint; the K with the smallest squared error in filings wins. Years still
hidden by the publication lag are left out of every fit and of the stage call.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from lingxi.navigation.analyses.frame import Frame

STAGES = {"emerging": ("萌芽期", "emerging"), "growth": ("成长期", "growth"), "maturity": ("成熟期", "maturity"),
          "decline": ("衰退期", "decline"), "recovery": ("复苏期", "recovery")}


def lifecycle(frame: Frame, incomplete_from: int) -> dict:
    per_year: dict[int, dict] = defaultdict(lambda: {"a": 0, "b": 0, "c": 0, "applicants": set()})
    for key, app in frame.apps.items():
        if not app.year:
            continue
        row = per_year[app.year]
        row[{"invention": "a", "utility_model": "b", "design": "c"}.get(app.doc_type or "", "a")] += 1
        row["applicants"].update(frame.applicants.get(key, ()))
    years = sorted(per_year)
    rows = []
    for y in years:
        r = per_year[y]
        a, b, c = r["a"], r["b"], r["c"]
        five = sum(per_year[x]["a"] for x in range(y - 4, y + 1) if x in per_year)
        v = a / five if five else None
        alpha = a / (a + b) if a + b else None
        beta = (a + b) / (a + b + c) if a + b + c else None
        n = math.sqrt(v ** 2 + alpha ** 2) if v is not None and alpha is not None else None
        rows.append({"year": y, "filings": a + b + c, "applicants": len(r["applicants"]), "v": _r(v),
                     "alpha": _r(alpha), "beta": _r(beta), "N": _r(n), "incomplete": y >= incomplete_from})
    complete = [r for r in rows if not r["incomplete"]]
    fit = s_curve([r["year"] for r in complete], [r["filings"] for r in complete])
    stage, basis = _stage(complete, fit)
    return {"rows": rows, "s_curve": fit, "stage": stage, "stage_zh": STAGES[stage][0] if stage else None,
            "stage_basis": basis}


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def s_curve(years: list[int], counts: list[int]) -> dict | None:
    """Logistic fit of cumulative filings: K / (1 + exp(−r (t − t0))); None below 5 years or 20 filings."""
    if len(years) < 5 or sum(counts) < 20:
        return None
    t = np.array(years, dtype=float)
    y = np.cumsum(np.array(counts, dtype=float))
    top = y[-1]
    best = None
    for k in top * np.concatenate([np.linspace(1.02, 3, 60), np.linspace(3.2, 20, 40)]):
        logit = np.log(k / y - 1.0)
        slope, intercept = np.polyfit(t, logit, 1)
        r = -slope
        if r <= 0:
            continue
        t0 = intercept / r
        predicted = k / (1 + np.exp(-r * (t - t0)))
        sse = float(np.sum((predicted - y) ** 2))
        if best is None or sse < best[0]:
            best = (sse, float(k), float(r), float(t0), predicted)
    if best is None:
        return None
    sse, k, r, t0, predicted = best
    total = float(np.sum((y - y.mean()) ** 2)) or 1.0
    return {"ceiling": round(k, 1), "rate": round(r, 4), "midpoint": round(t0, 2),
            "saturation": round(float(y[-1] / k), 4), "r2": round(1 - sse / total, 4),
            "fitted": [round(float(p), 1) for p in predicted], "years": [int(x) for x in years],
            "cumulative": [int(x) for x in y]}


def _stage(rows: list[dict], fit: dict | None) -> tuple[str | None, dict | None]:
    """The stage from the last complete years' growth of filings and applicants, checked against the S-curve."""
    if len(rows) < 3:
        return None, None
    last, window = rows[-1], rows[-4:-1] if len(rows) >= 4 else rows[:-1]
    f0 = sum(r["filings"] for r in window) / len(window)
    a0 = sum(r["applicants"] for r in window) / len(window)
    df = (last["filings"] - f0) / f0 if f0 else 1.0
    da = (last["applicants"] - a0) / a0 if a0 else 1.0
    saturation = fit["saturation"] if fit else None
    if sum(r["filings"] for r in rows) < 30 or (saturation is not None and saturation < 0.1):
        stage = "emerging"
    elif df > 0.1 and da > 0.05:
        stage = "growth"
    elif df < -0.1 and da < -0.05:
        stage = "decline"
    elif df > 0.1 >= da:
        stage = "recovery" if any(r["filings"] < 0.8 * f0 for r in rows[-8:-4]) and saturation and saturation > 0.9 \
            else "maturity"
    else:
        stage = "maturity"
    return stage, {"year": last["year"], "from": window[0]["year"], "to": window[-1]["year"],
                   "filings_change": round(df, 4), "applicants_change": round(da, 4), "saturation": saturation}
