"""Demand → patent matching and licensee discovery on a small real corpus (cn_patents_dev: the first 200 patents plus
the targets below), imported with the JSONL importer, embedded by the real e5 model and tagged, on the real SQLite
and PostgreSQL: the right patent first, an English demand finding a Chinese patent, explanations with shared concepts
and highlighted passages, filters, feedback that changes the ranking, push scores, and licensee discovery."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from lingxi.accounts.principal import SYSTEM, Principal
from lingxi.db import open_database
from lingxi.db.models import (
    Demand,
    EnterpriseProfile,
    MatchFeedback,
    OpenLicenceDeclaration,
    Organisation,
    Party,
    Patent,
    PatentParty,
)
from lingxi.errors import InvalidInput, NotFound, PermissionDenied
from lingxi.matching.engine import MatchEngine
from lingxi.matching.feedback import record_feedback
from lingxi.matching.licensees import find_licensees
from lingxi.patents.importing import run_import
from lingxi.search import vector_jobs
from lingxi.search.hooks import index_updater
from lingxi.settings import Settings
from lingxi.tagging.jobs import run_tagging

POSTGRES_URL = os.environ.get("LINGXI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

INSOLE = "029b3079b86c0644883af6748ca7c4b7"  # 一种鞋垫打孔器
CHARGING = "cf6db6cd858d43d86aeb063b4da542ea"  # 一种自动充电方法、电动汽车和充电桩 (郑州宇通客车)
ROOF = "7b0e247d38c1c9ec90abec80ebf67165"  # 一种防雨水屋顶结构
KILN = "21076763a4eb58637fa3cdfad412e7a7"  # 水泥窑烧成带用抗硫镁铝尖晶石砖
NUTS = "eefc7eec876003363983296e8d9465db"  # 一种香榧破壳机 (浙江农林大学暨阳学院)
SOLAR = "b7112f4a36c7e94c4eb287a81b755215"  # 光伏支架结构
WIFI = "cf5b619d53aac558c9670adf6da686ca"  # 无线局域网接入控制方法及装置
TARGETS = (INSOLE, CHARGING, ROOF, KILN, NUTS, SOLAR, WIFI)


def small_corpus(shared_data: Path, folder: Path, first: int = 200) -> Path:
    lines = (shared_data / "cn_patents_dev" / "cn_patents_dev.jsonl").read_text(encoding="utf-8").splitlines()
    chosen = lines[:first] + [line for line in lines[first:] if json.loads(line)["id"] in TARGETS]
    path = folder / "cn_matching.jsonl"
    path.write_text("\n".join(chosen) + "\n", encoding="utf-8")
    return path


def _database(kind: str, home: Path):
    if kind == "sqlite":
        return f"sqlite:///{home / 'lingxi.db'}", None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    return f"{POSTGRES_URL}{'&' if '?' in POSTGRES_URL else '?'}options=-csearch_path%3D{schema}", (admin, schema)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def corpus(request, tmp_path_factory, shared_data):
    home = tmp_path_factory.mktemp(f"matching-{request.param}")
    url, cleanup = _database(request.param, home)
    settings = Settings(home=home, database_url=url)
    settings.ensure_home()
    db = open_database(url)
    run_import(db, [small_corpus(shared_data, home)], on_finished=index_updater(settings, db))  # embeds inline
    run_tagging(db)
    yield settings, db, MatchEngine(settings, db)
    for manager in list(vector_jobs._managers.values()):
        manager.stop()
    vector_jobs._managers.clear()
    db.dispose()
    if cleanup:
        admin, schema = cleanup
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def pid(db, external_id: str) -> int:
    with db.sessions() as session:
        return session.scalar(select(Patent.id).where(Patent.external_id == external_id))


def ranking(result) -> list[str]:
    return [match.external_id for match in result.matches]


def test_the_target_patent_ranks_first_for_chinese_demands(corpus):
    settings, db, engine = corpus
    demands = [  # (the patent's own words, an SME engineer's paraphrase, target)
        ("求一种鞋垫打孔器，代替人工对鞋垫打孔，避免鞋垫屑迸射伤害眼睛", "我们做鞋垫的，工人拿冲子手工扎透气孔，碎屑老崩到眼睛里，想换个机器自动打孔", INSOLE),
        ("寻求防雨水屋顶结构，排水沟槽内设上浮体和盖板，提高排水效率", "下大雨时楼顶的落水口一被树叶堵住就积水漏到屋里，想要个水涨起来能自己多开一个出水口的屋面做法", ROOF),
        ("需要香榧破壳机，传送带上设有夹持器夹持香榧，提高破壳率", "合作社收的香榧果子靠人工一个个敲壳，又慢又容易敲碎仁，想要台机器自动开壳", NUTS),
    ]
    for own_words, paraphrase, target in demands:
        assert ranking(engine.match_text(own_words, top_k=5))[0] == target
        assert target in ranking(engine.match_text(paraphrase, top_k=5))[:2]


def test_the_publications_of_one_application_are_one_match(corpus):
    _, db, engine = corpus
    demand = "求一种鞋垫打孔器，代替人工对鞋垫打孔，避免鞋垫屑迸射伤害眼睛"
    first, second = engine.match_text(demand, top_k=5).matches[:2]
    with db.sessions() as session, session.begin():  # make the runner-up the B publication of the target's application
        for patent_id in (first.patent_id, second.patent_id):
            patent = session.get(Patent, patent_id)
            patent.country, patent.application_number = "CN", "201910000001.X"
    try:
        again = engine.match_text(demand, top_k=5).matches
        assert again[0].patent_id == first.patent_id
        assert second.patent_id not in [match.patent_id for match in again]
        assert [match.rank for match in again] == list(range(1, len(again) + 1))
    finally:
        with db.sessions() as session, session.begin():
            for patent_id in (first.patent_id, second.patent_id):
                session.get(Patent, patent_id).application_number = None


def test_an_english_demand_finds_the_chinese_patent(corpus):
    _, db, engine = corpus
    result = engine.match_text("Our workers punch breathing holes in shoe insoles by hand; flying scraps hurt their "
                               "eyes. We want a machine that drills the holes automatically.", top_k=10)
    assert INSOLE in ranking(result)[:3]
    match = next(m for m in result.matches if m.external_id == INSOLE)
    assert match.language == "zh"
    # the dictionary translation shows as shared concepts: insoles → 鞋垫
    assert any("鞋垫" in item["term"] for item in match.explanation["shared_concepts"])
    assert any("<mark>鞋垫</mark>" in passage["text"] for passage in match.explanation["passages"])
    kiln = engine.match_text("The refractory bricks in our cement rotary kiln are attacked by sulphur and must be "
                             "replaced often; we need a brick that resists sulphur much better.", top_k=10)
    assert KILN in ranking(kiln)[:3]


def test_an_english_demands_translation_is_embedded_as_a_chinese_query(corpus):
    _, db, engine = corpus
    text = "We want a machine that punches breathing holes in shoe insoles automatically."
    result = engine.match_text(text, top_k=10)
    match = next(m for m in result.matches if m.external_id == INSOLE)
    # the translation (鞋垫 …) as a Chinese query finds the insole punch far above the candidates' mean
    assert match.features["translated_semantic"] is not None and match.features["translated_semantic"] > 1.0
    reasons = {item["feature"]: item for item in match.explanation["contributions"]}
    assert reasons["translated_semantic"]["contribution"] > 0 and "translation" in reasons["translated_semantic"]["en"]
    # with no weight it is still measured, but adds nothing
    plain = MatchEngine(engine.settings, db, engine.search, cross_weights={"translated_semantic": 0.0})
    unweighted = next(m for m in plain.match_text(text, top_k=10).matches if m.external_id == INSOLE)
    assert unweighted.features["translated_semantic"] == match.features["translated_semantic"]
    assert "translated_semantic" not in {item["feature"] for item in unweighted.explanation["contributions"]}
    # a Chinese demand against Chinese patents: not applicable (left out of the average)
    zh = engine.match_text("求一种鞋垫打孔器，代替人工对鞋垫打孔", top_k=3)
    assert all(m.features["translated_semantic"] is None for m in zh.matches)


def test_every_match_explains_itself(corpus):
    _, db, engine = corpus
    result = engine.match_text("需要光伏支架结构，稳定性强，安装方便快捷，部件少成本低", top_k=5)
    best = result.matches[0]
    assert best.external_id == SOLAR and best.rank == 1 and best.score > result.matches[1].score
    explanation = best.explanation
    concepts = [item["term"] for item in explanation["shared_concepts"]]
    assert "光伏" in concepts and "支架" in concepts
    assert any("<mark>" in passage["text"] for passage in explanation["passages"])
    assert explanation["licence"]["status"] == "none" and best.features["licence"] == 0.0  # lingxi.market: not on offer
    assert best.features["semantic"] > 0.5
    reasons = explanation["contributions"]
    assert reasons and {"feature", "contribution", "zh", "en"} <= set(reasons[0])
    assert sum(item["contribution"] for item in reasons) == pytest.approx(best.score, abs=0.02)
    assert explanation["why"]["zh"].startswith("第 1 名") and "licence" not in explanation["why"]["zh"]
    # an open-licence declaration (lingxi.market) makes the patent available, and the match says so
    with db.sessions() as session:
        session.add(OpenLicenceDeclaration(patent_id=best.patent_id, patent_number="CN000000000U", patentee="协鑫能源工程有限公司",
                                           payment_method="一次性支付", fee_standard="每年 1 万元", licence_term_years=3,
                                           status="published"))
        session.commit()
    declared = engine.match_text("需要光伏支架结构，稳定性强，安装方便快捷，部件少成本低", top_k=5).matches[0]
    assert declared.explanation["licence"]["status"] == "open_licence" and declared.features["licence"] == 1.0
    assert declared.score == pytest.approx(best.score + 0.04, abs=1e-3)
    assert best.holders and best.holders[0]["name"] == "协鑫能源工程有限公司"
    assert {"taxonomy", "ipc", "holder_type", "maturity"} <= set(explanation)
    assert explanation["value_grade"] is None and best.features["value"] is None  # cn_patents_dev: no indicators
    assert explanation["maturity"]["trl"] is not None  # the tagging run's TRL annotation
    as_json = json.loads(json.dumps(result.as_dict(), ensure_ascii=False))
    assert as_json["matches"][0]["key"] == f"ID:{SOLAR}" and as_json["candidates"] >= 5


def test_filters_restrict_holder_types_and_regions(corpus):
    _, db, engine = corpus
    text_ = "香榧果子自动破壳的机器"
    universities = engine.match_text(text_, top_k=10, holder_types=["university"])
    assert universities.matches and ranking(universities)[0] == NUTS
    assert all(any(h["type"] == "university" for h in m.holders) for m in universities.matches)
    companies = engine.match_text(text_, top_k=10, holder_types=["enterprise"])
    assert NUTS not in ranking(companies)
    with db.sessions() as session:
        province = session.scalar(select(Party.province).join(PatentParty, PatentParty.party_id == Party.id)
                                  .where(PatentParty.patent_id == pid(db, NUTS)))
    assert province  # 浙江
    regional = engine.match_text(text_, top_k=10, region=province)
    assert regional.matches and all(any(h["province"] == province for h in m.holders) for m in regional.matches)
    with pytest.raises(InvalidInput):
        engine.match_text("   ", top_k=5)


def test_a_broad_filter_is_applied_inside_the_queries(corpus, monkeypatch):
    """Above ID_FILTER_LIMIT matching patents the filter is not listed as ids (1M patents: 100,000s of them) but
    applied in the keyword queries and to the over-fetched vector hits: the same answer."""
    from lingxi.matching import candidates

    _, db, engine = corpus
    text_ = "香榧果子自动破壳的机器"
    listed = ranking(engine.match_text(text_, top_k=10, holder_types=["enterprise"]))
    monkeypatch.setattr(candidates, "ID_FILTER_LIMIT", 0)
    broad = engine.match_text(text_, top_k=10, holder_types=["enterprise"])
    assert broad.matches and all(any(h["type"] == "enterprise" for h in m.holders) for m in broad.matches)
    assert ranking(broad)[:5] == listed[:5]


def test_feedback_changes_the_ranking_of_the_same_demand(corpus):
    _, db, engine = corpus
    with db.sessions() as session:
        organisation = Organisation(name=f"反馈测试企业{uuid.uuid4().hex[:6]}", kind="enterprise", province="浙江省")
        session.add(organisation)
        session.flush()
        demand = Demand(organisation_id=organisation.id, title="屋顶排水",
                        description="下大雨时楼顶排水沟堵塞积水，想要能自动多开一个排水孔的屋顶结构", confidentiality="secret")
        session.add(demand)
        session.commit()
        demand_id, organisation_id = demand.id, organisation.id
    owner = Principal(user_id=None, username="owner", role="enterprise", organisation_id=organisation_id)
    stranger = Principal(user_id=None, username="other", role="enterprise", organisation_id=None)
    with db.sessions() as session:
        before = engine.match_demand(session, owner, demand_id, top_k=10)
        with pytest.raises(NotFound):  # a secret demand is its enterprise's (and operators') only
            engine.match_demand(session, stranger, demand_id, top_k=10)
    order = ranking(before)
    assert order[0] == ROOF
    second = order[1]
    with db.sessions() as session:
        record_feedback(session, owner, pid(db, ROOF), "not_relevant", demand_id=demand_id)
        with pytest.raises(InvalidInput):
            record_feedback(session, owner, pid(db, ROOF), "maybe", demand_id=demand_id)
        session.commit()
        stored = session.scalars(select(MatchFeedback).where(MatchFeedback.demand_id == demand_id)).all()
        assert [(row.verdict, row.organisation_id) for row in stored] == [("not_relevant", organisation_id)]
    with db.sessions() as session:
        after = engine.match_demand(session, owner, demand_id, top_k=10)
    assert ranking(after)[0] == second and ROOF not in ranking(after)[:5]
    demoted = next((m for m in after.matches if m.external_id == ROOF), None)
    assert demoted is None or "feedback" in [item["feature"] for item in demoted.explanation["contributions"]]
    # "interested" lifts the patent it names for an ad-hoc text of the same organisation's user
    text_ = "公交车充电桩和车辆用信号先确认能不能充电"
    plain = engine.match_text(text_, top_k=10, actor=owner)
    target = ranking(plain)[2]
    with db.sessions() as session:
        record_feedback(session, owner, pid(db, target), "interested", text=text_)
        session.commit()
    with db.sessions() as session:
        lifted = engine.match_text(text_, top_k=10, actor=owner, session=session)
    before_match = plain.matches[2]
    after_match = lifted.matches[ranking(lifted).index(target)]
    assert after_match.score == pytest.approx(before_match.score + 0.15, abs=1e-6)
    assert after_match.rank <= before_match.rank
    assert after_match.explanation["feedback"][0]["verdict"] == "interested"


def test_a_short_list_is_the_head_of_the_long_one_though_fewer_facts_are_read(corpus, monkeypatch):
    """The fit features' facts are read only for candidates that can still reach the first k (engine._reachable):
    the first k must be exactly those of the longest list, with every feature, score and explanation, for ad-hoc
    texts in both languages and for a stored demand with a wanted TRL range, a home region and feedback."""
    import lingxi.matching.engine as engine_module

    _, db, engine = corpus
    read_for: list[int] = []
    real = engine_module.load_fit_facts

    def counting(session, facts, *args, **kwargs):
        read_for.append(len(facts))
        return real(session, facts, *args, **kwargs)

    monkeypatch.setattr(engine_module, "load_fit_facts", counting)
    with db.sessions() as session:
        organisation = Organisation(name=f"截断测试企业{uuid.uuid4().hex[:6]}", kind="enterprise", province="浙江省")
        session.add(organisation)
        session.flush()
        demand = Demand(organisation_id=organisation.id, title="光伏支架", trl_min=5, trl_max=8,
                        description="屋顶装光伏板的支架要抗风、安装快，最好能降低成本", confidentiality="public")
        session.add(demand)
        session.commit()
        demand_id, organisation_id = demand.id, organisation.id
    owner = Principal(user_id=None, username="owner", role="enterprise", organisation_id=organisation_id)
    with db.sessions() as session:
        record_feedback(session, owner, pid(db, SOLAR), "not_relevant", demand_id=demand_id)
        session.commit()

    def as_list(result) -> list[dict]:
        return [match.as_dict() for match in result.matches]

    asks = [lambda k: engine.match_text("想找给鞋垫打孔的工具，手工打孔太慢", top_k=k),
            lambda k: engine.match_text("We need a roof structure that drains heavy rain", top_k=k),
            lambda k: engine.match_text("水泥窑用的耐火砖老是被硫腐蚀", top_k=k, region="浙江省")]
    for ask in asks:
        read_for.clear()
        longest = ask(200)
        assert read_for == [longest.candidates]  # fewer than 200 applications: nothing left out
        for k in (1, 3, 10):
            read_for.clear()
            assert as_list(ask(k)) == as_list(longest)[:k]
            assert read_for[0] < longest.candidates
    with db.sessions() as session:
        longest = engine.match_demand(session, owner, demand_id, top_k=200)
        assert SOLAR in ranking(longest) and ranking(longest)[0] != SOLAR
        for k in (1, 5, 10):
            read_for.clear()
            assert as_list(engine.match_demand(session, owner, demand_id, top_k=k)) == as_list(longest)[:k]
            assert read_for[0] < longest.candidates


def test_push_scores_given_patents_against_a_text(corpus):
    _, db, engine = corpus
    ids = [pid(db, SOLAR), pid(db, INSOLE), pid(db, KILN)]
    scores = engine.score_patents_against_text("光伏板安装支架，结构稳定、部件少", ids)
    assert set(scores) == set(ids)
    assert scores[pid(db, SOLAR)] > scores[pid(db, INSOLE)] and scores[pid(db, SOLAR)] > scores[pid(db, KILN)]
    assert engine.score_patents_against_text("", ids) == {p: 0.0 for p in ids}
    # a score does not depend on which other patents are scored with it, and is the patent's score in a ranking
    alone = engine.score_patents_against_text("光伏板安装支架，结构稳定、部件少", [pid(db, INSOLE)])
    assert alone[pid(db, INSOLE)] == pytest.approx(scores[pid(db, INSOLE)], abs=1e-3)
    ranked = engine.match_text("光伏板安装支架，结构稳定、部件少", top_k=3)
    assert ranked.matches[0].patent_id == pid(db, SOLAR)
    assert ranked.matches[0].score == pytest.approx(scores[pid(db, SOLAR)], abs=1e-3)


def test_licensee_discovery_ranks_the_fitting_enterprise_first(corpus):
    settings, db, engine = corpus
    with db.sessions() as session:
        charging_party = session.scalar(select(PatentParty.party_id).where(
            PatentParty.patent_id == pid(db, CHARGING), PatentParty.role == "applicant"))
        suffix = uuid.uuid4().hex[:6]
        fitting = Organisation(name=f"青峦新能源客车{suffix}", kind="enterprise", province="河南省", party_id=charging_party)
        products = Organisation(name=f"青峦充电设备{suffix}", kind="enterprise", province="浙江省")
        unrelated = Organisation(name=f"青峦食品{suffix}", kind="enterprise", province="浙江省")
        session.add_all([fitting, products, unrelated])
        session.flush()
        session.add_all([EnterpriseProfile(organisation_id=products.id, products="电动汽车充电桩、充电枪、充电设备"),
                         EnterpriseProfile(organisation_id=unrelated.id, products="糕点、饼干、速冻食品")])
        session.commit()
        fitting_id, products_id, unrelated_id = fitting.id, products.id, unrelated.id
    target = None
    with db.sessions() as session:  # another charging patent of the corpus, not the one the enterprise holds
        target = session.scalar(select(Patent.id).where(Patent.title.like("%充电桩%"), Patent.external_id != CHARGING))
        target = target or pid(db, CHARGING)
        answer = find_licensees(engine, session, SYSTEM, target, top_k=10)
    names = [item["organisation_id"] for item in answer["licensees"]]
    assert names[0] in (fitting_id, products_id) and unrelated_id not in names[:2]
    first = answer["licensees"][0]
    assert first["explanation"]["why"]["zh"] and first["explanation"]["contributions"]
    by_id = {item["organisation_id"]: item for item in answer["licensees"]}
    assert by_id[products_id]["explanation"]["products"]["shared_terms"]
    regulator = Principal(user_id=None, username="reg", role="regulator")
    with db.sessions() as session, pytest.raises(PermissionDenied):
        find_licensees(engine, session, regulator, target)
