"""Classification quality of lingxi/tagging on real patents: SEI 2018 level-2 and the three shipped chains.

Dev set (written to bench/data/tagging_dev.jsonl; ids only point into ../shared/data, no text is copied):
- Chinese: ../shared/data/cn_patents_dev (no IPC codes). Every record whose TITLE matches one of the hand-written
  title rules below (SEI_RULES_ZH, CHAIN_RULES_ZH) is labelled with the rule's categories; to these we add a seeded
  random sample of records no rule matches (label: none of the categories), so that false positives count.
- English with IPC: ../shared/data/us_uspto_xml, imported with Lingxi's own importer; labelled with the English title
  rules (SEI_RULES_EN, CHAIN_RULES_EN) the same way. These are the records where "with IPC" differs from text-only.
How the rules were checked: they were written by reading titles, and their matches were read through once by the
author (each rule's matches printed with `--show-rules`), rules that caught wrong titles were narrowed. They are
rules, not expert labels: a title the rules miss counts as "none", which penalises correct tags on such patents.
The shipped taxonomies' keywords were written before and independently of this list, but by the same author with
the same domain knowledge, so figures are optimistic compared with labels by independent annotators.

Scores: micro and macro F1 over level-2 categories (SEI 1.1 … 9.2; chain nodes such as ev.cathode, pv.cell), a
node counted as predicted when the classifier tags it or one of its descendants. Settings: text only (IPC codes
hidden), with IPC (where the record has codes), and after review-driven learning: 2-fold — the labels of one half
are turned into review decisions (accepted / corrected → positives, wrong proposals → rejected), the model is
retrained on them (lingxi/tagging/model.py: token weights, rule reliability and per-node calibration, all from that
half only) and the other half is scored; the two folds are pooled.
Results: bench/results/tagging_quality.json.   Usage: python bench/tagging_quality.py [--show-rules]
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"
DEV = ROOT / "bench" / "data" / "tagging_dev.jsonl"
RESULTS = ROOT / "bench" / "results" / "tagging_quality.json"
NEGATIVE_SAMPLE = 150
SEED = 20261121

SEI_RULES_ZH = {
    "1.1": r"信道|基站|无线通信|通信系统|通信方法|通信装置|用户设备|终端设备|天线|波束|LTE|5G|上行|下行|寻呼|网络设备|接入点|WIFI|无线局域网|数据传输的方法|数据传输方法",
    "1.2": r"半导体|集成电路|芯片|晶圆|晶体管|显示面板|阵列基板|OLED|发光二极管|像素|存储器|薄膜晶体管|印刷电路板|电路板|液晶",
    "1.3": r"区块链|加密|解密|认证|鉴权|数字证书|密钥|登录|浏览器|应用程序|软件|恶意",
    "1.4": r"大数据|云计算|云平台|数据库|分布式存储|存储系统|数据查询|查询|事务|缓存|服务器|推荐",
    "1.5": r"神经网络|深度学习|机器学习|CNN|人工智能|图像识别|目标检测|人脸识别|语音识别|语义|知识图谱|卷积",
    "2.1": r"机器人|机械手|机械臂|数控|机床|增材制造|3D打印|激光切割|激光焊接|焊接机器人|自动化生产线",
    "2.2": r"飞机|航空|无人机|飞行器|直升机|机翼|起落架|旋翼",
    "2.3": r"卫星|航天|火箭|北斗|导航定位|遥感|星载|星务",
    "2.4": r"轨道交通|列车|动车|高铁|地铁|机车|转向架|轨道车辆|铁路|道岔|钢轨",
    "2.5": r"海洋平台|船舶|船体|水下机器人|潜水器|钻井平台|海底|深海|系泊",
    "3.1": r"钢板|钢材|高强钢|不锈钢|热轧|冷轧|连铸|炼钢|钢水|轴承钢|[^钢]钢及其|用钢|钢的",
    "3.2": r"铝合金|钛合金|镁合金|铜合金|高温合金|稀土|冶炼|浸出|萃取|粉末冶金|硬质合金|钨|钼|钒|铝电解|白铜|钛铝",
    "3.3": r"聚合物|树脂|聚氨酯|聚酯|聚酰亚胺|聚乙烯|聚丙烯|橡胶|弹性体|共聚物|涂料|胶粘剂|粘合剂|环氧|高分子|防水剂",
    "3.4": r"陶瓷|玻璃|混凝土|水泥|耐火|石英|碳化硅|氮化硅|氧化铝|石膏|砂浆",
    "3.5": r"碳纤维|芳纶|玻璃纤维|复合材料|预浸料|纺丝|无纺布|纤维增强|弹性纤维",
    "3.6": r"石墨烯|纳米|碳纳米管|超导|量子点|气凝胶|形状记忆|钙钛矿",
    "4.1": r"药物|药物组合物|化合物|抗肿瘤|肿瘤|癌|抗体|疫苗|多肽|注射液|片剂|胶囊|抑制剂|制药|中药|治疗",
    "4.2": r"医疗器械|手术|导管|支架植入|康复|监护|内窥镜|透析|护理|输液|穿刺|病人|患者|医用|假体|牙科",
    "4.3": r"育种|品种|转基因|分子标记|SNP|种子|生物农药|菌剂|饲料|水稻|小麦|玉米|大豆|作物|转录因子|养殖",
    "4.4": r"生物质|生物柴油|燃料乙醇|沼气|秸秆",
    "4.5": r"酶|发酵|菌株|生物反应器|试剂盒|引物|探针|PCR|测序|核酸|寡核苷酸",
    "5.1": r"新能源汽车|电动汽车|混合动力|纯电动|电动车",
    "5.2": r"动力电池|锂离子电池|锂电池|电池包|电池模组|电芯|正极材料|负极材料|电解液|隔膜|电池管理|驱动电机|电机控制器|固态电池|锂金属|复合电极",
    "5.3": r"充电桩|充电站|充电设施|换电|充电系统|充电装置|无线充电|储充",
    "5.4": r"电池回收|梯次利用|退役电池|废旧电池",
    "6.1": r"核电|核反应堆|反应堆|核燃料|乏燃料|放射性|堆芯",
    "6.2": r"风力发电|风电|风机|风场|风电机组|叶片",
    "6.3": r"太阳能|光伏|电池片|逆变器",
    "6.4": r"氢|燃料电池|地热|潮汐|波浪能|海洋能",
    "6.5": r"电网|配电|输电|变电站|储能|电力系统|调频|谐波|换相|柔性直流|微电网|继电保护|电能质量|无功|换流|短路故障|UPFC",
    "7.1": r"节能|余热|热回收|热泵|换热器|保温|隔热|能效",
    "7.2": r"废水|污水|水处理|废气|烟气|脱硫|脱硝|除尘|污染|土壤修复|重金属|垃圾焚烧|烟尘|净化",
    "7.3": r"回收|再生|资源化|综合利用|废旧|废弃|固体废物|尾矿|废渣|赤泥|粉煤灰",
    "8.1": r"虚拟现实|增强现实|VR|头戴|全息|裸眼3D|投影",
    "8.2": r"动画|游戏|直播|短视频|视频编辑|特效",
    "8.3": r"工业设计|计算机辅助设计|参数化设计|拓扑优化|有限元",
    "9.1": r"技术转移|知识产权|专利|检验检测",
    "9.2": r"金融|支付|保险|风险评估|信用",
}
CHAIN_RULES_ZH = {
    "pv.silicon": r"多晶硅|硅料|三氯氢硅",
    "pv.wafer": r"硅片|单晶硅|硅棒|硅锭|拉晶|单晶炉",
    "pv.aux": r"光伏玻璃|封装胶膜|背板|焊带|银浆",
    "pv.cell": r"太阳能电池|电池片|光伏电池|太阳电池|钙钛矿太阳|异质结",
    "pv.module": r"光伏组件|太阳能组件|组件",
    "pv.inverter": r"光伏逆变|逆变器|并网|最大功率点",
    "pv.mounting": r"光伏板|太阳能板|光伏支架|跟踪支架|安装架|支撑装置",
    "pv.plant": r"光伏电站|光伏发电",
    "pv.thermal": r"太阳能.*(蒸汽|热水|集热)|光热",
    "h2.production": r"制氢|产氢|电解水|析氢|析氧",
    "h2.storage": r"储氢",
    "h2.stack": r"燃料电池|膜电极|质子交换膜|双极板",
    "h2.station": r"加氢站|加氢机",
    "ev.cathode": r"正极|三元前驱体|磷酸铁锂",
    "ev.anode": r"负极|锂金属|金属锂|硅碳",
    "ev.electrolyte": r"电解液|电解质",
    "ev.separator": r"隔膜",
    "ev.cell": r"锂离子电池|锂电池|二次电池|钠离子电池|锂硫电池",
    "ev.pack": r"电池包|电池模组|电池箱|电池托盘",
    "ev.bms": r"电池管理|荷电状态|SOC|健康状态",
    "ev.drive": r"驱动电机|电驱|永磁同步电机|电机控制器|轮毂电机",
    "ev.vehicle": r"电动汽车|新能源汽车|混合动力汽车|纯电动|电动车",
    "ev.charging": r"充电桩|充电站|充电枪|充电系统|充电装置|储充|充电管理|动态分配功率",
    "ev.swap": r"换电",
    "ev.recycle": r"电池回收|废旧锂|梯次利用|退役电池",
}
SEI_RULES_EN = {
    "1.1": r"\b(wireless|channel|base station|user equipment|antenna|beam|uplink|downlink|telecommunication|network node)\b",
    "1.2": r"\b(semiconductor|integrated circuit|chip|wafer|transistor|display panel|light emitting diode|memory device|printed circuit)\b",
    "1.3": r"\b(encryption|authentication|software|operating system|malware|cryptograph\w*)\b",
    "1.4": r"\b(database|cloud|distributed storage|search engine|data storage)\b",
    "1.5": r"\b(neural network|machine learning|artificial intelligence|speech recognition|image recognition)\b",
    "2.1": r"\b(robot\w*|manipulator|machine tool|numerical control|additive manufacturing)\b",
    "2.2": r"\b(aircraft|airplane|helicopter|unmanned aerial|rotorcraft|gas turbine engine)\b",
    "2.3": r"\b(satellite|spacecraft|rocket|gps)\b",
    "2.4": r"\b(railway|railroad|locomotive|rail vehicle|bogie|train)\b",
    "2.5": r"\b(offshore|vessel|ship|hull|subsea|marine)\b",
    "3.3": r"\b(polymer\w*|resin|polyurethane|polyester|elastomer|copolymer|adhesive|rubber)\b",
    "4.1": r"\b(pharmaceutical|compound\w*|antibod\w*|vaccine|cancer|tumor|treating|treatment of|inhibitor\w*|drug)\b",
    "4.2": r"\b(surgical|catheter|stent|implant\w*|medical|endoscop\w*|prosthe\w*|dental|patient)\b",
    "4.3": r"\b(plant|soybean|maize|corn|wheat|cultivar|seed|variety)\b",
    "4.5": r"\b(enzyme\w*|fermentation|nucleic acid|assay|primer\w*|microorganism)\b",
    "5.1": r"\b(electric vehicle|hybrid vehicle|hybrid electric)\b",
    "5.2": r"\b(lithium|battery|batteries|electrode active)\b",
    "6.1": r"\b(nuclear|reactor core|fuel assembly)\b",
    "6.2": r"\b(wind turbine|wind power)\b",
    "6.3": r"\b(solar|photovoltaic)\b",
    "6.4": r"\b(fuel cell|hydrogen)\b",
    "7.2": r"\b(wastewater|exhaust gas|emission control|purification|filter\w*)\b",
    "8.2": r"\b(game|gaming|video content|animation)\b",
}
CHAIN_RULES_EN = {
    "pv.cell": r"\b(solar cell|photovoltaic cell|photovoltaic device)\b",
    "pv.module": r"\b(solar module|photovoltaic module|solar panel)\b",
    "ev.cell": r"\b(lithium ion|lithium-ion|secondary battery|rechargeable battery)\b",
    "ev.cathode": r"\b(cathode|positive electrode)\b",
    "ev.anode": r"\b(anode|negative electrode)\b",
    "ev.vehicle": r"\b(electric vehicle|hybrid vehicle)\b",
    "ev.charging": r"\b(charging station|vehicle charging|charger)\b",
    "h2.stack": r"\b(fuel cell)\b",
    "h2.production": r"\b(hydrogen generat\w*|electroly\w*)\b",
}


def _labels(title: str, rules: dict[str, str]) -> set[str]:
    return {code for code, pattern in rules.items() if re.search(pattern, title, re.I)}


def _fold(key: str) -> int:
    return int(hashlib.sha1(key.encode()).hexdigest(), 16) % 2


def build_dev_set() -> list[dict]:
    rows = [json.loads(line) for line in open(SHARED / "cn_patents_dev" / "cn_patents_dev.jsonl", encoding="utf-8")]
    dev, unmatched = [], []
    for row in rows:
        record = {"id": row["id"], "source": "cn_patents_dev", "title": row["title"], "abstract": row["abstract"],
                  "claims": "", "ipc": [], "sei": sorted(_labels(row["title"], SEI_RULES_ZH)),
                  "chain": sorted(_labels(row["title"], CHAIN_RULES_ZH))}
        (dev if record["sei"] or record["chain"] else unmatched).append(record)
    random.Random(SEED).shuffle(unmatched)
    dev += unmatched[:NEGATIVE_SAMPLE]
    dev += _us_records()
    return dev


def _us_records() -> list[dict]:
    from sqlalchemy import select

    from lingxi.db import open_database
    from lingxi.db.models import Patent, PatentClassification
    from lingxi.patents.importing import run_import

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{tmp}/dev.db")
        run_import(db, [SHARED / "us_uspto_xml"])
        with db.sessions() as session:
            codes: dict[int, list[str]] = {}
            for patent_id, code in session.execute(
                    select(PatentClassification.patent_id, PatentClassification.code)
                    .where(PatentClassification.scheme == "IPC")
                    .order_by(PatentClassification.patent_id, PatentClassification.is_main.desc(),
                              PatentClassification.sequence)):
                codes.setdefault(patent_id, []).append(code)
            for patent in session.scalars(select(Patent).where(Patent.doc_type != "design")):
                if not codes.get(patent.id):
                    continue
                out.append({"id": patent.key, "source": "us_uspto_xml", "title": patent.title,
                            "abstract": patent.abstract or "", "claims": patent.first_claim or "",
                            "ipc": codes[patent.id], "sei": sorted(_labels(patent.title, SEI_RULES_EN)),
                            "chain": sorted(_labels(patent.title, CHAIN_RULES_EN))})
        db.dispose()
    return out


def _english_background() -> list[str]:
    texts = []
    for path in sorted((SHARED / "us_uspto_ppubs_json").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        items = data if isinstance(data, list) else data.get("docs") or data.get("patents") or data.get("results") or []
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                title = item.get("inventionTitle") or item.get("title") or item.get("patentTitle") or ""
                abstract = re.sub(r"<[^>]+>", " ", str(item.get("abstract") or item.get("abstractHtml") or ""))
                if title:
                    texts.append(f"{title}\n{abstract}")
    return texts


def _f1(gold: list[set[str]], predicted: list[set[str]], classes: list[str]) -> dict:
    tp = fp = fn = 0
    per_class = []
    for cls in classes:
        ctp = sum(1 for g, p in zip(gold, predicted) if cls in g and cls in p)
        cfp = sum(1 for g, p in zip(gold, predicted) if cls not in g and cls in p)
        cfn = sum(1 for g, p in zip(gold, predicted) if cls in g and cls not in p)
        tp, fp, fn = tp + ctp, fp + cfp, fn + cfn
        if ctp + cfn:  # macro over classes present in the gold labels
            per_class.append(2 * ctp / (2 * ctp + cfp + cfn))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    micro = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"micro_f1": round(micro, 3), "macro_f1": round(sum(per_class) / len(per_class), 3) if per_class else 0.0,
            "precision": round(precision, 3), "recall": round(recall, 3), "classes_in_gold": len(per_class)}


def main() -> None:
    from lingxi.tagging.classifier import Classifier, Document
    from lingxi.tagging.model import HUMAN_WEIGHT, Example, train
    from lingxi.tagging.store import shipped_yaml
    from lingxi.tagging.taxonomy import from_yaml
    from lingxi.text.segment import segment

    dev = build_dev_set()
    if "--show-rules" in sys.argv:
        for record in dev:
            if record["sei"] or record["chain"]:
                print(record["title"], record["sei"], record["chain"])
    DEV.parent.mkdir(parents=True, exist_ok=True)
    with open(DEV, "w", encoding="utf-8") as handle:
        for record in dev:
            handle.write(json.dumps({k: record[k] for k in ("id", "source", "sei", "chain")}, ensure_ascii=False)
                         + "\n")
    cn_ids = {r["id"] for r in dev}
    background_rows = [json.loads(line) for line in open(SHARED / "cn_patents_dev" / "cn_patents_dev.jsonl",
                                                         encoding="utf-8")]
    background = [frozenset(segment(r["title"] + "\n" + r["abstract"])) for r in background_rows
                  if r["id"] not in cn_ids][:2000]
    # a store holds both languages; English background from the Public Search JSON (not part of the dev set)
    background += [frozenset(segment(text)) for text in _english_background()]
    taxonomies = {"sei": [from_yaml(shipped_yaml("sei_2018"))],
                  "chain": [from_yaml(shipped_yaml(n)) for n in ("chain_pv", "chain_h2", "chain_ev")]}

    def level2(taxonomy, node_keys: set[str]) -> set[str]:
        out = set()
        for key in node_keys:
            for candidate in [key, *taxonomy.ancestors(key)]:
                if taxonomy.by_key[candidate].level == 2:
                    out.add(candidate)
        return out

    def predict(dimension: str, models: dict, records: list[dict], use_ipc: bool) -> list[set[str]]:
        out = []
        classifiers = [Classifier(t, models[t.name], use_ipc=use_ipc) for t in taxonomies[dimension]]
        for record in records:
            document = Document(record["title"], record["abstract"], record["claims"], record["ipc"])
            tokens = segment(document.text)
            found: set[str] = set()
            for classifier in classifiers:
                found |= level2(classifier.taxonomy, {r.node_key for r in classifier.classify(document, tokens)})
            out.append(found)
        return out

    results: dict = {"dev_set": {"records": len(dev), "cn_patents_dev": sum(r["source"] == "cn_patents_dev" for r in dev),
                                 "us_uspto_xml_with_ipc": sum(r["source"] == "us_uspto_xml" for r in dev),
                                 "with_sei_label": sum(bool(r["sei"]) for r in dev),
                                 "with_chain_label": sum(bool(r["chain"]) for r in dev),
                                 "negatives_sampled": NEGATIVE_SAMPLE, "labels": str(DEV.relative_to(ROOT))}}
    for dimension in ("sei", "chain"):
        classes = sorted({n.key for t in taxonomies[dimension] for n in t.nodes if n.level == 2})
        base = {t.name: train(t, [], background) for t in taxonomies[dimension]}
        gold = [set(r[dimension]) for r in dev]
        us = [i for i, r in enumerate(dev) if r["ipc"]]
        text_only = predict(dimension, base, dev, use_ipc=False)
        with_ipc = predict(dimension, base, dev, use_ipc=True)
        block = {"text_only_all": _f1(gold, text_only, classes), "with_ipc_all": _f1(gold, with_ipc, classes),
                 "text_only_us_subset": _f1([gold[i] for i in us], [text_only[i] for i in us], classes),
                 "with_ipc_us_subset": _f1([gold[i] for i in us], [with_ipc[i] for i in us], classes)}
        # review-driven learning, 2-fold: reviews of one half train the model scored on the other half
        before, after, gold_pooled = [], [], []
        for fold in (0, 1):
            train_set = [r for r in dev if _fold(r["id"]) == fold]
            test_set = [r for r in dev if _fold(r["id"]) != fold]
            proposals = predict(dimension, base, train_set, use_ipc=True)
            models = {}
            for taxonomy in taxonomies[dimension]:
                own = {n.key for n in taxonomy.nodes if n.level == 2}
                examples = []
                for record, proposed in zip(train_set, proposals):
                    positives = set(record[dimension]) & own
                    negatives = (proposed & own) - positives  # wrong proposals the reviewer rejected
                    if positives or negatives:
                        # with the patent itself, as lingxi/tagging/store.py's human_examples gives it to training
                        examples.append(Example(frozenset(segment(record["title"] + "\n" + record["abstract"])),
                                                frozenset(positives), frozenset(negatives), HUMAN_WEIGHT,
                                                record["title"],
                                                "\n".join(p for p in (record["abstract"], record["claims"]) if p),
                                                tuple(record["ipc"])))
                models[taxonomy.name] = train(taxonomy, examples, background)
            before += predict(dimension, base, test_set, use_ipc=True)
            after += predict(dimension, models, test_set, use_ipc=True)
            gold_pooled += [set(r[dimension]) for r in test_set]
        block["before_review_2fold"] = _f1(gold_pooled, before, classes)
        block["after_review_2fold"] = _f1(gold_pooled, after, classes)
        results[dimension] = block
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
