"""A stored report laid out once — numbered sections, each with its conclusions, charts and tables — for the three
renderers (render_html.py, render_pdf.py, render_docx.py), so the formats can never disagree on content.

Charts are neutral specs (charts.py turns them into ECharts options for HTML and matplotlib PNGs for PDF/Word).
"""

from __future__ import annotations

from typing import Any

from lingxi.navigation.conclusions import conclude
from lingxi.navigation.report_types import SECTION_TITLES, TYPES


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def build_document(report: dict[str, Any], lang: str = "zh") -> dict[str, Any]:
    """report: {id, type, title, scope, settings, data_version, analyses, created_at, figures_hash}."""
    kind = TYPES[report["type"]]
    a = report["analyses"]
    sections = []
    for number, key in enumerate(kind.sections, 1):
        zh, en = SECTION_TITLES[key]
        section = {"number": number, "key": key, "title": _t(lang, zh, en), "charts": [], "tables": [],
                   "paragraphs": [s[lang] for s in conclude(key, a, kind.key)]}
        builder = BUILDERS.get(key)
        if builder:
            builder(section, a, lang, report)
        for i, chart in enumerate(section["charts"], 1):
            chart["number"] = f"{number}-{i}"
        for i, table in enumerate(section["tables"], 1):
            table["number"] = f"{number}-{i}"
        sections.append(section)
    return {"id": report["id"], "title": report["title"], "type": kind.key,
            "type_label": _t(lang, kind.zh, kind.en), "standard": kind.standard_part, "lang": lang,
            "scope": report["scope"], "scope_label": a["scope"][f"label_{lang}"],
            "created_at": report.get("created_at"), "figures_hash": report.get("figures_hash"),
            "meta": _meta(report, lang), "sections": sections}


def _meta(report: dict, lang: str) -> list[tuple[str, str]]:
    s, dv, st = report["analyses"]["scope"], report["data_version"], report["settings"]
    return [(_t(lang, "报告编号", "Report"), f"NAV-{report['id']:05d}"),
            (_t(lang, "分析范围", "Scope"), report["scope"]),
            (_t(lang, "对标范围", "Benchmark"), st.get("benchmark") or "all"),
            (_t(lang, "专利文献 / 申请", "Documents / applications"), f"{s['patents']:,} / {s['applications']:,}"),
            (_t(lang, "数据截至", "Data as of"), s["as_of"]),
            (_t(lang, "数据版本", "Data version"),
             f"{dv.get('patents', 0):,} patents · import #{dv.get('last_import_job')} · "
             + ", ".join(dv.get("value_profiles") or []) or "—"),
            (_t(lang, "分类体系", "Taxonomy"), s.get("taxonomy") or "IPC"),
            (_t(lang, "价值场景", "Value scenario"), st.get("value_scenario", "licensing")),
            (_t(lang, "生成时间", "Generated"), str(report.get("created_at") or "")),
            (_t(lang, "指纹", "Figures hash"), (report.get("figures_hash") or "")[:16])]


def _scope(section, a, lang, report):
    s = a["scope"]
    section["tables"].append({"caption": _t(lang, "检索范围与设置", "Scope and settings"),
                              "columns": [_t(lang, "项目", "Item"), _t(lang, "内容", "Value")],
                              "rows": [list(m) for m in _meta(report, lang)]})
    fields = a.get("fields") or {}
    if fields.get("nodes"):
        section["tables"].append({"caption": _t(lang, "技术分解表（产业链节点）", "Technology breakdown (chain nodes)"),
                                  "columns": [_t(lang, "节点", "Node"), _t(lang, "层级", "Level"),
                                              _t(lang, "申请量", "Applications")],
                                  "rows": [[n[f"name_{lang}"], n["level"] or "", n["applications"]]
                                           for n in fields["nodes"][:12]]})
    del s


def _trends(section, a, lang, report):
    t = a["trends"]
    rows = t["rows"]
    section["charts"].append({"kind": "bar_line", "title": _t(lang, "年度申请量与授权量", "Filings and grants by year"),
                              "x": [r["year"] for r in rows],
                              "series": [{"name": _t(lang, "申请量", "Filings"), "data": [r["filings"] for r in rows],
                                          "type": "bar"},
                                         {"name": _t(lang, "授权量", "Grants"), "data": [r["grants"] for r in rows],
                                          "type": "line"}],
                              "shade_from": t["incomplete_from"],
                              "note": _t(lang, f"浅色区域（{t['incomplete_from']} 年起）受 18 个月公开滞后影响，数据不完整",
                                         f"shaded from {t['incomplete_from']}: incomplete (18-month publication lag)")})
    section["tables"].append({"caption": _t(lang, "年度申请类型构成", "Filings by year and type"),
                              "columns": [_t(lang, "年份", "Year"), _t(lang, "发明", "Invention"),
                                          _t(lang, "实用新型", "Utility model"), _t(lang, "外观设计", "Design"),
                                          _t(lang, "授权", "Grants"), _t(lang, "完整", "Complete")],
                              "rows": [[r["year"], r["invention"], r["utility_model"], r["design"], r["grants"],
                                        "×" if r["incomplete"] else "✓"] for r in rows[-12:]]})


def _lifecycle(section, a, lang, report):
    lc = a["lifecycle"]
    rows = lc["rows"]
    section["charts"].append({"kind": "path", "title": _t(lang, "技术生命周期图（申请人数—申请量）",
                                                           "Life cycle: applicants vs filings"),
                              "x_name": _t(lang, "申请人数", "Applicants"), "y_name": _t(lang, "申请量", "Filings"),
                              "points": [[r["applicants"], r["filings"], r["year"], r["incomplete"]] for r in rows]})
    fit = lc.get("s_curve")
    if fit:
        section["charts"].append({"kind": "line", "title": _t(lang, "累计申请量与 S 曲线拟合",
                                                               "Cumulative filings and the logistic fit"),
                                  "x": fit["years"],
                                  "series": [{"name": _t(lang, "累计申请", "Cumulative"), "data": fit["cumulative"],
                                              "type": "bar"},
                                             {"name": _t(lang, "S 曲线", "S-curve"), "data": fit["fitted"],
                                              "type": "line"}]})
    section["tables"].append({"caption": _t(lang, "生命周期指标（v、α、β、N）", "Life-cycle indicators (v, α, β, N)"),
                              "columns": [_t(lang, "年份", "Year"), _t(lang, "申请量", "Filings"),
                                          _t(lang, "申请人", "Applicants"), "v", "α", "β", "N"],
                              "rows": [[r["year"], r["filings"], r["applicants"], _f(r["v"]), _f(r["alpha"]),
                                        _f(r["beta"]), _f(r["N"])] for r in rows[-10:]]})


def _f(x) -> str:
    return "—" if x is None else f"{x:.3f}"


def _geography(section, a, lang, report):
    g = a["geography"]
    if len(g["provinces"]) >= 2:  # one bar says nothing the sentence does not
        section["charts"].append({"kind": "barh", "title": _t(lang, "省份分布", "By province"),
                                  "x": [p["name"] for p in g["provinces"][:10]],
                                  "series": [{"name": _t(lang, "申请量", "Filings"),
                                              "data": [p["applications"] for p in g["provinces"][:10]]}]})
    rows = [[_t(lang, "国家", "Country"), c["name"], c["applications"], _pct(c["share"])] for c in g["countries"][:5]]
    rows += [[_t(lang, "城市", "City"), c["name"], c["applications"], _pct(c["share"])] for c in g["cities"][:8]]
    section["tables"].append({"caption": _t(lang, "来源国家与城市", "Countries and cities of origin"),
                              "columns": [_t(lang, "层级", "Level"), _t(lang, "名称", "Name"),
                                          _t(lang, "申请量", "Applications"), _t(lang, "占比", "Share")],
                              "rows": rows})


def _applicants(section, a, lang, report):
    ap = a["applicants"]
    top = ap["top"][:10]
    section["charts"].append({"kind": "barh", "title": _t(lang, "申请人排名（前 10）", "Top 10 applicants"),
                              "x": [r["name"] for r in top],
                              "series": [{"name": _t(lang, "申请量", "Applications"),
                                          "data": [r["applications"] for r in top]}]})
    section["tables"].append({"caption": _t(lang, f"申请人排名（CR4 {_pct(ap['cr4'])}，CR8 {_pct(ap['cr8'])}，HHI {ap['hhi']:,.0f}）",
                                             f"Applicants (CR4 {_pct(ap['cr4'])}, CR8 {_pct(ap['cr8'])}, HHI {ap['hhi']:,.0f})"),
                              "columns": ["#", _t(lang, "申请人", "Applicant"), _t(lang, "类型", "Type"),
                                          _t(lang, "申请量", "Applications"), _t(lang, "授权", "Granted"),
                                          _t(lang, "近5年", "Last 5 y"), _t(lang, "占比", "Share")],
                              "rows": [[r["rank"], r["name"], _type_label(r["type"], lang), r["applications"], r["granted"],
                                        r["recent_5y"], _pct(r["share"])] for r in ap["top"][:15]]})


def _type_label(kind: str, lang: str) -> str:
    from lingxi.parties.types import PartyType

    try:
        return PartyType(kind).label_zh if lang == "zh" else PartyType(kind).label_en
    except ValueError:
        return kind


def _applicant_types(section, a, lang, report):
    types = a["applicants"]["types"]
    section["charts"].append({"kind": "pie", "title": _t(lang, "申请人类型构成", "Applicant types"),
                              "items": [{"name": t[f"label_{lang}"], "value": t["applications"]} for t in types]})
    section["tables"].append({"caption": _t(lang, "申请人类型", "Applicant types"),
                              "columns": [_t(lang, "类型", "Type"), _t(lang, "申请人数", "Applicants"),
                                          _t(lang, "申请量", "Applications"), _t(lang, "占比", "Share")],
                              "rows": [[t[f"label_{lang}"], t["applicants"], t["applications"], _pct(t["share"])]
                                       for t in types]})


def _fields(section, a, lang, report):
    f = a["fields"]
    if f["nodes"]:
        nodes = f["nodes"][:12]
        section["charts"].append({"kind": "barh", "title": _t(lang, "产业链节点分布", "Chain nodes"),
                                  "x": [n[f"name_{lang}"] for n in nodes],
                                  "series": [{"name": _t(lang, "申请量", "Applications"),
                                              "data": [n["applications"] for n in nodes]}]})
    section["charts"].append({"kind": "bar", "title": _t(lang, "主 IPC 小类分布", "Main IPC subclasses"),
                              "x": [n["code"] for n in f["ipc"][:12]],
                              "series": [{"name": _t(lang, "申请量", "Applications"),
                                          "data": [n["applications"] for n in f["ipc"][:12]]}]})


def _matrix(section, a, lang, report):
    m = a["matrix"]
    if not m["rows"]:
        return
    section["charts"].append({"kind": "heatmap", "title": _t(lang, "技术功效矩阵（气泡为申请量）",
                                                              "Technology–effect matrix (applications)"),
                              "rows": m["rows"], "cols": m["cols"], "cells": m["cells"]})
    rows = [[_t(lang, "热点", "Hot spot"), c["means"], c["effect"], c["applications"]] for c in m["hot_spots"][:6]]
    rows += [[_t(lang, "空白", "White space"), c["means"], c["effect"], c["applications"]]
             for c in m["white_spaces"][:6]]
    if rows:
        section["tables"].append({"caption": _t(lang, "热点与空白点", "Hot spots and white spaces"),
                                  "columns": [_t(lang, "类别", "Kind"), _t(lang, "技术手段", "Means"),
                                              _t(lang, "功效", "Effect"), _t(lang, "申请量", "Applications")],
                                  "rows": rows})


def _key_patents(section, a, lang, report):
    k = a["key_patents"]
    if k["valued"]:
        section["charts"].append({"kind": "bar", "title": _t(lang, "价值等级分布", "Value grades"),
                                  "x": list("ABCD"), "series": [{"name": _t(lang, "申请量", "Applications"),
                                                                 "data": [k["grades"][g] for g in "ABCD"]}]})
    section["tables"].append({"caption": _t(lang, "重点专利清单", "Key patents"),
                              "columns": [_t(lang, "公开号", "Publication"), _t(lang, "名称", "Title"),
                                          _t(lang, "申请人", "Applicant"), _t(lang, "被引", "Cited"),
                                          _t(lang, "价值分", "Value"), _t(lang, "等级", "Grade")],
                              "rows": [[r["publication_number"] or "", r["title"], "；".join(r["applicants"]),
                                        r["forward_citations"], "—" if r["value_score"] is None else r["value_score"],
                                        r["grade"] or "—"] for r in k["top"][:12]]})


def _citations(section, a, lang, report):
    c = a["citations"]
    rows = [[_t(lang, "引用文献（后向）", "Backward citations"), f"{c['backward']:,}"],
            [_t(lang, "被引次数（前向）", "Forward citations"), f"{c['forward']:,}"],
            [_t(lang, "被引申请占比", "Share cited"), _pct(c["cited_share"])],
            [_t(lang, "平均被引", "Mean forward"), f"{c['mean_forward']:.2f}"]]
    if "edges" not in c:  # stored before the network analysis
        section["tables"].append({"caption": _t(lang, "引证概况", "Citation summary"),
                                  "columns": [_t(lang, "指标", "Indicator"), _t(lang, "数值", "Value")], "rows": rows})
        return
    rows += [[_t(lang, "网络节点（申请）/ 其中范围外", "Nodes (applications) / outside the scope"),
              f"{c['nodes']:,} / {c['outside_nodes']:,}"],
             [_t(lang, "引证关系 / 范围内部", "Links / within the scope"), f"{c['edges']:,} / {c['internal_edges']:,}"],
             [_t(lang, "范围外引用本范围 / 本范围引用范围外", "Outside citing the scope / scope citing outside"),
              f"{c['from_outside']:,} / {c['to_outside']:,}"],
             [_t(lang, "被引中来自范围外的占比", "Share of citations received from outside"), _pct(c["outside_share"])],
             [_t(lang, "自引占比（同一第一申请人）", "Self-citation share (same first applicant)"), _pct(c["self_share"])],
             [_t(lang, "源—汇路径数 / 逆时序引证", "Source-to-sink paths / links against filing order"),
              f"{c['paths']:,.0f} / {c['dropped_edges']:,}"]]
    graph = c["graph"]
    if graph["nodes"]:
        section["charts"].append({
            "kind": "citation_network", "title": _t(lang, "引证网络与技术主路径（横轴为申请年）",
                                                    "Citation network and main path (x = filing year)"),
            "nodes": graph["nodes"], "edges": graph["edges"],
            "legend": [_t(lang, "主路径", "Main path"), _t(lang, "范围内", "In scope"), _t(lang, "范围外", "Outside")],
            "note": _t(lang, f"显示 {graph['shown']} / {graph['total']} 个节点（主路径与被引最多者），红色为 SPC 全局主路径",
                       f"{graph['shown']} of {graph['total']} nodes shown (main path and most cited); "
                       "red: the global SPC main path")})
    section["tables"].append({"caption": _t(lang, "引证网络概况", "Citation network summary"),
                              "columns": [_t(lang, "指标", "Indicator"), _t(lang, "数值", "Value")], "rows": rows})
    if c["most_cited"]:
        section["tables"].append({"caption": _t(lang, "被引最多的专利（入度）", "Most-cited patents (in-degree)"),
                                  "columns": [_t(lang, "公开号", "Publication"), _t(lang, "名称", "Title"),
                                              _t(lang, "权利人", "Holder"), _t(lang, "申请年", "Filed"),
                                              _t(lang, "被引", "Cited"), _t(lang, "其中范围内", "In scope")],
                                  "rows": [[r["publication_number"], r["title"], "；".join(r["holders"]) or "—",
                                            r["year"] or "—", r["cited"], r["cited_in_scope"]]
                                           for r in c["most_cited"][:12]]})
    if c["main_path"]:
        section["tables"].append({"caption": _t(lang, f"技术主路径（SPC 全局主路径，合计 {c['main_path_spc']:,.0f}）",
                                                 f"Main path (global SPC main path, total {c['main_path_spc']:,.0f})"),
                                  "columns": ["#", _t(lang, "公开号", "Publication"), _t(lang, "申请年", "Filed"),
                                              _t(lang, "权利人", "Holder"), _t(lang, "名称", "Title"),
                                              _t(lang, "引入链接 SPC", "SPC of the link in"),
                                              _t(lang, "范围", "Scope")],
                                  "rows": [[n, r["publication_number"], r["year"] or "—", "；".join(r["holders"]) or "—",
                                            r["title"], "—" if r["spc_in"] is None else f"{r['spc_in']:,.0f}",
                                            _t(lang, "范围内", "in") if r["in_scope"] else _t(lang, "范围外", "outside")]
                                           for n, r in enumerate(c["main_path"], 1)]})
    flows = c["flows"]
    if flows["rows"] and any(r["total"] for r in flows["rows"]):
        section["tables"].append({"caption": _t(lang, "头部申请人引证流向（行引用列，对角线为自引）",
                                                 "Citation flows among the top applicants (row cites column; "
                                                 "diagonal = self-citation)"),
                                  "columns": [_t(lang, "引用方 \\ 被引方", "Citing \\ cited")]
                                  + [f"{i + 1}" for i in range(len(flows["applicants"]))] + [_t(lang, "合计", "Total")],
                                  "rows": [[f"{i + 1}. {r['name']}"] + r["cites"] + [r["total"]]
                                           for i, r in enumerate(flows["rows"])]})
    if c["key_routes"]:
        section["tables"].append({"caption": _t(lang, "SPC 最高的引证链接（关键路由）", "Links with the highest SPC (key routes)"),
                                  "columns": [_t(lang, "被引", "Cited"), _t(lang, "引用", "Citing"),
                                              _t(lang, "年份", "Years"), "SPC", _t(lang, "遍历权重", "Traversal weight")],
                                  "rows": [[r["from"], r["to"], f"{r['from_year'] or '—'}→{r['to_year'] or '—'}",
                                            f"{r['spc']:,.0f}", _pct(r["weight"])] for r in c["key_routes"][:8]]})


def _inventors(section, a, lang, report):
    i = a["inventors"]
    if i["top_inventors"]:
        section["charts"].append({"kind": "barh", "title": _t(lang, "高产发明人（前 10）", "Most prolific inventors"),
                                  "x": [p["name"] for p in i["top_inventors"][:10]],
                                  "series": [{"name": _t(lang, "申请量", "Applications"),
                                              "data": [p["applications"] for p in i["top_inventors"][:10]]}]})
    section["tables"].append({"caption": _t(lang, "核心研发团队", "Core R&D teams"),
                              "columns": [_t(lang, "核心成员", "Core members"), _t(lang, "人数", "Size"),
                                          _t(lang, "申请量", "Applications"), _t(lang, "主要机构", "Organisation")],
                              "rows": [["、".join(t["core"]), t["size"], t["applications"], t["organisation"] or "—"]
                                       for t in i["teams"][:10]]})


def _operations(section, a, lang, report):
    o = a["operations"]
    if o["per_year"]:
        names = {"transfer": _t(lang, "转让", "Transfer"), "licence": _t(lang, "许可", "Licence"),
                 "pledge": _t(lang, "质押", "Pledge"), "open_licence": _t(lang, "开放许可", "Open licence")}
        section["charts"].append({"kind": "stacked", "title": _t(lang, "年度运营事件", "Operations by year"),
                                  "x": [r["year"] for r in o["per_year"]],
                                  "series": [{"name": names[c], "data": [r[c] for r in o["per_year"]]}
                                             for c in names]})
    from lingxi.market.deal_states import KINDS as DEAL_KINDS
    from lingxi.navigation.analyses.operations import EVENT_LABELS

    rows = [[_t(lang, "法律事件", "Legal events"), EVENT_LABELS.get(c, c) if lang == "zh" else c, n]
            for c, n in o["events"].items()]
    rows += [[_t(lang, "平台交易", "Platform deals"),
              DEAL_KINDS.get(d["kind"], (d["kind"], d["kind"]))[0 if lang == "zh" else 1], f"{d['count']}（{d['amount_yuan'] / 10000:,.1f} 万元）"]
             for d in o["deals"]]
    rows.append([_t(lang, "质押登记", "Pledges"), _t(lang, f"{o['pledges']['patents']} 件专利", f"{o['pledges']['patents']} patents"),
                 f"{o['pledges']['records']}（{o['pledges']['amount_yuan'] / 10000:,.1f} 万元）"])
    section["tables"].append({"caption": _t(lang, "运营活动统计", "Operations"),
                              "columns": [_t(lang, "来源", "Source"), _t(lang, "类别", "Kind"),
                                          _t(lang, "数量", "Count")], "rows": rows})


def _strengths(section, a, lang, report):
    s = a["strengths"]
    fields = s["fields"][:12]
    if fields:
        section["charts"].append({"kind": "bar", "title": _t(lang, "相对技术优势指数 RTA（1 为对标水平）",
                                                               "Revealed technological advantage (1 = benchmark)"),
                                  "x": [r["label"] for r in fields],
                                  "series": [{"name": "RTA", "data": [r["rta"] for r in fields]}], "ref_line": 1})
    section["tables"].append({"caption": _t(lang, "领域对标（份额与 RTA）", "Fields against the benchmark"),
                              "columns": [_t(lang, "领域", "Field"), _t(lang, "本范围", "Scope"),
                                          _t(lang, "对标", "Benchmark"), _t(lang, "份额", "Share"), "RTA",
                                          _t(lang, "判断", "Reading")],
                              "rows": [[r["label"], r["scope"], r["benchmark"], _pct(r["share"]), f"{r['rta']:.2f}",
                                        _t(lang, "长板", "strength") if r in s["strengths"] else
                                        _t(lang, "短板", "weakness") if r in s["weaknesses"] else ""]
                                       for r in fields]})


BUILDERS = {"scope": _scope, "trends": _trends, "lifecycle": _lifecycle, "geography": _geography,
            "applicants": _applicants, "applicant_types": _applicant_types, "fields": _fields, "matrix": _matrix,
            "key_patents": _key_patents, "citations": _citations, "inventors": _inventors,
            "operations": _operations, "strengths": _strengths}
