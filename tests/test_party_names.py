"""Party names: display forms, cluster keys, person keys, party types and regions."""

from __future__ import annotations

import time

import pytest

from lingxi.parties.identity import PartyIdentity, describe_party
from lingxi.parties.names import (
    looks_like_person,
    normalise_org_name,
    org_cluster_key,
    person_key,
    split_party_names,
)
from lingxi.parties.regions import Region, detect_region, province_code
from lingxi.parties.types import PartyType, classify_party, explain_party_type, is_soe_name

# --------------------------------------------------------------------------------------------------
# display form


@pytest.mark.parametrize(
    ("raw", "display"),
    [
        ("腾讯科技（深圳）有限公司", "腾讯科技(深圳)有限公司"),
        ("ＡＢＣ　Ｃｏ．，　Ｌｔｄ．", "ABC Co., Ltd."),
        ("  浙江大学  ", "浙江大学"),
        ("浙 江 大 学", "浙江大学"),
        ("LG 电子株式会社", "LG电子株式会社"),
        ("“浙江大学”", "浙江大学"),
        ("《中国石油大学》(北京)", "中国石油大学(北京)"),
        ("中国石油大学【华东】", "中国石油大学(华东)"),
        ("比亚迪股份有限公司。", "比亚迪股份有限公司"),
        ("The Procter &#x26; Gamble Company", "The Procter & Gamble Company"),
        ("INTRADO LIFE &amp; SAFETY, INC.", "INTRADO LIFE & SAFETY, INC."),
        ("Samsung Electronics Co., Ltd.", "Samsung Electronics Co., Ltd."),
        ("Acme Inc. ,", "Acme Inc."),
        ("托马斯・L・埃文斯", "托马斯·L·埃文斯"),
        ("Piramal Glass—USA, Inc.", "Piramal Glass-USA, Inc."),
        ("(浙江大学)", "浙江大学"),
        ("浙江大学(", "浙江大学"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_org_name(raw, display):
    assert normalise_org_name(raw) == display


def test_normalise_is_idempotent_and_keeps_language_and_case():
    for raw in ("SAMSUNG ELECTRONICS CO LTD", "华为技术有限公司", "L'Occitane", "Zero1.tv GmbH", "OPPO广东移动通信有限公司"):
        once = normalise_org_name(raw)
        assert normalise_org_name(once) == once
    assert normalise_org_name("SAMSUNG ELECTRONICS CO LTD") == "SAMSUNG ELECTRONICS CO LTD"
    assert normalise_org_name("OPPO广东移动通信有限公司") == "OPPO广东移动通信有限公司"


# --------------------------------------------------------------------------------------------------
# organisation keys

SAME_ORG = [
    # Chinese legal forms, brackets, spaces, 市/省, abbreviations
    ("国家电网公司", "国家电网有限公司"),
    ("腾讯科技(深圳)有限公司", "腾讯科技（深圳）有限公司"),
    ("腾讯科技(深圳)有限公司", "腾讯科技深圳有限公司"),
    ("比亚迪股份有限公司", "比亚迪有限公司"),
    ("中芯国际集成电路制造(北京)有限公司", "中芯国际集成电路制造(北京)有限责任公司"),
    ("京东方科技集团股份有限公司", "京东方科技集团有限公司"),
    ("包头钢铁(集团)有限责任公司", "包头钢铁集团有限责任公司"),
    ("中国移动通信集团公司", "中国移动通信集团有限公司"),
    ("深圳市华星光电技术有限公司", "深圳华星光电技术有限公司"),
    ("江苏省农业科学院", "江苏农业科学院"),
    ("广西壮族自治区农业科学院微生物研究所", "广西农业科学院微生物研究所"),
    ("中科院大连化学物理研究所", "中国科学院大连化学物理研究所"),
    ("中石化胜利石油工程有限公司", "中国石化胜利石油工程有限公司"),
    ("LG 电子株式会社", "LG电子株式会社"),
    ("株式会社LG化学", "LG化学株式会社"),
    ("国网浙江省电力公司电力科学研究院", "国网浙江省电力有限公司电力科学研究院"),
    ("中国船舶科学研究中心(中国船舶重工集团公司第七0二研究所)", "中国船舶科学研究中心"),
    ("深圳市可秉资产管理合伙企业(有限合伙)", "深圳市可秉资产管理合伙企业"),
    ("浙 江 大 学", "浙江大学"),
    # English legal forms, case, punctuation, &/and, The, abbreviations, brackets
    ("Samsung Electronics Co., Ltd.", "SAMSUNG ELECTRONICS CO LTD"),
    ("Samsung Electronics Co., Ltd.", "Samsung Electronics Company Limited"),
    ("Samsung Electronics Co., Ltd.", "Samsung Elec. Co., Ltd."),
    ("The Procter & Gamble Company", "Procter and Gamble Co."),
    ("Kabushiki Kaisha Toshiba", "Toshiba Corporation"),
    ("Canon Kabushiki Kaisha", "CANON KK"),
    ("Honda Giken Kogyo Kabushiki Kaisha", "Honda Giken Kogyo K.K."),
    ("Matsushita Electric Industrial Co., Ltd.", "Matsushita Elec. Ind. Co. Ltd"),
    ("International Business Machines Corporation", "Int'l Business Machines Corp."),
    ("Murata Manufacturing Co., Ltd.", "MURATA MFG CO LTD"),
    ("Cable Television Laboratories, Inc.", "Cable Television Labs., Inc."),
    ("The Regents of the University of California", "Regents of the Univ. of California"),
    ("Oblon, Spivak, McClelland, Maier & Neustadt, P.C.", "Oblon, Spivak, McClelland, Maier & Neustadt, L.L.P."),
    ("Phoenix Contact GmbH & Co. KG", "PHOENIX CONTACT GMBH"),
    ("Siemens Aktiengesellschaft", "Siemens AG"),
    ("Koninklijke Philips Electronics N.V.", "KONINKLIJKE PHILIPS ELECTRONICS NV"),
    ("Truper Herramientas, SA DE CV", "Truper Herramientas S.A. de C.V."),
    ("GN Netcom A/S", "GN NETCOM AS"),
    ("Omega SA (Omega AG) (Omega LTD) Jakob-Stampfli-Strasse", "Omega SA"),
    ("Hermes Sellier (Societe Par Actions Simplifiee)", "Hermes Sellier"),
    ("Citicorp Credit Services, Inc. (USA)", "Citicorp Credit Services, Inc."),
    ("United Services Automobile Association (USAA)", "UNITED SERVICES AUTOMOBILE ASSOCIATION"),
    ("JPMorgan Chase Bank, N.A.", "JPMORGAN CHASE BANK NA"),
    (
        "OFFICE NATIONAL D’ETUDES ET DE RECHERCHES AÉROSPATIALES",
        "Office National d'Etudes et de Recherches Aerospatiales",
    ),
    ("R. M. Industries", "R.M. Industries Inc."),
]

DIFFERENT_ORG = [
    ("西安交通大学", "西南交通大学"),
    ("华南理工大学", "华南农业大学"),
    ("江苏大学", "江南大学"),
    ("中国石油大学(北京)", "中国石油大学(华东)"),
    ("哈尔滨工业大学", "哈尔滨工业大学(深圳)"),
    ("华北电力大学", "华北电力大学(保定)"),
    ("中芯国际集成电路制造(上海)有限公司", "中芯国际集成电路制造(北京)有限公司"),
    ("武汉华星光电技术有限公司", "武汉华星光电半导体显示技术有限公司"),
    ("武汉华星光电技术有限公司", "深圳市华星光电技术有限公司"),
    ("中国石油化工集团公司", "中国石油化工股份有限公司"),  # a group is not its listed subsidiary
    ("中国联合网络通信集团有限公司", "中国联合网络通信有限公司"),
    ("中国石油化工股份有限公司", "中国石油化工股份有限公司巴陵分公司"),  # branches stay distinct
    ("中国电子科技集团公司第五十二研究所", "中国电子科技集团公司第五十四研究所"),
    ("国网浙江省电力有限公司", "国网浙江省电力有限公司电力科学研究院"),
    ("Samsung Electronics Co., Ltd.", "Samsung Electro-Mechanics Co., Ltd."),
    ("Samsung Electronics Co., Ltd.", "Samsung Display Co., Ltd."),
    ("The Regents of the University of California", "The Regents of the University of Michigan"),
    ("Fuji Xerox Co., Ltd.", "Fuji Photo Film Co., Ltd."),
    ("Sony Corporation", "Sony Group Corporation"),
    ("Intrado Corporation", "Intrado Life & Safety, Inc."),
]


@pytest.mark.parametrize(("a", "b"), SAME_ORG)
def test_org_cluster_key_unifies_variants(a, b):
    assert org_cluster_key(a) == org_cluster_key(b) != ""


@pytest.mark.parametrize(("a", "b"), DIFFERENT_ORG)
def test_org_cluster_key_keeps_distinct_organisations_apart(a, b):
    assert org_cluster_key(a) != org_cluster_key(b)


def test_org_cluster_key_examples():
    assert org_cluster_key("国家电网有限公司") == "国家电网"
    assert org_cluster_key("中国石油大学(北京)") == "中国石油大学北京"
    assert org_cluster_key("Samsung Electronics Co., Ltd.") == "samsung electric"
    assert org_cluster_key("The Procter & Gamble Company") == "procter gamble"
    assert org_cluster_key("Univ. of Tokyo") == "university of tokyo"
    assert org_cluster_key("Natl Inst. of Tech.") == "national institute of technology"
    assert org_cluster_key("Company") == "company"  # never stripped to nothing
    assert org_cluster_key("公司") == "公司"
    assert org_cluster_key("") == org_cluster_key(None) == ""


# --------------------------------------------------------------------------------------------------
# persons


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Henley; Francois J.", "Francois J. Henley"),
        ("Henley, Francois", "Francois Henley"),
        ("HENLEY FRANCOIS J", "Francois J Henley"),
        ("Snider, Jr.; Franklin", "Franklin Snider Jr."),
        ("Cermák; Tomáš", "Tomas Cermak"),
        ("张 三", "张三"),
        ("托马斯·L·埃文斯", "托马斯 L 埃文斯"),
    ],
)
def test_person_key_unifies_name_orders(a, b):
    assert person_key(a) == person_key(b)


def test_person_key_form_and_distinct_people():
    assert person_key("Henley; Francois J.") == "henley francois"
    assert person_key("Zins; David M.") != person_key("Zins; Wayne A")
    assert person_key("王磊") != person_key("王蕾")


@pytest.mark.parametrize(
    "name",
    ["王磊", "欧阳荣波", "文可", "黄和浩然", "S·科撒尔特", "托马斯·L·埃文斯", "Henley; Francois J.", "Zins; Wayne A",
     "Sandrine Thibaud", "CURTIS RUSSELL R", "Snider, Jr.; Franklin"],
)
def test_looks_like_person(name):
    assert looks_like_person(name)


@pytest.mark.parametrize(
    "name",
    ["苹果公司", "浙江大学", "华为", "阿尔泰斯", "索尼公司", "赛峰集团", "中国人民解放军32039部队", "Apple Inc.",
     "Rosenberg, Klein & Lee", "Salter Labs", "Design Sportswears", "Collen IP", "Sony", "3M创新有限公司", ""],
)
def test_does_not_look_like_person(name):
    assert not looks_like_person(name)


def test_split_party_names():
    assert split_party_names("航天资源循环科技有限公司;中国科学院过程工程研究所") == [
        "航天资源循环科技有限公司",
        "中国科学院过程工程研究所",
    ]
    assert split_party_names("Henley; Francois J.") == ["Henley; Francois J."]
    assert split_party_names("青岛市中医医院(青岛市海慈医院、青岛市康复医学研究所)") == [
        "青岛市中医医院(青岛市海慈医院、青岛市康复医学研究所)"
    ]
    assert split_party_names(None) == [] and split_party_names("  ") == []


# --------------------------------------------------------------------------------------------------
# party types

TYPES = [
    ("浙江大学", PartyType.UNIVERSITY),
    ("重庆电子工程职业学院", PartyType.UNIVERSITY),
    ("乐山职业技术学院", PartyType.UNIVERSITY),
    ("南京工程学院", PartyType.UNIVERSITY),
    ("西安交通大学苏州研究院", PartyType.UNIVERSITY),  # 大学 + 研究院 → university
    ("东莞中山大学研究院", PartyType.UNIVERSITY),
    ("中国科学院大学", PartyType.UNIVERSITY),
    ("清华大学深圳研究生院", PartyType.UNIVERSITY),
    ("清华-伯克利深圳学院筹备办公室", PartyType.UNIVERSITY),
    ("高丽大学校产学协力团", PartyType.UNIVERSITY),
    ("中国科学院大连化学物理研究所", PartyType.INSTITUTE),  # 中国科学院XX研究所 → institute
    ("江苏省农业科学院", PartyType.INSTITUTE),  # 科学院 is not 学院
    ("中国电子科技集团公司第五十四研究所", PartyType.INSTITUTE),
    ("北京半导体专用设备研究所(中国电子科技集团公司第四十五研究所)", PartyType.INSTITUTE),
    ("中国科学院华南植物园", PartyType.INSTITUTE),
    ("上海无线通信研究中心", PartyType.INSTITUTE),
    ("福建中医药大学附属人民医院(福建省人民医院)", PartyType.HOSPITAL),
    ("中国人民解放军总医院", PartyType.HOSPITAL),
    ("四川大学华西医院", PartyType.HOSPITAL),
    ("柳州市妇幼保健院", PartyType.HOSPITAL),
    ("潍坊市烟草专卖局", PartyType.GOVERNMENT),
    ("中国人民解放军32039部队", PartyType.GOVERNMENT),
    ("中华人民共和国科学技术部", PartyType.GOVERNMENT),
    ("国家电网公司", PartyType.SOE),
    ("国家电网", PartyType.SOE),
    ("中国石油化工股份有限公司", PartyType.SOE),
    ("中石化胜利石油工程有限公司", PartyType.SOE),
    ("中车株洲电力机车有限公司", PartyType.SOE),
    ("鞍钢股份有限公司", PartyType.SOE),
    ("国网河北省电力有限公司邯郸供电分公司", PartyType.SOE),
    ("广东电网有限责任公司佛山供电局", PartyType.SOE),  # a 局 of a company is that company's branch
    ("中国联合网络通信集团有限公司", PartyType.SOE),
    ("陕西延长石油(集团)有限责任公司", PartyType.SOE),
    ("某某国有资本投资运营有限公司", PartyType.SOE),
    ("华为技术有限公司", PartyType.ENTERPRISE),
    ("重庆材料研究院有限公司", PartyType.ENTERPRISE),  # 研究院有限公司 is a company
    ("中国石油大学(北京)", PartyType.UNIVERSITY),  # not an SOE although it starts with 中国石油
    ("平阳县标牌厂", PartyType.ENTERPRISE),
    ("三星电子株式会社", PartyType.ENTERPRISE),
    ("王磊", PartyType.INDIVIDUAL),
    ("国际竹藤中心", PartyType.OTHER),
    ("Massachusetts Institute of Technology", PartyType.UNIVERSITY),
    ("The Regents of the University of California", PartyType.UNIVERSITY),
    ("University of Central Florida Research Foundation, Inc.", PartyType.UNIVERSITY),
    ("Korea Institute of Science and Technology", PartyType.INSTITUTE),
    ("National Renewable Energy Laboratory", PartyType.INSTITUTE),
    ("Mayo Clinic", PartyType.HOSPITAL),
    ("Massachusetts General Hospital", PartyType.HOSPITAL),
    ("The United States of America as represented by the Secretary of the Army", PartyType.GOVERNMENT),
    ("Ministry of Economy, Trade and Industry", PartyType.GOVERNMENT),
    ("State Grid Corporation of China", PartyType.SOE),
    ("China Petroleum & Chemical Corporation", PartyType.SOE),
    ("Samsung Electronics Co., Ltd.", PartyType.ENTERPRISE),
    ("Toyota Research Institute, Inc.", PartyType.ENTERPRISE),
    ("Kabushiki Kaisha Toshiba", PartyType.ENTERPRISE),
    ("Oblon, Spivak, McClelland, Maier & Neustadt", PartyType.ENTERPRISE),
    ("Henley; Francois J.", PartyType.INDIVIDUAL),
    ("Decathlon", PartyType.OTHER),
    ("", PartyType.OTHER),
]


@pytest.mark.parametrize(("name", "expected"), TYPES)
def test_classify_party(name, expected):
    assert classify_party(name) is expected, explain_party_type(name)


def test_party_type_labels_and_reasons():
    assert PartyType.UNIVERSITY.label_zh == "高校"
    assert PartyType.INSTITUTE.label_zh == "科研院所"
    assert PartyType.SOE.label_zh == "国有企业"
    assert PartyType.ENTERPRISE.label_zh == "企业"
    assert PartyType.INDIVIDUAL.label_zh == "个人"
    assert PartyType.HOSPITAL.label_zh == "医院"
    assert PartyType.GOVERNMENT.label_zh == "政府"
    assert PartyType.OTHER.label_zh == "其他"
    assert PartyType("soe") is PartyType.SOE and str(PartyType.SOE) == "soe"
    kind, reason = explain_party_type("中国电子科技集团公司第五十四研究所")
    assert kind is PartyType.INSTITUTE and "研究所" in reason
    assert is_soe_name("中国中车股份有限公司") and not is_soe_name("比亚迪股份有限公司")


# --------------------------------------------------------------------------------------------------
# regions

REGIONS = [
    ("西安交通大学", ("陕西", "西安")),
    ("浙江大学", ("浙江", None)),
    ("佳木斯大学", ("黑龙江", "佳木斯")),
    ("四川大阳实业发展有限公司", ("四川", None)),
    ("国家电网", None),
    ("国家电网有限公司", None),
    ("清华大学", ("北京", "北京")),
    ("北京航空航天大学", ("北京", "北京")),
    ("复旦大学", ("上海", "上海")),
    ("南开大学", ("天津", "天津")),
    ("中山大学", ("广东", "广州")),  # not the city of 中山
    ("中山大学附属第六医院", ("广东", "广州")),
    ("中山市冠业玻璃制品有限公司", ("广东", "中山")),
    ("中山北方晶华精密光学有限公司", ("广东", "中山")),
    ("大连大学附属中山医院", ("辽宁", "大连")),
    ("哈尔滨工业大学", ("黑龙江", "哈尔滨")),
    ("哈尔滨工业大学(深圳)", ("广东", "深圳")),
    ("吉林大学", ("吉林", "长春")),  # 吉林 is a province and a city
    ("吉林省昌宏办公家具有限公司", ("吉林", None)),
    ("吉林市某某化工有限公司", ("吉林", "吉林")),
    ("长安大学", ("陕西", "西安")),
    ("重庆长安汽车股份有限公司", ("重庆", "重庆")),
    ("汶上海纬机车配件有限公司", ("山东", "济宁")),  # 汶上 is a county, not 上海
    ("德克萨斯仪器股份有限公司", None),  # 德州仪器 / Texas Instruments
    ("中国石油大学(华东)", ("山东", "青岛")),
    ("中国地质大学(武汉)", ("湖北", "武汉")),
    ("华北电力大学(保定)", ("河北", "保定")),
    ("清华大学深圳研究生院", ("广东", "深圳")),
    ("中国科学院大连化学物理研究所", ("辽宁", "大连")),
    ("中芯国际集成电路制造(北京)有限公司", ("北京", "北京")),
    ("中车株洲电力机车有限公司", ("湖南", "株洲")),
    ("国网浙江杭州市余杭区供电有限公司", ("浙江", "杭州")),
    ("广东省深圳市某某科技有限公司", ("广东", "深圳")),
    ("广西壮族自治区农业科学院微生物研究所", ("广西", None)),
    ("内蒙古电力(集团)有限责任公司", ("内蒙古", None)),
    ("昆山国显光电有限公司", ("江苏", "苏州")),
    ("皖西学院", ("安徽", "六安")),
    ("台湾积体电路制造股份有限公司", ("台湾", None)),
    ("阿里巴巴(中国)有限公司", None),
    ("王磊", None),
    ("Tianjin University", ("天津", "天津")),
    ("INSPUR SUZHOU INTELLIGENT TECHNOLOGY CO., LTD.", ("江苏", "苏州")),
    ("Perfectfloor (Tianjin) Ltd.", ("天津", "天津")),
    ("Samsung Electronics Co., Ltd.", None),
]


@pytest.mark.parametrize(("name", "expected"), REGIONS)
def test_detect_region(name, expected):
    region = detect_region(name)
    got = (region.province, region.city) if region else None
    assert got == expected


def test_region_codes_and_county():
    assert detect_region("西安交通大学") == Region("陕西", "西安", "610000")
    assert detect_region("昆山国显光电有限公司").county == "昆山"
    assert province_code("广西") == "450000" and province_code("北京") == "110000"
    assert province_code("火星") is None


def test_division_table_is_complete():
    from lingxi.parties.data.cn_divisions import PREFECTURES, PROVINCES

    assert len(PROVINCES) == 34
    assert sum(len(v.split()) for v in PREFECTURES.values()) == 333


# --------------------------------------------------------------------------------------------------
# identity


def test_describe_party_organisation_and_person():
    org = describe_party("西安交通大学 ", "applicant")
    assert org == PartyIdentity("organisation", "西安交通大学", "西安交通大学", PartyType.UNIVERSITY, "陕西", "西安", "610000")
    person = describe_party("Henley; Francois J.", "assignee")
    assert person.kind == "person" and person.key == "henley francois" and person.type is PartyType.INDIVIDUAL
    assert describe_party("王磊", "applicant").kind == "person"
    # inventors are persons whatever the name looks like
    assert describe_party("Modus Operandi", "inventor").kind == "person"
    us = describe_party("SAMSUNG ELECTRONICS CO LTD", "assignee")
    assert us.key == describe_party("Samsung Electronics Co., Ltd.", "applicant").key
    assert us.province is None


def test_describe_party_is_memoised_and_fast():
    describe_party.cache_clear()
    names = [f"测试{i}号精密机械有限公司" for i in range(2000)] + [f"Acme Widgets {i} Co., Ltd." for i in range(2000)]
    t0 = time.perf_counter()
    for n in names:
        describe_party(n, "applicant")
    cold = (time.perf_counter() - t0) / len(names)
    t0 = time.perf_counter()
    for n in names:
        describe_party(n, "applicant")
    warm = (time.perf_counter() - t0) / len(names)
    assert describe_party.cache_info().hits >= len(names)
    assert cold < 500e-6  # generous: ~40 µs measured; catches an accidental quadratic rule
    assert warm < 20e-6
