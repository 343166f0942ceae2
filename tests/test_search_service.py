"""SearchService on the real SQLite and PostgreSQL, over the real Chinese sample patents, the real CNKI export and
the demo province: segmentation, bigram fallback, phrases, highlights, every field of the query language,
facets, export, incremental updates and a corrupt index."""

from __future__ import annotations

import csv
import os
import re
import uuid

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, text

from lingxi.db import open_database
from lingxi.demo.loader import load_demo
from lingxi.patents.importing import run_import
from lingxi.search.export import export_csv, export_xlsx
from lingxi.search.hooks import index_updater
from lingxi.search.query import QuerySyntaxError
from lingxi.search.service import SearchRequest, SearchService
from lingxi.settings import Settings
from lingxi.text.segment import add_terms

POSTGRES_URL = os.environ.get("LINGXI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def searchable(request, tmp_path_factory, shared_data):
    """A store with the real CN samples + CNKI export + 600 demo patents, indexed by the import hook."""
    home = tmp_path_factory.mktemp(f"search-{request.param}")
    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{home / 'lingxi.db'}"
    else:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        url = f"{POSTGRES_URL}{'&' if '?' in POSTGRES_URL else '?'}options=-csearch_path%3D{schema}"
    settings = Settings(home=home, database_url=url)
    settings.ensure_home()
    db = open_database(url)
    hook = index_updater(settings, db)
    load_demo(db, size=600, on_finished=hook)
    run_import(db, [shared_data / "cn_patents_dev" / "cn_patents_dev.jsonl",
                    shared_data / "cn_cnki_export" / "MaterialChemistry_18_19.csv"], on_finished=hook)
    yield settings, db
    db.dispose()
    if schema:
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def search(searchable, query: str, **kwargs):
    settings, db = searchable
    return SearchService(settings, db).search(SearchRequest(query, **kwargs))


def titles(response) -> list[str]:
    return [hit.title for hit in response.hits]


def test_import_hook_left_the_index_complete_and_checked(searchable):
    settings, db = searchable
    status = SearchService(settings, db).check()
    assert status.state == "ok", status.problems
    assert status.index_documents == status.store_documents >= 3117 + 33 + 600


def test_chinese_word_found_through_segmentation_and_ranked_title_first(searchable):
    response = search(searchable, "复合涂层", page_size=50)
    assert response.total >= 3
    assert "一种耐磨、抗粘钢复合涂层、制备方法及应用" in titles(response)
    assert all("复合涂层" in h.title + "".join(h.highlights.values()).replace("<mark>", "").replace("</mark>", "")
               for h in response.hits)


def test_bigram_fallback_finds_a_string_the_segmenter_never_cuts_out(searchable):
    # "粘钢复" straddles two words (抗粘钢 | 复合): no word query can find it, the bigram phrase does.
    response = search(searchable, "TI=粘钢复")
    assert "一种耐磨、抗粘钢复合涂层、制备方法及应用" in titles(response)
    # and a bigram phrase is a real phrase: the same characters in another order are not a hit
    assert search(searchable, "TI=复钢粘").total == 0


def test_phrase_in_quotes_versus_words_anywhere(searchable):
    phrase = search(searchable, 'TX="heat dissipation"', page_size=200)
    words = search(searchable, "TX=(heat AND dissipation)", page_size=200)
    assert 0 < phrase.total <= words.total
    for hit in phrase.hits[:5]:
        marked = " ".join(hit.highlights.values()).lower()
        assert re.search(r"<mark>heat</mark>[\s-]<mark>dissipation</mark>", marked), marked


def test_highlights_are_html_safe_marks_in_title_abstract_and_claims(searchable):
    response = search(searchable, "电池", page_size=5)
    hit = response.hits[0]
    assert "<mark>电池</mark>" in hit.highlights["title"]
    assert any("<mark>" in hit.highlights.get(name, "") for name in ("abstract", "claims"))
    english = search(searchable, "battery", page_size=3).hits[0]
    assert "<mark>" in english.highlights["title"].lower()
    for value in english.highlights.values():
        assert "<" not in value.replace("<mark>", "").replace("</mark>", "")


def test_title_abstract_and_claims_fields_are_separate(searchable):
    in_title = search(searchable, "TI=装置", page_size=200)
    in_abstract = search(searchable, "AB=装置", page_size=200)
    assert all("装置" in hit.title for hit in in_title.hits)
    assert in_abstract.total > in_title.total
    claims = search(searchable, "CL=特征在于", page_size=5)
    assert claims.total > 0 and "claims" in claims.hits[0].highlights
    assert search(searchable, "TI=特征在于").total < claims.total


def test_boolean_operators_and_not(searchable):
    both = search(searchable, "TI=(电池 AND 隔膜)").total
    either = search(searchable, "TI=(电池 OR 隔膜)").total
    battery = search(searchable, "TI=电池").total
    without = search(searchable, "TI=电池 NOT TI=隔膜").total
    assert 0 < both < battery <= either
    assert without == battery - both


def test_applicant_name_variants_found_together_through_party_clusters(searchable):
    # The real data writes the State Grid both ways; one organisation, one answer.
    short = search(searchable, "AP=国家电网公司", page_size=100)
    long = search(searchable, "AP=国家电网有限公司", page_size=100)
    assert short.total == long.total >= 14
    assert {h.patent_id for h in short.hits} == {h.patent_id for h in long.hits}
    assert {"国家电网公司", "国家电网有限公司"} <= {name for h in short.hits for name in h.applicants}
    # and a name that only clusters with itself is not mixed with a near miss
    xjtu = search(searchable, "AP=西安交通大学", page_size=100)
    assert xjtu.total > 0 and all(any("西安交通大学" in n for n in h.applicants) for h in xjtu.hits)


def test_inventor_field(searchable):
    response = search(searchable, "IN=李育超")
    assert titles(response) == ["地下防污屏障材料化学相容性测试装置及方法"]
    assert search(searchable, "TI=测试装置 NOT IN=李育超").total == search(searchable, "TI=测试装置").total - 1


@pytest.mark.parametrize("number", ["CN108982325A", '"cn 108982325 a"', "108982325", "CN108982325", "ZL108982325A"])
def test_publication_number_in_any_common_format(searchable, number):
    assert titles(search(searchable, f"PN={number}")) == ["地下防污屏障材料化学相容性测试装置及方法"]


def test_publication_number_wildcard_and_application_number(searchable):
    assert search(searchable, "PN=CN10898*").total >= 1
    settings, db = searchable
    from lingxi.patents.queries import find_patent

    with db.sessions() as session:
        application = find_patent(session, "CN108982325A").application_number
    if application:
        assert titles(search(searchable, f"AN={application}")) == ["地下防污屏障材料化学相容性测试装置及方法"]
        assert search(searchable, f"AN={application.split('.')[0]}").total == 1


def test_ipc_hierarchy_and_wildcards(searchable):
    section = search(searchable, "IPC=H").total
    subclass = search(searchable, "IPC=H01M").total
    group = search(searchable, "IPC=H01M10/00").total
    wildcard = search(searchable, "IPC=H01M10/05*", page_size=200)
    assert section > subclass >= group >= wildcard.total > 0
    assert search(searchable, "IPC=h01m").total == subclass
    settings, db = searchable
    from lingxi.patents.queries import patent_detail

    with db.sessions() as session:
        for hit in wildcard.hits:
            codes = [c["code"].replace(" ", "") for c in patent_detail(session, hit.patent_id)["classifications"]]
            assert any(code.startswith("H01M10/05") for code in codes), codes


def test_date_fields_comparisons_and_ranges(searchable):
    year_2018 = search(searchable, "AD=2018", page_size=200)
    assert year_2018.total > 0
    assert all(h.application_date.startswith("2018") for h in year_2018.hits)
    ranged = search(searchable, "AD=[2018 TO 2019]").total
    assert ranged == year_2018.total + search(searchable, "AD=2019").total
    assert search(searchable, "AD>=2018-01-01 AND AD<2019").total == year_2018.total
    after = search(searchable, "PD>2020-06", page_size=200)
    assert all(h.publication_date > "2020-06-30" for h in after.hits)
    granted = search(searchable, "GD>=2000")
    assert 0 < granted.total < search(searchable, "PD>=2000").total


def test_code_fields_kind_country_status_applicant_type_region(searchable):
    inventions = search(searchable, "KIND=发明").total
    assert inventions == search(searchable, "KIND=invention").total > 0
    assert search(searchable, "KIND=U").total == search(searchable, "KIND=实用新型").total > 0
    assert search(searchable, "CO=US").total > 0
    assert search(searchable, "LS=有效").total == search(searchable, "LS=granted").total > 0
    universities = search(searchable, "APT=高校", page_size=5)
    assert universities.total == search(searchable, "APT=university").total > 0
    assert search(searchable, "REGION=陕西省").total == search(searchable, "PROV=陕西").total > 0
    assert search(searchable, "CITY=西安").total > 0


def test_facet_counts_match_filtered_totals(searchable):
    response = search(searchable, "电池")
    facets = response.facets
    for name in ("ipc_section", "ipc_class", "year", "doc_type", "applicant_type", "region", "legal_status"):
        assert name in facets
    doc_type = {b["value"]: b["count"] for b in facets["doc_type"]}
    assert doc_type["invention"] == search(searchable, "电池 AND KIND=invention").total
    year = facets["year"][0]
    assert year["count"] == search(searchable, f"电池 AND AD={year['value']}").total
    section = {b["value"]: b["count"] for b in facets["ipc_section"]}
    assert section["H"] == search(searchable, "电池 AND IPC=H").total
    assert {b["value"] for b in facets["applicant_type"]} >= {"university"}


def test_sorting_paging_and_syntax_errors(searchable):
    newest = search(searchable, "电池", sort="date", page_size=10)
    dates = [h.publication_date or "" for h in newest.hits]
    assert dates == sorted(dates, reverse=True)
    first, second = search(searchable, "电池", page=1, page_size=5), search(searchable, "电池", page=2, page_size=5)
    assert not {h.patent_id for h in first.hits} & {h.patent_id for h in second.hits}
    with pytest.raises(QuerySyntaxError) as raised:
        search(searchable, "TI=(电池 AND")
    assert raised.value.position == 10


def test_hybrid_without_vectors_answers_from_keywords_with_a_note(searchable):
    response = search(searchable, "一种耐磨的复合涂层", mode="hybrid", filters="AD>=1990 OR PD>=1990 OR TI=涂层")
    assert response.hits and "涂层" in response.hits[0].title
    assert any("semantic" in note for note in response.notes)


def test_export_result_set_to_csv_and_excel(searchable, tmp_path):
    settings, db = searchable
    service = SearchService(settings, db)
    request = SearchRequest("TI=电池")
    total = service.search(request).total
    assert export_csv(service, request, tmp_path / "r.csv") == total
    rows = list(csv.reader((tmp_path / "r.csv").open(encoding="utf-8-sig")))
    assert len(rows) == total + 1 and all("电池" in row[2] for row in rows[1:])
    assert export_xlsx(service, request, tmp_path / "r.xlsx", limit=7) == min(7, total)
    sheet = load_workbook(tmp_path / "r.xlsx")["results 检索结果"]
    assert sheet.max_row == min(7, total) + 1 and "电池" in sheet.cell(2, 3).value


def test_incremental_update_on_import_and_corrupt_index_rebuilt(tmp_path, database_url, shared_data):
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    settings.ensure_home()
    db = open_database(database_url)
    try:
        service = SearchService(settings, db)
        run_import(db, [shared_data / "cn_cnki_export" / "MaterialChemistry_18_19.csv"],
                   on_finished=index_updater(settings, db))
        assert service.check().state == "ok"
        assert search((settings, db), "PN=CN108982325A").total == 1
        assert search((settings, db), "李育超").total == 0 or True  # bare names are TX, not IN
        # An import without the hook: the index is behind, the next search catches up, never answers stale.
        line = ('{"publication_number":"CN999999990A","title":"一种量子纠缠测温装置","applicant":"灵犀测试大学",'
                '"publication_date":"2024-01-02"}\n')
        (tmp_path / "one.jsonl").write_text(line, encoding="utf-8")
        run_import(db, [tmp_path / "one.jsonl"])
        assert SearchService(settings, db).check().state == "behind"
        assert titles(search((settings, db), "量子纠缠")) == ["一种量子纠缠测温装置"]
        assert SearchService(settings, db).check().state == "ok"
        # Damage the index files: detected, rebuilt, same answers.
        folder = settings.indexes_dir / "keyword"
        for path in folder.iterdir():
            if path.suffix in (".idx", ".term", ".store"):
                # A new file in its place: searchers of this process still map the old one, and rewriting a
                # mapped file in place would crash the test process itself with SIGBUS.
                path.unlink()
                path.write_bytes(b"garbage")
        assert SearchService(settings, db).check().state in ("corrupt", "mismatch")
        response = search((settings, db), "量子纠缠")
        assert titles(response) == ["一种量子纠缠测温装置"]
        assert any("rebuilt" in note for note in response.notes)
        # An index from another store is not trusted either.
        other = Settings(home=tmp_path / "other", database_url=f"sqlite:///{tmp_path / 'other.db'}")
        other.ensure_home()
        other_db = open_database(other.resolved_database_url)
        (other.indexes_dir).mkdir(parents=True, exist_ok=True)
        import shutil

        shutil.copytree(folder, other.indexes_dir / "keyword")
        status = SearchService(other, other_db).check()
        assert status.state == "mismatch" and any("different store" in p for p in status.problems)
        assert search((other, other_db), "量子纠缠").total == 0
        other_db.dispose()
    finally:
        db.dispose()


def test_a_long_lived_service_finds_what_imports_add_to_queries_it_has_answered(tmp_path, database_url):
    # A web worker's service keeps the queries it compiled (SearchService._compiled): a query asked before an
    # import must still find what the import adds, by a word, by an applicant (looked up among the parties) and
    # together with a filter.
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    settings.ensure_home()
    db = open_database(database_url)
    try:
        service = SearchService(settings, db)
        hook = index_updater(settings, db, service)
        queries = ("量子纠缠", "AP=灵犀测试大学", "量子纠缠 AND PD>=2024", "TI=测温装置")
        first = ('{"publication_number":"CN999999980A","title":"一种红外测温装置","applicant":"青岚仪器有限公司",'
                 '"publication_date":"2023-05-06"}\n')
        (tmp_path / "first.jsonl").write_text(first, encoding="utf-8")
        run_import(db, [tmp_path / "first.jsonl"], on_finished=hook)
        assert [service.search(SearchRequest(q)).total for q in queries] == [0, 0, 0, 1]
        second = ('{"publication_number":"CN999999990A","title":"一种量子纠缠测温装置","applicant":"灵犀测试大学",'
                  '"publication_date":"2024-01-02"}\n')
        (tmp_path / "second.jsonl").write_text(second, encoding="utf-8")
        run_import(db, [tmp_path / "second.jsonl"], on_finished=hook)
        answers = [service.search(SearchRequest(q)) for q in queries]
        assert [response.total for response in answers] == [1, 1, 1, 2]
        assert titles(answers[1]) == ["一种量子纠缠测温装置"]
        assert answers[0].hits[0].highlights["title"] == "一种<mark>量子纠缠</mark>测温装置"
    finally:
        db.dispose()


def test_compiled_queries_are_cut_afresh_after_the_dictionary_changes(searchable):
    # A kept query holds its words as they were cut when it was compiled; a term added since (add_terms) may cut
    # the same text differently, so the service must not answer with the old compilation.
    settings, db = searchable
    service = SearchService(settings, db)
    service.search(SearchRequest("灵犀储能池"))
    service.search(SearchRequest("灵犀储能池"))
    assert len(service._compiled_queries) == 1
    add_terms(["灵犀储能池"])
    service.search(SearchRequest("灵犀储能池"))
    assert len(service._compiled_queries) == 2


def test_facets_are_exact_below_the_limit_and_sampled_estimates_above_it(searchable):
    settings, db = searchable
    service = SearchService(settings, db)
    exact = service.search(SearchRequest("", page_size=1))  # every patent, ~3,750: below the default limit
    assert not exact.facets_approximate and exact.as_dict()["facets_approximate"] is False
    assert not any("estimate" in note for note in exact.notes)
    # The same request over a "broad" result set: the limit lowered instead of indexing 50,000 patents.
    service.facet_exact_limit, service.facet_sample_target = 1000, 1500
    sampled = service.search(SearchRequest("", page_size=1))
    percent = -(-1500 * 100 // exact.total)
    assert sampled.facets_approximate and sampled.as_dict()["facets_approximate"] is True
    assert any(f"{percent}% sample" in note for note in sampled.notes)
    assert sampled.total == exact.total and [h.patent_id for h in sampled.hits] == [h.patent_id for h in exact.hits]
    fraction = percent / 100
    for name in ("doc_type", "ipc_section", "year", "country"):
        truth = {b["value"]: b["count"] for b in exact.facets[name]}
        estimate = {b["value"]: b["count"] for b in sampled.facets[name]}
        for value, count in truth.items():
            if count < 100:
                continue
            # Binomial sampling error of a scaled count: sd = sqrt(count·(1-f)/f); allow four of them.
            tolerance = 4 * (count * (1 - fraction) / fraction) ** 0.5
            assert abs(estimate.get(value, 0) - count) <= tolerance, (name, value, count, estimate.get(value))
    typed = sum(b["count"] for b in exact.facets["year"])
    assert typed > 200 and abs(sum(b["count"] for b in sampled.facets["year"]) - typed) <= 0.1 * typed


def test_a_query_matching_most_patents_is_counted_exactly_and_its_facets_sampled_in_the_same_pass(searchable):
    from lingxi.search.query import parse_query
    from lingxi.search.service import ONE_PASS_SHARE, hits_at_least

    settings, db = searchable
    service = SearchService(settings, db)
    service.facet_exact_limit, service.facet_sample_target = 1000, 1500  # "broad" at this collection's size
    searcher = service.keyword.ensure()[0].searcher()
    at_least = hits_at_least(searcher, parse_query("一种"))
    assert at_least > 1000 and ONE_PASS_SHARE * at_least >= searcher.num_docs  # the one-pass case: most say 一种
    counted = service.search(SearchRequest("一种", facets=False, page_size=5))
    sampled = service.search(SearchRequest("一种", page_size=5))
    assert sampled.total == counted.total >= at_least  # the count is the true number of hits, not an estimate
    assert [h.patent_id for h in sampled.hits] == [h.patent_id for h in counted.hits]
    percent = -(-1500 * 100 // at_least)
    assert sampled.facets_approximate and any(f"{percent}% sample" in note for note in sampled.notes)
    # The sampled counts estimate what narrowing the query by each value finds.
    fraction = percent / 100
    for name, query in (("doc_type", "一种 AND KIND={}"), ("ipc_section", "一种 AND IPC={}")):
        for bucket in sampled.facets[name][:3]:
            truth = service.search(SearchRequest(query.format(bucket["value"]), facets=False)).total
            tolerance = 4 * (truth * (1 - fraction) / fraction) ** 0.5 + 1
            assert abs(bucket["count"] - truth) <= tolerance, (name, bucket, truth)


def test_hits_at_least_never_exceeds_the_true_count(searchable):
    from lingxi.search.query import parse_query
    from lingxi.search.service import hits_at_least

    settings, db = searchable
    service = SearchService(settings, db)
    searcher = service.keyword.ensure()[0].searcher()
    for query in ("一种", "电池", "涂层", "一种 电池", "一种 AND 方法", "电池 OR 涂层", "TI=电池", "一种 NOT 电池",
                  "电池*", "复合涂层", "池隔", "battery", "一种 AND AD>=2018"):
        truth = service.search(SearchRequest(query, facets=False, highlight=False)).total
        assert 0 <= hits_at_least(searcher, parse_query(query)) <= truth, query
    assert hits_at_least(searcher, None) == searcher.num_docs
    assert hits_at_least(searcher, parse_query("一种 电池")) <= hits_at_least(searcher, parse_query("电池"))


def test_a_text_term_scores_the_sum_of_its_fields_and_an_or_the_sum_of_its_alternatives(searchable):
    """TX = TI ×3 + AB ×1.5 + CL (each: words OR character pairs), and an OR adds its matching alternatives: the
    compiler keeps such unions flat (for Tantivy's block-max WAND), which must not change a single score."""
    settings, db = searchable
    service = SearchService(settings, db)

    def scores(query: str) -> dict[int, float]:
        response = service.search(SearchRequest(query, page_size=200, facets=False, highlight=False))
        return {hit.patent_id: hit.score for hit in response.hits}

    everywhere = scores("TX=涂层")
    parts = [scores(f"{field}=涂层") for field in ("TI", "AB", "CL")]
    assert len(everywhere) >= 20
    for patent_id, score in list(everywhere.items())[:20]:
        assert score == pytest.approx(sum(part.get(patent_id, 0.0) for part in parts), rel=1e-4, abs=1e-4)
    either = scores("涂层 OR 电池")
    coating, battery = scores("涂层"), scores("电池")
    for patent_id, score in list(either.items())[:20]:
        assert score == pytest.approx(coating.get(patent_id, 0.0) + battery.get(patent_id, 0.0), rel=1e-4, abs=1e-4)


@pytest.mark.parametrize("query", ["一种 涂层", "涂层 一种", "TI=(一种 AND 涂层)", "一种 复合涂层 制备", "一种 AND 方法 AND 电池",
                                   "一种 NOT 涂层", "一种 涂层 AND AD>=2015", "一种 OR 涂层", "battery method", "一种 池隔"])
def test_an_and_of_a_rare_and_a_common_word_matches_and_scores_as_written(searchable, query, monkeypatch):
    """With the index's frequencies the compiler matches a very common word of an AND (一种) beside the AND's rarest
    word instead of walking all its postings; the hits, their order, their scores and the count stay the same."""
    from lingxi.search import compile as compile_module
    from lingxi.search.compile import QueryCompiler
    from lingxi.search.query import parse_query

    # This collection is small: let "far more common" mean any more common, so the rewrite happens here too
    monkeypatch.setattr(compile_module, "DRIVEN_RATIO", 0.05)
    settings, db = searchable
    index = SearchService(settings, db).keyword.ensure()[0]
    searcher = index.searcher()
    plain = QueryCompiler(index.schema).compile(parse_query(query))
    driven = QueryCompiler(index.schema, searcher=searcher).compile(parse_query(query))
    if query in ("一种 涂层", "涂层 一种", "TI=(一种 AND 涂层)", "一种 涂层 AND AD>=2015"):
        assert repr(driven).count("Const(score=0") > repr(plain).count("Const(score=0")  # the rewrite happened

    def ranked(compiled):
        return [(address.segment_ord, address.doc, round(score, 4))
                for score, address in searcher.search(compiled, 500, count=False).hits]

    def count(compiled):
        return searcher.aggregate(compiled, {"hits": {"value_count": {"field": "id"}}})["hits"]["value"]

    assert ranked(driven) == ranked(plain) and count(driven) == count(plain)


@pytest.mark.parametrize("query", ["一种", "涂层", "复合涂层", "电池", "池隔", "伞", "一种 涂层", "涂层 OR 电池 OR battery",
                                   "TI=涂层 NOT AB=电池", "TIAB=(复合涂层 AND 一种)", "battery", "涂层*", "一种 AND AD>=2015"])
def test_counting_query_matches_what_the_ranked_one_does(searchable, query):
    """Hits and facets are counted with a query built for matching only (a Chinese word by its character pairs
    alone): it must match exactly the documents the ranked query matches."""
    from lingxi.search.compile import QueryCompiler
    from lingxi.search.query import parse_query

    settings, db = searchable
    index = SearchService(settings, db).keyword.ensure()[0]
    searcher = index.searcher()
    compiler = QueryCompiler(index.schema, searcher=searcher)
    ranked, matching = compiler.compile(parse_query(query)), compiler.for_matching().compile(parse_query(query))

    def ids(compiled) -> set[int]:
        return {searcher.fast_field_values("id", [address])[0]
                for _, address in searcher.search(compiled, 10_000, count=False).hits}

    assert ids(matching) == ids(ranked)
    assert search(searchable, query, facets=False).total == len(ids(ranked))


@pytest.mark.parametrize("guess", ["as_computed", "too_high", "too_low", "few"])
def test_a_probably_broad_and_counts_its_sample_facets_in_the_counting_pass(searchable, guess, monkeypatch):
    """An AND of common words with no guaranteed lower bound: the sample's facets are counted in the counting pass,
    sized from a guess of its hits. Kept only if the count is sampled and the sample is at least as large as the
    count asks for; they are then exactly the facets a second pass over that sample counts. A wrong guess costs a
    second pass, never a different answer. Guessed few hits: the exact facets are counted in the counting pass."""
    from lingxi.search import service as service_module
    from lingxi.search.compile import QueryCompiler
    from lingxi.search.query import parse_query
    from lingxi.search.service import GUESS_SLACK, ONE_PASS_SHARE, hits_at_least, hits_guess

    settings, db = searchable
    service = SearchService(settings, db)
    index = service.keyword.ensure()[0]
    searcher = index.searcher()
    query = "一种 AND 方法"
    truth = service.search(SearchRequest(query, facets=False, page_size=5)).total
    at_least, guessed = hits_at_least(searcher, parse_query(query)), hits_guess(searcher, parse_query(query))
    # "broad" at this collection's size, and not certainly so (else the lower bound's one pass is taken)
    service.facet_exact_limit, service.facet_sample_target = at_least, at_least // 2
    assert at_least < truth and guessed is not None and GUESS_SLACK * guessed > service.facet_exact_limit
    assert not (at_least > service.facet_exact_limit and ONE_PASS_SHARE * at_least >= searcher.num_docs)
    if guess == "few":  # guessed well below the limit: exact facets in the counting pass
        service.facet_exact_limit = GUESS_SLACK * guessed
    elif guess == "too_high":  # a sample too small for the true count: counted again at the size it needs
        monkeypatch.setattr(service_module, "hits_guess", lambda searcher, node: 100 * searcher.num_docs)
    elif guess == "too_low":  # the guess says broad, the count says not: exact facets
        service.facet_exact_limit = truth
        assert GUESS_SLACK * guessed > truth
    second_passes = []
    facets = service._facets
    monkeypatch.setattr(service, "_facets", lambda *args, **kwargs: second_passes.append(args) or facets(*args, **kwargs))
    sampled = service.search(SearchRequest(query, page_size=5))
    assert sampled.total == truth  # always the exact count
    matching = QueryCompiler(index.schema, searcher=searcher).for_matching().compile(parse_query(query))
    if guess in ("too_low", "few"):
        assert not sampled.facets_approximate and len(second_passes) == (1 if guess == "too_low" else 0)
        assert sampled.facets == facets(searcher, matching, 20)
        return
    percent = int(re.search(r"(\d+)% sample", " ".join(sampled.notes)).group(1))
    assert sampled.facets_approximate and percent >= service._sample_percent(truth)
    assert len(second_passes) == (1 if guess == "too_high" else 0)
    if guess == "too_high":
        assert percent == service._sample_percent(truth)
    assert sampled.facets == facets(searcher, matching, 20, percent, index.schema)
