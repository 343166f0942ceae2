"""Write lingxi/tagging/data/wipo_35.yaml from WIPO's IPC–technology concordance (Schmoch 2008).

    python scripts/build_wipo_taxonomy.py [../shared/data/reference/ipc_technology.csv]

The CSV is read, never copied: the output is our own taxonomy (5 sectors → 35 fields) whose IPC patterns are the
concordance's `IPC_code` values in our pattern syntax (`H04N   3/%` → `H04N3/*`). The Chinese names and the short
keyword lists (so fields can be found from text when a record has no IPC) are ours. A test re-derives the file
from the CSV and compares.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from lingxi.tagging.taxonomy import Taxonomy, TaxonomyNode, to_yaml  # noqa: E402

DEFAULT_CSV = REPO.parent / "shared" / "data" / "reference" / "ipc_technology.csv"
OUTPUT = REPO / "lingxi" / "tagging" / "data" / "wipo_35.yaml"

SECTORS_ZH = {"Electrical engineering": "电气工程", "Instruments": "仪器", "Chemistry": "化学",
              "Mechanical engineering": "机械工程", "Other fields": "其他领域"}

# field number → (Chinese name, zh keywords, en keywords)
FIELDS = {
    1: ("电气机械、设备和能源", ["电机", "变压器", "电池", "开关", "照明", "电缆", "电源"], ["electric machine", "battery", "switch"]),
    2: ("视听技术", ["音频", "视频", "扬声器", "摄像", "显示装置", "耳机"], ["audio", "video", "loudspeaker", "camera"]),
    3: ("电信", ["通信", "无线", "天线", "基站", "电话"], ["telecommunication", "wireless", "antenna"]),
    4: ("数字通信", ["数据传输", "网络", "协议", "信道", "终端设备", "用户设备"], ["data transmission", "network", "protocol"]),
    5: ("基础通信程序", ["振荡器", "放大器", "脉冲", "调制"], ["oscillator", "amplifier", "pulse"]),
    6: ("计算机技术", ["计算机", "数据处理", "图像处理", "神经网络", "存储", "软件"], ["computer", "data processing", "image processing"]),
    7: ("管理用IT方法", ["管理系统", "电子商务", "支付", "调度管理", "业务"], ["management system", "e-commerce", "payment"]),
    8: ("半导体", ["半导体", "芯片", "晶体管", "太阳能电池", "发光二极管"], ["semiconductor", "chip", "transistor"]),
    9: ("光学", ["光学", "透镜", "镜头", "光纤", "激光器"], ["optical", "lens", "optical fiber"]),
    10: ("测量", ["测量", "检测装置", "传感器", "测试", "监测"], ["measurement", "sensor", "detection"]),
    11: ("生物材料分析", ["生物样本", "免疫检测", "血液分析"], ["biological sample", "immunoassay"]),
    12: ("控制", ["控制系统", "控制方法", "控制器", "自动控制"], ["control system", "controller"]),
    13: ("医学技术", ["医疗", "手术", "医用", "导管", "诊断"], ["medical", "surgical", "catheter"]),
    14: ("有机精细化学", ["化合物", "有机合成", "衍生物", "化妆品"], ["compound", "organic synthesis", "derivative"]),
    15: ("生物技术", ["基因", "菌株", "酶", "发酵", "核酸"], ["gene", "strain", "enzyme", "fermentation"]),
    16: ("药品", ["药物", "药物组合物", "制剂", "中药", "治疗"], ["pharmaceutical", "drug", "formulation"]),
    17: ("高分子化学、聚合物", ["聚合物", "树脂", "橡胶", "共聚物", "塑料"], ["polymer", "resin", "rubber"]),
    18: ("食品化学", ["食品", "饮料", "调味", "保健食品"], ["food", "beverage"]),
    19: ("基础材料化学", ["涂料", "胶粘剂", "润滑", "染料", "肥料"], ["coating", "adhesive", "lubricant"]),
    20: ("材料、冶金", ["合金", "钢", "陶瓷", "冶炼", "玻璃", "混凝土"], ["alloy", "steel", "ceramic", "metallurgy"]),
    21: ("表面技术、涂层", ["涂层", "镀膜", "表面处理", "电镀"], ["surface treatment", "plating", "coating layer"]),
    22: ("微观结构和纳米技术", ["纳米", "微结构", "微机电"], ["nano", "microstructure", "mems"]),
    23: ("化学工程", ["反应器", "分离", "蒸馏", "催化", "混合装置"], ["reactor", "separation", "distillation"]),
    24: ("环境技术", ["废水", "废气", "污水", "除尘", "垃圾"], ["wastewater", "exhaust gas", "waste"]),
    25: ("装卸", ["输送", "起重", "搬运", "包装", "升降"], ["conveyor", "crane", "handling", "packaging"]),
    26: ("机床", ["机床", "切削", "焊接", "磨削", "加工"], ["machine tool", "cutting", "welding", "grinding"]),
    27: ("发动机、泵、涡轮机", ["发动机", "泵", "涡轮", "风力发电"], ["engine", "pump", "turbine"]),
    28: ("纺织和造纸机械", ["纺织", "纺纱", "造纸", "织物", "缝纫"], ["textile", "spinning", "paper"]),
    29: ("其他专用机械", ["农业机械", "食品加工", "塑料成型", "注塑"], ["agricultural machine", "injection molding"]),
    30: ("热工过程和设备", ["换热", "加热", "制冷", "干燥", "锅炉", "空调"], ["heat exchanger", "heating", "refrigeration"]),
    31: ("机械元件", ["轴承", "齿轮", "阀门", "管道", "密封", "联轴器"], ["bearing", "gear", "valve", "seal"]),
    32: ("运输", ["车辆", "汽车", "轮胎", "船舶", "飞行器"], ["vehicle", "automobile", "tyre"]),
    33: ("家具、游戏", ["家具", "桌", "椅", "玩具", "游戏"], ["furniture", "table", "chair", "toy"]),
    34: ("其他消费品", ["服装", "鞋", "伞", "首饰", "日用品"], ["clothing", "shoe", "umbrella"]),
    35: ("土木工程", ["建筑", "道路", "桥梁", "隧道", "墙体", "井"], ["building", "road", "bridge", "tunnel"]),
}


def wipo_pattern(code: str) -> str:
    """`H04N   3/%` → `H04N3/*`; `F21H%` → `F21H` (a whole subclass)."""
    code = re.sub(r"\s+", "", code).replace("%", "*")
    return code[:-1] if re.fullmatch(r"[A-H]\d{2}[A-Z]\*", code) else code


def build_taxonomy(csv_path: Path) -> Taxonomy:
    with open(csv_path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    sectors: dict[str, str] = {}
    fields: dict[int, dict] = {}
    for row in rows:
        number = int(row["Field_number"])
        sector = row["Sector_en"].strip()
        sectors.setdefault(sector, f"S{len(sectors) + 1}")
        field = fields.setdefault(number, {"name": row["Field_en"].strip(), "sector": sector, "patterns": []})
        field["patterns"].append(wipo_pattern(row["IPC_code"]))
    nodes = [TaxonomyNode(key=key, name_zh=SECTORS_ZH.get(sector, sector), name_en=sector)
             for sector, key in sectors.items()]
    for number in sorted(fields):
        field = fields[number]
        name_zh, keywords_zh, keywords_en = FIELDS.get(number, (field["name"], [], []))
        nodes.append(TaxonomyNode(key=f"F{number:02d}", parent=sectors[field["sector"]], name_zh=name_zh,
                                  name_en=field["name"], ipc_patterns=field["patterns"], keywords_zh=keywords_zh,
                                  keywords_en=keywords_en))
    return Taxonomy(name="wipo_35", kind="classification", title_zh="WIPO 35个技术领域",
                    title_en="WIPO 35 technology fields",
                    description="Built by scripts/build_wipo_taxonomy.py from WIPO's IPC-technology concordance "
                                "(Schmoch 2008, (c) WIPO, reuse with attribution). Chinese names and keywords are "
                                "Lingxi's.",
                    nodes=nodes)


def main() -> None:
    csv_path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CSV
    taxonomy = build_taxonomy(csv_path)
    OUTPUT.write_text(to_yaml(taxonomy), encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(taxonomy.nodes)} nodes)")


if __name__ == "__main__":
    main()
