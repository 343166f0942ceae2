"""Demo data of this area for the fictional province, added after the demo patents are imported and tagged.

Enterprise files for the province's SMEs of the three demo chains (光伏, 氢能, 新能源汽车/动力电池) with valid (generated,
fictional) credit codes, GB/T 4754 industries, sizes and products; their applicant parties suggested and confirmed; a
dozen demands written the way SME engineers write them (two in English) at different points of their life-cycle;
training records, a due-diligence note and the mined drafts of the demo enterprise for the operator to confirm.
"""

from __future__ import annotations

import random

from sqlalchemy import select

from lingxi.accounts.principal import Principal
from lingxi.db import Database
from lingxi.db.models import Demand, EnterprisePatentLink, EnterpriseProfile, Organisation, TrainingRecord
from lingxi.demo.catalogue import CITY_BY_NAME, DEMO_PROVINCE, NODE_BY_KEY, ORGANISATIONS
from lingxi.enterprises import credit_code
from lingxi.enterprises.demand_mining import mine_demands
from lingxi.enterprises.demands import change_status, create_demand
from lingxi.enterprises.demo_operating import seed_operating_records
from lingxi.enterprises.files import add_due_diligence_note, add_training, create_enterprise, update_enterprise
from lingxi.enterprises.patent_links import decide_link, suggest_links

DEMO_OPERATOR = Principal(user_id=None, username="demo", role="operator", display_name="demo")
CHAINS = ("pv", "h2", "ev")
# The demo chains' nodes → GB/T 4754-2017 class of a company working there.
INDUSTRY_OF_NODE = {
    "pv_silicon": "3985", "pv_aux": "2921", "pv_cell": "3825", "pv_module": "3825", "pv_inverter": "3825",
    "pv_plant": "4416", "h2_electrolysis": "3599", "h2_storage": "3332", "h2_stack": "3849", "h2_system": "3849",
    "h2_station": "4512", "ev_materials": "2613", "ev_electrolyte": "2662", "ev_pack": "3841", "ev_bms": "3670",
    "ev_drive": "3812", "ev_charging": "3829", "ev_recycle": "4210",
}
SPECIAL_INDUSTRY = {"mc_pvglass": "3041"}

# (catalogue key of the enterprise, title, description, extra values, status path)
DEMANDS = (
    ("ql_ruiguang", "钙钛矿/晶硅叠层电池湿热稳定性提升技术",
     "我司组件出口东南亚，钙钛矿叠层样品在85℃/85%湿热测试500小时后效率衰减超过15%。希望引进封装或界面钝化技术，使1000小时衰减控制在5%以内。",
     {"technical_indicators": [{"name": "湿热1000h效率衰减", "value": "≤5", "unit": "%"},
                               {"name": "叠层电池效率", "value": "≥28", "unit": "%"}],
      "trl_min": 4, "trl_max": 6, "budget_min": "80万", "budget_max": "150万", "preferred_mode": "licence",
      "deadline": "2027-06-30"}, ("matched", "negotiating")),
    ("ql_ruiguang", "TOPCon电池背面多晶硅层减薄后的寄生吸收问题",
     "产线正在把背面多晶硅层从120nm减到60nm以降低寄生吸收，但钝化效果变差、开路电压掉了5mV。寻求可量产的钝化工艺或设备改造方案。",
     {"trl_min": 6, "trl_max": 8, "budget_max": "60万", "preferred_mode": "transfer", "confidentiality": "operators"},
     ("matched",)),
    ("ql_ruiguang", "组件回收中银和硅的高值化回收工艺",
     "退役光伏组件越来越多，希望找到能把电池片上的银和高纯硅分离回收的工艺，回收率要高、不能用大量强酸。",
     {"preferred_mode": "co_development", "budget_min": "30万", "budget_max": "80万", "confidentiality": "secret"},
     ()),
    ("yc_jinggui", "单晶炉热场能耗降低技术",
     "拉晶电耗偏高（约每公斤28度电），想改进热场保温结构或导流筒设计，把单位电耗降到每公斤22度以下。",
     {"technical_indicators": "单位电耗 ≤ 22 kWh/kg\n氧含量 ≤ 12 ppma", "trl_min": 6, "budget_max": "200万",
      "preferred_mode": "transfer"}, ("matched", "negotiating", "solved")),
    ("yc_jinggui", "金刚线切片细线化后的断线率控制",
     "金刚线从40微米换成30微米后断线率明显上升，需要张力控制或切割液方面的成熟方案。",
     {"trl_min": 7, "preferred_mode": "licence"}, ()),
    ("ym_yangguang", "组串式逆变器在弱电网下的并网稳定性",
     "西部电站电网较弱，我们的组串式逆变器并网时容易出现谐振和脱网，需要构网型控制算法或阻抗重塑技术。",
     {"budget_min": "50万", "budget_max": "120万", "preferred_mode": "co_development", "deadline": "2027-03-31"},
     ("closed",)),
    ("ql_qingzhou", "燃料电池电堆低温冷启动技术",
     "商用车客户要求零下30℃能冷启动，我们电堆目前只能做到零下20℃。希望获得膜电极或启动控制策略方面的专利技术。",
     {"technical_indicators": [{"name": "冷启动温度", "value": "-30", "unit": "℃"},
                               {"name": "启动时间", "value": "≤30", "unit": "s"}],
      "trl_min": 5, "trl_max": 7, "budget_max": "300万", "preferred_mode": "licence"}, ("matched",)),
    ("ql_lvqing", "碱性电解槽在波动电源下的快速响应",
     "配套风光制氢项目，电解槽需要跟随功率波动，现在负荷调节慢、低负荷时氢中氧含量超标。",
     {"trl_min": 5, "budget_min": "100万", "budget_max": "250万", "preferred_mode": "co_development"}, ()),
    ("ym_chuqing", "70MPa车载储氢瓶碳纤维缠绕工艺优化",
     "IV型瓶碳纤维用量偏大导致成本高，需要优化缠绕角度和层数设计，在保证爆破压力的前提下减少碳纤维用量。",
     {"preferred_mode": "transfer", "confidentiality": "operators"}, ()),
    ("ql_anchi", "电池包热失控蔓延阻隔方案",
     "储能和乘用车电池包要满足热扩散不起火不爆炸，想找成本低、重量轻的隔热材料或结构方案。",
     {"budget_min": "40万", "budget_max": "100万", "preferred_mode": "licence", "trl_min": 6},
     ("matched", "negotiating")),
    ("ht_zaisheng", "退役磷酸铁锂电池的锂高效回收",
     "磷酸铁锂电池回收经济性差，希望有选择性提锂的工艺，锂回收率90%以上，废水少。",
     {"technical_indicators": "锂回收率 ≥ 90%", "preferred_mode": "equity"}, ()),
    ("xl_kuaichong", "大功率液冷超充枪线散热",
     "480kW超充桩的充电枪线发热严重，需要液冷枪线或散热结构方面的技术。",
     {"budget_max": "80万", "preferred_mode": "licence", "deadline": "2027-01-31"}, ()),
    ("yc_xinneng", "Accurate state-of-charge estimation for LFP packs at flat voltage plateau",
     "Our BMS misjudges state of charge of LFP packs by more than 5% in the flat middle part of the voltage curve. "
     "We look for an estimation algorithm or sensing method that keeps the error below 2% in real driving.",
     {"technical_indicators": [{"name": "SOC error", "value": "<2", "unit": "%"}], "trl_min": 5,
      "preferred_mode": "licence"}, ()),
    ("jl_mea", "Low platinum loading membrane electrode assemblies",
     "We want to cut the platinum loading of our MEAs to below 0.2 mg/cm2 without losing power density, for "
     "heavy-duty truck fuel cells.", {"preferred_mode": "co_development", "budget_max": "1500000"}, ()),
)
TRAINING = (
    ("ql_ruiguang", "专利挖掘与布局实务培训", "2026-04-18", 6, 12, "青峦省知识产权运营中心"),
    ("ql_ruiguang", "知识产权质押融资政策宣讲", "2026-07-09", 3, 5, "青峦银行科技支行"),
    ("yc_jinggui", "高价值专利培育研修班", "2026-05-22", 12, 4, "青峦省知识产权局"),
    ("ql_qingzhou", "技术合同登记与转化收益分配", "2026-06-13", 4, 6, "青峦技术转移服务中心"),
)


def _products(keys: tuple[str, ...]) -> str:
    return "；".join(f"{NODE_BY_KEY[k].name}（{NODE_BY_KEY[k].name_en}）" for k in keys if k in NODE_BY_KEY)


def _ensure_enterprise(session, spec, rng: random.Random) -> int:
    organisation = session.scalar(select(Organisation).where(Organisation.name == spec.name))
    city = CITY_BY_NAME.get(spec.city)
    values = {
        "industry_code": SPECIAL_INDUSTRY.get(spec.key) or INDUSTRY_OF_NODE.get(spec.nodes[0] if spec.nodes else ""),
        "size_class": rng.choice(("micro", "small", "small", "medium", "medium")),
        "products": _products(spec.nodes), "employees": rng.randint(20, 600),
        "founded": f"{spec.founded}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
        "aliases": [n for n in (*spec.variants, *((spec.renamed[1],) if spec.renamed else ())) if n != spec.name],
    }
    code = credit_code.generate(rng, division=city.code if city else "990100")
    if organisation is None:
        created = create_enterprise(session, DEMO_OPERATOR, {
            "name": spec.name, "kind": "enterprise", "province": DEMO_PROVINCE, "city": spec.city,
            "credit_code": code, "contact_name": "张" + rng.choice("敏伟芳磊静涛"),
            "contact_phone": f"0999-{rng.randint(1000000, 9999999)}",
            "notes": "演示企业（虚构）/ demo enterprise (fictional)", **values})
        return created["id"]
    has_profile = session.scalar(select(EnterpriseProfile.id)
                                 .where(EnterpriseProfile.organisation_id == organisation.id))
    if not has_profile:  # an organisation made by the demo accounts: give it its file once
        update_enterprise(session, DEMO_OPERATOR, organisation.id,
                          {**values, **({} if organisation.credit_code else {"credit_code": code})})
    return organisation.id


def seed_demo(db: Database) -> None:
    """Idempotent: running the demo again changes nothing (every step looks for what it would create)."""
    rng = random.Random(20261121)
    with db.sessions() as session, session.begin():
        ids: dict[str, int] = {}
        for spec in ORGANISATIONS:
            if spec.kind == "enterprise" and any(spec.chains.get(chain) for chain in CHAINS):
                ids[spec.key] = _ensure_enterprise(session, spec, rng)
        # Patent links: the operator asks for suggestions and confirms the ones with this enterprise's patents.
        for key, organisation_id in ids.items():
            if session.scalar(select(EnterprisePatentLink.id).where(
                    EnterprisePatentLink.organisation_id == organisation_id)):
                continue
            for link in suggest_links(session, DEMO_OPERATOR, organisation_id):
                if link["status"] == "suggested" and link["score"] >= 0.85:
                    decide_link(session, DEMO_OPERATOR, link["id"], "confirm")
        for key, title, description, extra, path in DEMANDS:
            organisation_id = ids.get(key)
            if organisation_id is None or session.scalar(select(Demand.id).where(
                    Demand.organisation_id == organisation_id, Demand.title == title)):
                continue
            demand = create_demand(session, DEMO_OPERATOR, {"organisation_id": organisation_id, "title": title,
                                                            "description": description, **extra})
            reasons = {"matched": "平台匹配到候选专利", "negotiating": "与专利权人进入洽谈",
                       "solved": "签订技术转让合同", "closed": "企业自行解决，关闭需求"}
            for status in path:
                change_status(session, DEMO_OPERATOR, demand["id"], status, reasons[status])
        for key, title, held_on, hours, trainees, provider in TRAINING:
            organisation_id = ids.get(key)
            if organisation_id and not session.scalar(select(TrainingRecord.id).where(
                    TrainingRecord.organisation_id == organisation_id, TrainingRecord.title == title)):
                add_training(session, DEMO_OPERATOR, organisation_id, {"title": title, "held_on": held_on,
                                                                       "hours": hours, "trainees": trainees,
                                                                       "provider": provider})
        ruiguang = ids.get("ql_ruiguang")
        if ruiguang and not session.scalar(select(Demand.id).where(Demand.organisation_id == ruiguang,
                                                                   Demand.origin == "mined")):
            add_due_diligence_note(session, DEMO_OPERATOR, ruiguang, "2026年度尽职调查摘要",
                                   "核心团队来自青峦工学院；电池片产线两条；两项发明专利已质押给青峦银行科技支行。"
                                   "（演示数据，虚构）")
            mine_demands(session, DEMO_OPERATOR, ruiguang)
        seed_operating_records(session, DEMO_OPERATOR, ids)  # yearly figures and patent-product filings
