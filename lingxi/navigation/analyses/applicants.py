"""Who files: applicant ranking, concentration (CR4/CR8, HHI), applicant-type mix, and geography.

Concentration is computed on applicant-application pairs (an application with two applicants counts for both), so
shares add up to 1 and HHI = Σ sᵢ² × 10,000 lies between 0 and 10,000 (above 2,500 highly concentrated, below 1,500
unconcentrated, the usual antitrust reading).
"""

from __future__ import annotations

from collections import Counter

from lingxi.kpi.scope import short_place
from lingxi.navigation.analyses.frame import Frame
from lingxi.parties.types import PartyType

TYPE_ORDER = ("enterprise", "soe", "university", "institute", "individual", "hospital", "government", "other")


def applicants(frame: Frame, top: int = 20) -> dict:
    counts: Counter = Counter()
    granted: Counter = Counter()
    recent: Counter = Counter()
    years = [a.year for a in frame.apps.values() if a.year]
    recent_from = (max(years) - 4) if years else 0
    for key, party_ids in frame.applicants.items():
        app = frame.apps[key]
        for pid in party_ids:
            counts[pid] += 1
            if app.granted_year:
                granted[pid] += 1
            if app.year and app.year >= recent_from:
                recent[pid] += 1
    total = sum(counts.values())
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], frame.parties[kv[0]][0]))
    shares = [c / total for _, c in ranked] if total else []
    rows = []
    for rank, (pid, count) in enumerate(ranked[:top], 1):
        name, party_type, province, city, _country = frame.parties[pid]
        rows.append({"rank": rank, "party_id": pid, "name": name, "type": party_type, "province": province,
                     "city": city, "applications": count, "granted": granted[pid], "recent_5y": recent[pid],
                     "share": round(count / total, 4)})
    hhi = round(sum(s * s for s in shares) * 10000, 1)
    return {"top": rows, "applicant_count": len(counts), "pairs": total,
            "cr4": round(sum(shares[:4]), 4), "cr8": round(sum(shares[:8]), 4), "hhi": hhi,
            "concentration": "high" if hhi > 2500 else "moderate" if hhi >= 1500 else "low",
            "types": applicant_types(frame, counts)}


def applicant_types(frame: Frame, counts: Counter) -> list[dict]:
    parties: Counter = Counter()
    filings: Counter = Counter()
    for pid, count in counts.items():
        kind = frame.parties[pid][1] if frame.parties[pid][1] in TYPE_ORDER else "other"
        parties[kind] += 1
        filings[kind] += count
    total = sum(filings.values()) or 1
    return [{"type": t, "label_zh": PartyType(t).label_zh, "label_en": PartyType(t).label_en, "applicants": parties[t],
             "applications": filings[t], "share": round(filings[t] / total, 4)} for t in TYPE_ORDER if filings[t]]


def geography(frame: Frame, top: int = 15) -> dict:
    """Where applications come from: country, province and city of the first applicant."""
    countries: Counter = Counter()
    provinces: Counter = Counter()
    cities: Counter = Counter()
    for key in frame.apps:
        party_ids = frame.applicants.get(key)
        if not party_ids:
            countries["?"] += 1
            continue
        _name, _type, province, city, country = frame.parties[party_ids[0]]
        countries[country or frame.apps[key].country or "?"] += 1
        if province:
            provinces[short_place(province)] += 1
        if city:
            cities[short_place(city)] += 1
    total = len(frame.apps) or 1

    def listed(counter: Counter) -> list[dict]:
        return [{"name": n, "applications": c, "share": round(c / total, 4)}
                for n, c in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]

    return {"countries": listed(countries), "provinces": listed(provinces), "cities": listed(cities),
            "located": sum(provinces.values())}
