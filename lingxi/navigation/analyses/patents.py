"""Key patents and inventor teams (the citation network is analyses/citations.py).

Key patents rank applications by a plain composite that each column of the table shows: forward citations (as a
percentile in the scope), the value score of lingxi.value (0–100) and family size. Inventor teams are the connected
components of the co-inventor graph (two inventors on one application are linked); H14's talent database does the
full disambiguation, this uses the party store's person clusters as they are.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from lingxi.navigation.analyses.frame import Frame


def key_patents(frame: Frame, top: int = 15) -> dict:
    families = Counter(app.family_id for app in frame.apps.values() if app.family_id)
    cites = sorted(frame.forward.values())
    n = len(frame.apps) or 1

    def percentile(count: int) -> float:
        import bisect

        return bisect.bisect_left(cites, count) / n + (n - len(cites)) / n if count else 0.0

    scored = []
    for key, app in frame.apps.items():
        value = frame.value.get(key)
        forward = frame.forward.get(key, 0)
        family = families.get(app.family_id, 1) if app.family_id else 1
        composite = 0.5 * (value[0] / 100 if value else 0) + 0.4 * percentile(forward) + 0.1 * min(family, 10) / 10
        scored.append((round(composite, 4), key, app, value, forward, family))
    scored.sort(key=lambda s: (-s[0], s[1]))
    grades = Counter(v[1] for v in frame.value.values())
    rows = []
    for composite, key, app, value, forward, family in scored[:top]:
        holders = [frame.parties[p][0] for p in frame.applicants.get(key, [])[:2]]
        rows.append({"publication_number": app.publication_number, "patent_id": app.patent_ids[0], "title": app.title,
                     "applicants": holders, "year": app.year, "forward_citations": forward, "family_size": family,
                     "value_score": round(value[0], 1) if value else None, "grade": value[1] if value else None,
                     "legal_status": app.legal_status, "composite": composite})
    return {"top": rows, "grades": {g: grades.get(g, 0) for g in "ABCD"}, "valued": len(frame.value),
            "high_value": grades.get("A", 0) + grades.get("B", 0)}


def inventor_teams(frame: Frame, top: int = 10) -> dict:
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    output: Counter = Counter()
    for key, people in frame.inventors.items():
        for p in people:
            output[p] += 1
            find(p)
        for p in people[1:]:
            a, b = find(people[0]), find(p)
            if a != b:
                parent[max(a, b)] = min(a, b)
    members: dict[int, list[int]] = defaultdict(list)
    for p in output:
        members[find(p)].append(p)
    team_apps: Counter = Counter()
    for key, people in frame.inventors.items():
        if people:
            team_apps[find(people[0])] += 1
    teams = []
    for root, people in members.items():
        if len(people) < 2:
            continue
        people.sort(key=lambda p: (-output[p], frame.parties[p][0]))
        teams.append({"size": len(people), "applications": team_apps[root],
                      "core": [frame.parties[p][0] for p in people[:3]], "root": root})
    teams.sort(key=lambda t: (-t["applications"], -t["size"], t["core"][0]))
    teams = teams[:top]
    # the main applicant of each listed team (one pass over the applications)
    wanted = {t["root"]: Counter() for t in teams}
    for key, people in frame.inventors.items():
        root = find(people[0]) if people else None
        if root in wanted:
            for a in frame.applicants.get(key, [])[:1]:
                wanted[root][frame.parties[a][0]] += 1
    for t in teams:
        found = wanted[t.pop("root")].most_common(1)
        t["organisation"] = found[0][0] if found else None
    inventors = [{"name": frame.parties[p][0], "applications": c}
                 for p, c in sorted(output.items(), key=lambda kv: (-kv[1], frame.parties[kv[0]][0]))[:top]]
    return {"inventor_count": len(output), "teams": teams, "team_count": sum(1 for m in members.values() if len(m) > 1),
            "top_inventors": inventors}
