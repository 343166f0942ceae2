"""The five navigation types of GB/T 39551-2020 (parts 2–6) and the sections each report holds, in order.

Every type shares the scope/method section first and ends with conclusions and recommendations; between them each
has the analyses its part of the guideline asks for (REFERENCE.md §2.1): 区域规划 "竞争力—匹配度", 产业规划
"方向—定位—路径", 企业经营 portfolio and competitors, 研发活动 white space and hot spots, 人才管理 inventors and teams.
"""

from __future__ import annotations

from dataclasses import dataclass

from lingxi.errors import InvalidInput


@dataclass(frozen=True)
class ReportType:
    key: str
    zh: str
    en: str
    standard_part: str
    sections: tuple[str, ...]


SECTION_TITLES = {
    "scope": ("检索范围与数据说明", "Scope, search strategy and data"),
    "trends": ("专利申请与授权趋势", "Filing and grant trends"),
    "lifecycle": ("技术生命周期", "Technology life cycle"),
    "geography": ("地域分布", "Geographic distribution"),
    "applicants": ("申请人排名与集中度", "Applicant ranking and concentration"),
    "applicant_types": ("申请人类型结构", "Applicant types"),
    "fields": ("技术构成（产业链节点与IPC）", "Technology composition (chain nodes and IPC)"),
    "matrix": ("技术功效矩阵：热点与空白", "Technology–effect matrix: hot spots and white spaces"),
    "key_patents": ("重点专利", "Key patents"),
    "citations": ("引证分析", "Citations"),
    "inventors": ("发明人与研发团队", "Inventors and R&D teams"),
    "operations": ("转让、许可与质押运营", "Transfer, licence and pledge activity"),
    "strengths": ("长板与短板（对标分析）", "Strengths and weaknesses against the benchmark"),
    "recommendations": ("结论与建议", "Conclusions and recommendations"),
}

TYPES = {t.key: t for t in (
    ReportType("regional", "区域规划类专利导航", "Regional planning navigation", "GB/T 39551.2",
               ("scope", "trends", "geography", "fields", "strengths", "applicants", "applicant_types",
                "key_patents", "operations", "recommendations")),
    ReportType("industry", "产业规划类专利导航", "Industry planning navigation", "GB/T 39551.3",
               ("scope", "trends", "lifecycle", "geography", "applicants", "applicant_types", "fields", "matrix",
                "key_patents", "citations", "inventors", "operations", "strengths", "recommendations")),
    ReportType("enterprise", "企业经营类专利导航", "Enterprise operation navigation", "GB/T 39551.4",
               ("scope", "trends", "fields", "key_patents", "citations", "operations", "inventors", "strengths",
                "recommendations")),
    ReportType("rd", "研发活动类专利导航", "R&D activity navigation", "GB/T 39551.5",
               ("scope", "trends", "lifecycle", "fields", "matrix", "key_patents", "citations", "applicants",
                "recommendations")),
    ReportType("talent", "人才管理类专利导航", "Talent management navigation", "GB/T 39551.6",
               ("scope", "trends", "inventors", "applicants", "applicant_types", "geography", "fields",
                "recommendations")),
)}


def report_type(key: str) -> ReportType:
    found = TYPES.get((key or "").strip().lower())
    if found is None:
        raise InvalidInput(f"report type {key!r} is not one of {', '.join(TYPES)} "
                           "(regional 区域规划, industry 产业规划, enterprise 企业经营, rd 研发活动, talent 人才管理)")
    return found
