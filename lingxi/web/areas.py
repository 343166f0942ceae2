"""The platform's areas (SPEC.md §1–§12) as the navigation shows them.

An area that is not built yet (`live=False`, url `/areas/<key>`) links to a page that says so and lists what it will
offer; a built one points at its own pages, and `/areas/<key>` redirects there. Every SPEC area §1–§12 is built.
"""

from __future__ import annotations

from dataclasses import dataclass

from lingxi.accounts.roles import MATCH_RUN, ORGANISATIONS_DIRECTORY


@dataclass(frozen=True)
class Area:
    key: str
    section: str
    url: str
    live: bool
    offers: tuple[tuple[str, str], ...]  # (Chinese, English) lines
    permission: str | None = None  # what its pages need; the navigation shows the area only to roles that have it


AREAS: tuple[Area, ...] = (
    Area("tagging", "§2", "/tagging", True, (
        ("产业链/战略性新兴产业/技术领域分类体系，按 IPC 与关键词多标签标引", "Industry-chain, SEI and technology-field taxonomies; multi-label tagging by IPC and keywords"),
        ("技术问题/技术手段/功能效果抽取，技术成熟度评估，人工复核", "Problem / means / effect extraction, maturity (TRL) estimates, human review"))),
    Area("value", "§3", "/value", True, (
             ("法律/技术/经济三维价值评分与分场景模型", "Legal, technical and economic value scores by scenario"),
             ("可运营专利分级目录、高价值发明专利标识、沉睡专利识别", "Graded catalogue of operable patents, high-value flags, sleeping patents"))),
    Area("enterprises", "§4", "/enterprises", True, (
        ("一企一档：企业档案、专利、需求、交易与尽调记录", "Enterprise files: profile, patents, demands, deals, due diligence"),
        ("需求清单：录入、导入、状态跟踪与需求挖掘", "Demand lists: entry, import, status tracking, demand mining")), ORGANISATIONS_DIRECTORY),
    Area("matching", "§5", "/matching", True, (
             ("需求→专利匹配，可解释的排序理由", "Demand → patent matching with explanations"),
             ("潜在被许可人发现与精准推送", "Licensee discovery and precise push")), MATCH_RUN),
    Area("market", "§6", "/market", True, (
             ("挂牌、公示、询价与谈判记录", "Listings, publicity windows, enquiries and negotiation"),
             ("开放许可声明校验与发布，交易状态机与备案提醒", "Open-licence declarations, deal state machine and filing reminders"))),
    Area("pools", "§7", "/pools", True, (
             ("专利池与产业知识产权联盟的成员、专利与许可", "Patent pools and alliances: members, patents, licences"),
             ("必要专利标注、交叉许可、一揽子许可与许可费分配对账", "Essential marking, cross and package licences, royalty statements")), ORGANISATIONS_DIRECTORY),
    Area("finance", "§8", "/finance", True, (
             ("质押融资、科创银行机构库与保险产品", "Pledge financing, bank products and IP insurance"),
             ("可质押专利清单与估值区间、企业专利与产品匹配", "Pledge-eligible patents with valuations, enterprise–product matching")), ORGANISATIONS_DIRECTORY),
    Area("navigation", "§9", "/navigation", True, (
             ("GB/T 39551 五类专利导航分析与报告（HTML/PDF/Word）", "Patent navigation analyses and reports of the five GB/T 39551 types"),)),
    Area("talent", "§10", "/talent", True, (
             ("发明人消歧、人才画像与团队发现", "Inventor disambiguation, talent profiles and teams"),
             ("按产业链的高产出、高价值人才清单（人才引进）", "High-output and high-value talent lists per chain (talent introduction)"))),
    Area("graph", "§11", "/graph", True, (
             ("专利、主体、人才、产业链的知识图谱与可视化", "Knowledge graph of patents, parties, talent and chains"),
             ("产业链与区域看板，数据实时更新", "Chain and region dashboards on live data"))),
    Area("kpi", "§12", "/kpi", True, (
             ("专项计划绩效指标：由平台记录自动计算，目标对比与导出", "Programme KPIs computed from the platform's records, targets vs actuals, export"),)),
)
AREA_BY_KEY = {area.key: area for area in AREAS}
