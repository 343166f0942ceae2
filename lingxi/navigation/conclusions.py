"""Conclusions written from the figures: each sentence states what the numbers show, with the numbers.

`conclude(section, figures, report_type)` → [{"zh": …, "en": …}]; no sentence is written when its figure is
missing (a scope without value scores gets no value sentence rather than a sentence about zero).
"""

from __future__ import annotations

from typing import Any


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def _s(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


def scope(a: dict) -> list[dict]:
    s = a["scope"]
    out = [_s(f"本报告分析范围为“{s['label_zh']}”，共 {s['patents']:,} 件专利文献，合并为 {s['applications']:,} 件申请，"
              f"涉及 {s['applicants']:,} 个申请人；数据截至 {s['as_of']}。",
              f"The report covers {s['label_en']}: {s['patents']:,} documents in {s['applications']:,} applications "
              f"from {s['applicants']:,} applicants; data as of {s['as_of']}.")]
    if s.get("taxonomy"):
        out.append(_s(f"技术分解采用分类体系 {s['taxonomy']}，对标范围为 {s['benchmark']}。",
                      f"Technology breakdown uses taxonomy {s['taxonomy']}; benchmark scope {s['benchmark']}."))
    return out


def trends(t: dict) -> list[dict]:
    out = []
    rows = [r for r in t["rows"] if not r["incomplete"]]
    if not rows:
        return [_s("范围内没有带申请日的专利，无法给出趋势。", "No application dates in scope: no trend.")]
    first, last = t["rows"][0], t["rows"][-1]
    out.append(_s(f"{first['year']}–{last['year']} 年共申请 {t['total_filings']:,} 件、授权 {t['total_grants']:,} 件；"
                  f"申请量峰值出现在 {t['peak_year']} 年。",
                  f"{first['year']}–{last['year']}: {t['total_filings']:,} filings and {t['total_grants']:,} grants; "
                  f"filings peaked in {t['peak_year']}."))
    if t.get("cagr_5y") is not None:
        w = t["cagr_window"]
        trend_zh = "增长" if t["cagr_5y"] > 0.02 else "下降" if t["cagr_5y"] < -0.02 else "基本持平"
        trend_en = "grew" if t["cagr_5y"] > 0.02 else "fell" if t["cagr_5y"] < -0.02 else "held steady"
        out.append(_s(f"{w[0]}–{w[1]} 年申请量年均复合增长率为 {_pct(t['cagr_5y'])}，总体{trend_zh}。",
                      f"Filings {trend_en} at a compound {_pct(t['cagr_5y'])} a year over {w[0]}–{w[1]}."))
    if t.get("invention_grant_rate") is not None:
        out.append(_s(f"发明专利授权率为 {_pct(t['invention_grant_rate'])}。",
                      f"{_pct(t['invention_grant_rate'])} of invention applications were granted."))
    out.append(_s(f"{t['incomplete_from']} 年及以后的申请因 18 个月公开滞后尚未完全公开，图中以浅色标出，不作趋势判断。",
                  f"Filings from {t['incomplete_from']} on are not yet fully published (18-month lag); they are shaded "
                  "and left out of trend statements."))
    return out


def lifecycle(lc: dict) -> list[dict]:
    out = []
    if lc.get("stage"):
        b = lc["stage_basis"]
        out.append(_s(f"按申请量与申请人数量的变化判断，该技术处于{lc['stage_zh']}：{b['year']} 年与 {b['from']}–{b['to']} 年"
                      f"均值相比，申请量变化 {b['filings_change'] * 100:+.1f}%，申请人数量变化 "
                      f"{b['applicants_change'] * 100:+.1f}%。",
                      f"Filings against applicants put the technology in its {lc['stage']} stage: {b['year']} against "
                      f"the {b['from']}–{b['to']} mean, filings {b['filings_change'] * 100:+.1f}%, applicants "
                      f"{b['applicants_change'] * 100:+.1f}%."))
    fit = lc.get("s_curve")
    if fit:
        out.append(_s(f"逻辑斯蒂 S 曲线拟合（R²={fit['r2']:.3f}）给出累计申请上限约 {fit['ceiling']:,.0f} 件，"
                      f"拐点约在 {fit['midpoint']:.1f} 年，当前已达上限的 {_pct(fit['saturation'])}。",
                      f"A logistic S-curve (R² = {fit['r2']:.3f}) puts the ceiling near {fit['ceiling']:,.0f} "
                      f"cumulative filings, the inflection near {fit['midpoint']:.1f}, and {_pct(fit['saturation'])} "
                      "of the ceiling reached."))
    complete = [r for r in lc["rows"] if not r["incomplete"] and r["N"] is not None]
    if complete:
        r = complete[-1]
        out.append(_s(f"{r['year']} 年技术生长率 v={r['v']:.3f}、技术成熟度 α={r['alpha']:.3f}、"
                      f"技术衰老系数 β={r['beta']:.3f}、新技术特征系数 N={r['N']:.3f}。",
                      f"In {r['year']}: growth rate v = {r['v']:.3f}, maturity α = {r['alpha']:.3f}, "
                      f"ageing β = {r['beta']:.3f}, new-technology index N = {r['N']:.3f}."))
    return out


def geography(g: dict) -> list[dict]:
    out = []
    if g["provinces"]:
        top = g["provinces"][:3]
        names = "、".join(f"{p['name']}（{p['applications']:,} 件，{_pct(p['share'])}）" for p in top)
        out.append(_s(f"申请主要来自 {names}。",
                      "Most filings come from " + ", ".join(f"{p['name']} ({p['applications']:,}, "
                                                            f"{_pct(p['share'])})" for p in top) + "."))
    if g["cities"]:
        c = g["cities"][0]
        out.append(_s(f"城市层面 {c['name']} 居首，占 {_pct(c['share'])}。",
                      f"Among cities {c['name']} leads with {_pct(c['share'])}."))
    if g["countries"]:
        c = g["countries"][0]
        out.append(_s(f"来源国以 {c['name']} 为主，占 {_pct(c['share'])}。",
                      f"By country of origin {c['name']} leads with {_pct(c['share'])}."))
    return out


def applicants(a: dict) -> list[dict]:
    if not a["top"]:
        return []
    first = a["top"][0]
    level = {"high": ("高度集中", "highly concentrated"), "moderate": ("中度集中", "moderately concentrated"),
             "low": ("较为分散", "unconcentrated")}[a["concentration"]]
    return [_s(f"共有 {a['applicant_count']:,} 个申请人，{first['name']} 以 {first['applications']:,} 件居首"
               f"（{_pct(first['share'])}）。",
               f"{a['applicant_count']:,} applicants; {first['name']} leads with {first['applications']:,} "
               f"({_pct(first['share'])})."),
            _s(f"前 4 名集中度 CR4={_pct(a['cr4'])}，CR8={_pct(a['cr8'])}，HHI={a['hhi']:,.0f}，竞争格局{level[0]}。",
               f"CR4 = {_pct(a['cr4'])}, CR8 = {_pct(a['cr8'])}, HHI = {a['hhi']:,.0f}: the field is {level[1]}.")]


def applicant_types(a: dict) -> list[dict]:
    types = a.get("types") or []
    if not types:
        return []
    lead = max(types, key=lambda t: t["applications"])
    uni = sum(t["share"] for t in types if t["type"] in ("university", "institute"))
    return [_s(f"{lead['label_zh']}是主要创新主体，占申请量的 {_pct(lead['share'])}；高校与科研院所合计占 {_pct(uni)}。",
               f"{lead['label_en']}s file most ({_pct(lead['share'])}); universities and institutes together "
               f"{_pct(uni)}.")]


def fields(f: dict) -> list[dict]:
    out = []
    if f["nodes"]:
        top = f["nodes"][:3]
        out.append(_s("产业链节点中申请最多的是 " + "、".join(f"{n['name_zh']}（{n['applications']:,} 件）" for n in top) + "。",
                      "The busiest chain nodes are " + ", ".join(f"{n['name_en']} ({n['applications']:,})"
                                                              for n in top) + "."))
    if f["ipc"]:
        top = f["ipc"][:3]
        out.append(_s("主 IPC 小类集中在 " + "、".join(f"{n['code']}（{_pct(n['share'])}）" for n in top) + "。",
                      "Main IPC subclasses: " + ", ".join(f"{n['code']} ({_pct(n['share'])})" for n in top) + "."))
    return out


def matrix(m: dict) -> list[dict]:
    if not m["rows"]:
        return [_s(f"范围内仅 {m['annotated']:,} 件申请有功效标引，不足以构建技术功效矩阵。",
                   f"Only {m['annotated']:,} applications carry effect annotations: too few for a matrix.")]
    out = []
    if m["hot_spots"]:
        h = m["hot_spots"][:3]
        out.append(_s("研发热点集中在 " + "、".join(f"“{c['means']}×{c['effect']}”（{c['applications']} 件）" for c in h) + "。",
                      "Hot spots: " + ", ".join(f"{c['means']} × {c['effect']} ({c['applications']})" for c in h) + "."))
    if m["white_spaces"]:
        w = m["white_spaces"][:3]
        out.append(_s("技术空白点（手段与功效各自活跃但组合很少）包括 "
                      + "、".join(f"“{c['means']}×{c['effect']}”（{c['applications']} 件）" for c in w) + "，可作为研发布局方向。",
                      "White spaces (busy means and effects rarely combined): "
                      + ", ".join(f"{c['means']} × {c['effect']} ({c['applications']})" for c in w) + "."))
    return out


def key_patents(k: dict) -> list[dict]:
    out = []
    if k["valued"]:
        out.append(_s(f"已评估价值的申请 {k['valued']:,} 件，其中 A/B 级高价值 {k['high_value']:,} 件"
                      f"（A {k['grades']['A']}、B {k['grades']['B']}、C {k['grades']['C']}、D {k['grades']['D']}）。",
                      f"{k['valued']:,} applications have value scores; {k['high_value']:,} are grade A/B "
                      f"(A {k['grades']['A']}, B {k['grades']['B']}, C {k['grades']['C']}, D {k['grades']['D']})."))
    if k["top"]:
        t = k["top"][0]
        out.append(_s(f"综合排名第一的重点专利为 {t['publication_number']}《{t['title']}》"
                      f"（被引 {t['forward_citations']} 次，价值分 {t['value_score'] if t['value_score'] is not None else '—'}）。",
                      f"The top key patent is {t['publication_number']} \"{t['title']}\" ({t['forward_citations']} "
                      f"forward citations, value {t['value_score'] if t['value_score'] is not None else '—'})."))
    return out


def citations(c: dict) -> list[dict]:
    out = [_s(f"范围内专利共引用文献 {c['backward']:,} 次，被引 {c['forward']:,} 次；{_pct(c['cited_share'])} 的申请至少被引一次，"
              f"平均被引 {c['mean_forward']:.2f} 次。",
              f"The scope cites {c['backward']:,} documents and is cited {c['forward']:,} times; "
              f"{_pct(c['cited_share'])} of applications are cited at least once (mean {c['mean_forward']:.2f}).")]
    if "edges" not in c:  # a report stored before the network analysis: counts only
        return out
    if not c["edges"]:
        out.append(_s("范围内专利与库内其他专利之间没有可识别的引证关系，无法构建引证网络。",
                      "No citation links to or from patents in the store: no citation network to analyse."))
        return out
    out.append(_s(f"引证网络含 {c['nodes']:,} 件申请（范围外 {c['outside_nodes']:,} 件）、{c['edges']:,} 条引证关系，其中范围内部 "
                  f"{c['internal_edges']:,} 条、范围外引用本范围 {c['from_outside']:,} 条、本范围引用范围外 {c['to_outside']:,} 条。",
                  f"The citation network has {c['nodes']:,} applications ({c['outside_nodes']:,} outside the scope) and "
                  f"{c['edges']:,} links: {c['internal_edges']:,} within the scope, {c['from_outside']:,} from outside "
                  f"citing the scope, {c['to_outside']:,} from the scope to outside."))
    if c.get("outside_share") is not None:
        reach_zh = "影响已扩散到范围之外" if c["outside_share"] >= 0.5 else "知识主要在范围内部流动"
        reach_en = "its influence reaches beyond the scope" if c["outside_share"] >= 0.5 else \
            "knowledge mostly flows inside the scope"
        out.append(_s(f"本范围专利所获 {c['received']:,} 次被引中，{_pct(c['outside_share'])} 来自范围外专利，{reach_zh}。",
                      f"{_pct(c['outside_share'])} of the {c['received']:,} citations the scope receives come from "
                      f"outside it: {reach_en}."))
    if c["most_cited"]:
        t = c["most_cited"][0]
        holder = "、".join(t["holders"]) or "—"
        out.append(_s(f"被引最多的是 {t['publication_number']}《{t['title']}》（{holder}，{t['year'] or '—'} 年申请），"
                      f"被 {t['cited']} 件申请引用。",
                      f"The most-cited application is {t['publication_number']} \"{t['title']}\" "
                      f"({', '.join(t['holders']) or '—'}, filed {t['year'] or '—'}), cited by {t['cited']} applications."))
    path = c.get("main_path") or []
    if len(path) >= 2:
        first, last = path[0], path[-1]
        out.append(_s(f"按搜索路径计数（SPC）求得的全局主路径共 {len(path)} 个节点，SPC 合计 {c['main_path_spc']:,.0f}，"
                      f"从 {first['publication_number']}（{first['year'] or '—'}）延伸至 {last['publication_number']}"
                      f"（{last['year'] or '—'}），代表该技术知识流动的主干；全网共 {c['paths']:,.0f} 条源—汇路径。",
                      f"The global main path by search path count (SPC) runs through {len(path)} applications, "
                      f"from {first['publication_number']} ({first['year'] or '—'}) to {last['publication_number']} "
                      f"({last['year'] or '—'}) with total SPC {c['main_path_spc']:,.0f}: the backbone of the "
                      f"knowledge flow; the network has {c['paths']:,.0f} source-to-sink paths."))
    if c.get("dropped_edges"):
        out.append(_s(f"{c['dropped_edges']:,} 条引证与申请时间顺序相反（含互引形成的环），未计入主路径。",
                      f"{c['dropped_edges']:,} links run against filing order (including citation loops) and are left "
                      "out of the main path."))
    if c.get("self_share") is not None:
        rows = [r for r in c["flows"]["rows"] if r["total"]]
        lead = max(rows, key=lambda r: (r["total"] - r["self"], r["total"]), default=None) if rows else None
        text_zh = f"自引（引用方与被引方为同一第一申请人）占 {_pct(c['self_share'])}"
        text_en = f"Self-citations (same first applicant on both sides) are {_pct(c['self_share'])} of the links"
        if lead and lead["total"] - lead["self"] > 0:
            text_zh += f"；头部申请人中 {lead['name']} 引用其他头部申请人最多（{lead['total'] - lead['self']} 次）"
            text_en += f"; among the top applicants {lead['name']} cites the others most ({lead['total'] - lead['self']})"
        out.append(_s(text_zh + "。", text_en + "."))
    return out


def inventors(i: dict) -> list[dict]:
    out = [_s(f"共识别发明人 {i['inventor_count']:,} 名，合作团队 {i['team_count']:,} 个。",
              f"{i['inventor_count']:,} inventors in {i['team_count']:,} co-inventor teams.")]
    if i["teams"]:
        t = i["teams"][0]
        out.append(_s(f"规模最大的团队以 {'、'.join(t['core'])} 为核心，{t['size']} 人，申请 {t['applications']} 件"
                      + (f"，主要依托 {t['organisation']}" if t["organisation"] else "") + "。",
                      f"The leading team ({', '.join(t['core'])}) has {t['size']} members and {t['applications']} "
                      "applications" + (f", mostly at {t['organisation']}" if t["organisation"] else "") + "."))
    return out


def operations(o: dict) -> list[dict]:
    e = o["events"]
    out = [_s(f"法律事件中转让 {e['transfer']:,} 次、许可 {e['licence']:,} 次、质押 {e['pledge']:,} 次、开放许可 "
              f"{e['open_licence']:,} 次；发生过运营的申请占 {_pct(o['operated_share'])}。",
              f"Legal events: {e['transfer']:,} transfers, {e['licence']:,} licences, {e['pledge']:,} pledges, "
              f"{e['open_licence']:,} open licences; {_pct(o['operated_share'])} of applications were operated.")]
    if o["deals"] or o["pledges"]["records"]:
        deals = sum(d["count"] for d in o["deals"])
        amount = sum(d["amount_yuan"] for d in o["deals"]) / 10000
        p = o["pledges"]
        out.append(_s(f"平台交易 {deals} 笔、合同金额 {amount:,.1f} 万元；质押登记 {p['records']} 笔，涉及专利 {p['patents']} 件，"
                      f"金额 {p['amount_yuan'] / 10000:,.1f} 万元。",
                      f"Platform deals: {deals} worth ¥{amount:,.1f} × 10k; pledges: {p['records']} registrations on "
                      f"{p['patents']} patents, ¥{p['amount_yuan'] / 10000:,.1f} × 10k."))
    return out


def strengths(s: dict) -> list[dict]:
    out = []
    if s["strengths"]:
        out.append(_s("长板领域（RTA≥1.2）：" + "、".join(f"{r['label']}（RTA {r['rta']:.2f}，{r['scope']} 件）"
                                                   for r in s["strengths"][:4]) + "。",
                      "Strengths (RTA ≥ 1.2): " + ", ".join(f"{r['label']} (RTA {r['rta']:.2f}, {r['scope']})"
                                                           for r in s["strengths"][:4]) + "."))
    if s["weaknesses"]:
        out.append(_s("短板领域（RTA≤0.8 且对标范围占比≥3%）：" + "、".join(
            f"{r['label']}（RTA {r['rta']:.2f}，对标占比 {_pct(r['bench_share'])}）" for r in s["weaknesses"][:4]) + "。",
                      "Weaknesses (RTA ≤ 0.8 in fields ≥ 3 % of the benchmark): " + ", ".join(
            f"{r['label']} (RTA {r['rta']:.2f}, {_pct(r['bench_share'])} of benchmark)" for r in s["weaknesses"][:4])
                      + "."))
    if not out:
        out.append(_s("与对标范围相比，各领域相对优势指数均在 0.8–1.2 之间，结构与对标基本一致。",
                      "Every field's RTA lies between 0.8 and 1.2: the profile matches the benchmark."))
    return out


def recommendations(a: dict, report_type: str) -> list[dict]:
    """Direction — positioning — path (产业规划) and the type's own advice, each tied to a figure above."""
    out = []
    lc, s, m, ap, inv = (a.get(k) for k in ("lifecycle", "strengths", "matrix", "applicants", "inventors"))
    if lc and lc.get("stage") in ("emerging", "growth"):
        out.append(_s(f"方向：技术处于{lc['stage_zh']}，建议加大研发与专利布局投入，抢占增长窗口。",
                      f"Direction: the technology is in its {lc['stage']} stage — invest in R&D and filings now."))
    elif lc and lc.get("stage"):
        out.append(_s(f"方向：技术处于{lc['stage_zh']}，建议以存量专利运营（许可、转让、质押）为主，选择性布局改进型专利。",
                      f"Direction: in the {lc['stage']} stage, favour operating existing patents and selective "
                      "improvement filings."))
    if s and s.get("strengths"):
        out.append(_s(f"定位：巩固长板 {s['strengths'][0]['label']}（RTA {s['strengths'][0]['rta']:.2f}），培育龙头企业。",
                      f"Positioning: build on {s['strengths'][0]['label']} (RTA {s['strengths'][0]['rta']:.2f})."))
    if s and s.get("weaknesses"):
        w = s["weaknesses"][0]
        out.append(_s(f"路径：针对短板 {w['label']}（RTA {w['rta']:.2f}）开展技术引进、协同创新与人才引进。",
                      f"Path: close the gap in {w['label']} (RTA {w['rta']:.2f}) by technology transfer, joint R&D "
                      "and talent."))
    if m and m.get("white_spaces") and report_type in ("rd", "industry", "enterprise"):
        c = m["white_spaces"][0]
        out.append(_s(f"研发立项：优先评估空白点“{c['means']}×{c['effect']}”。",
                      f"R&D: assess the white space {c['means']} × {c['effect']} first."))
    if ap and ap.get("top") and report_type in ("enterprise", "regional", "industry"):
        out.append(_s(f"合作与竞争：关注头部申请人 {ap['top'][0]['name']} 的布局动向（占 {_pct(ap['top'][0]['share'])}）。",
                      f"Watch the leading applicant {ap['top'][0]['name']} ({_pct(ap['top'][0]['share'])})."))
    if inv and inv.get("teams") and report_type in ("talent", "industry"):
        t = inv["teams"][0]
        out.append(_s(f"人才：重点跟踪核心团队 {'、'.join(t['core'][:2])}（{t['applications']} 件申请），作为人才引进与合作对象。",
                      f"Talent: follow the core team of {', '.join(t['core'][:2])} ({t['applications']} applications)."))
    if inv and inv.get("top_inventors") and report_type == "talent":
        p = inv["top_inventors"][0]
        out.append(_s(f"人才评价：高产发明人 {p['name']}（{p['applications']} 件申请）可列入重点人才库，结合价值等级评估其专利质量。",
                      f"Talent evaluation: {p['name']} ({p['applications']} applications) belongs on the key-talent "
                      "list; weigh with the value grades of the patents."))
    if not out:
        out.append(_s("数据量有限，建议扩大检索范围后再形成规划建议。", "Too little data: widen the scope before planning."))
    return out


WRITERS = {"scope": scope, "trends": trends, "lifecycle": lifecycle, "geography": geography,
           "applicants": applicants, "applicant_types": applicant_types, "fields": fields, "matrix": matrix,
           "key_patents": key_patents, "citations": citations, "inventors": inventors, "operations": operations,
           "strengths": strengths}


def conclude(section: str, analyses: dict[str, Any], report_type: str) -> list[dict]:
    if section == "recommendations":
        return recommendations(analyses, report_type)
    if section == "scope":
        return scope(analyses)
    if section == "applicant_types":
        return applicant_types(analyses["applicants"]) if analyses.get("applicants") else []
    figures = analyses.get(section)
    return WRITERS[section](figures) if figures else []
