"""Search quality on the real data: Recall@10 / nDCG@10 / MRR for keyword, semantic and hybrid search side by side.

Corpus: the real Chinese (cn_patents_dev, 3,117 title+abstract) and English (USPTO XML + Public Search JSON, 229
with abstracts) patents of ../shared/data — see bench/quality_corpus.py. Queries: the 56 labelled queries of
bench/data/search_quality_queries.jsonl (how they were written: bench/data/README.md): 20 zh and 18 en lay
paraphrases of one target patent, 8 zh→en and 10 en→zh cross-lingual ones. One relevant document per query
(known-item search), so Recall@10 is the share of queries whose patent is in the first ten.

Modes, each over the whole corpus:
- keyword: Okapi BM25 over lingxi.text segmentation (bench/bm25.py) — a stand-in that tokenises exactly as
  lingxi.search's keyword index does, scored with the textbook formula on one title+abstract field;
- semantic: the default embedder (multilingual-e5-small), one index per language, merged `centered` (also `rank`,
  `raw`, and one mixed index, to show why);
- hybrid: reciprocal-rank fusion (k = 60) of the keyword and semantic top 100.

    .venv/bin/python bench/search_quality.py      # writes bench/results/search_quality.json
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bm25 import BM25, rrf
from quality_corpus import corpus, embed_corpus, load_queries, metrics, summarise

from lingxi.search.vectors import MultilingualVectorStore, VectorIndex
from lingxi.text import detect_language
from lingxi.text.embedding import USEEmbedder, default_embedder

RESULTS = Path(__file__).resolve().parent / "results" / "search_quality.json"
DEPTH = 100


def _language_aware_hybrid(store, docs, vector, keyword_hits, query_lang):
    per_lang = {key: index.search(vector, DEPTH) for key, index in store.indexes.items() if index.count}
    own = per_lang.get(query_lang, [])
    same_lang_keyword = [hit for hit in keyword_hits if docs[hit[0]].lang == query_lang]
    fused = rrf([same_lang_keyword, own], limit=DEPTH)
    # the fused order takes over the own-language list's cosines position by position, so the cross-language
    # merge still compares like with like
    cosines = [score for _, score in own] or [0.0]
    per_lang[query_lang] = [(doc, cosines[min(i, len(cosines) - 1)]) for i, (doc, _) in enumerate(fused)]
    keyed = []
    for hits in per_lang.values():
        base = sum(score for _, score in hits[:50]) / max(len(hits[:50]), 1)
        keyed.extend((score - base, doc) for doc, score in hits)
    keyed.sort(key=lambda item: -item[0])
    return [(doc, key) for key, doc in keyed[:DEPTH]]


def main() -> None:
    docs = corpus()
    queries = load_queries()
    keys = [d.key for d in docs]

    def evaluate(runs):
        return summarise([(q, metrics([keys[i] for i, _ in hits], q["relevant"])) for q, hits in zip(queries, runs)])

    start = time.perf_counter()
    bm25 = BM25([d.text for d in docs])
    keyword_runs = [bm25.search(q["query"], DEPTH) for q in queries]
    print(f"keyword index: {time.perf_counter() - start:.1f} s", file=sys.stderr)

    embedder = default_embedder()
    vectors, _ = embed_corpus(embedder, docs)
    qvecs = [embedder.embed_query(q["query"]) for q in queries]
    store = MultilingualVectorStore(embedder.dim, embedder.name, embedder.version)
    store.add(range(len(docs)), vectors, [detect_language(d.text) for d in docs])
    semantic = {merge: [store.search(v, DEPTH, merge=merge) for v in qvecs] for merge in ("centered", "rank", "raw")}
    mixed = VectorIndex(embedder.dim, embedder.name, embedder.version)
    mixed.add(range(len(docs)), vectors)
    mixed_runs = [mixed.search(v, DEPTH) for v in qvecs]

    # second model for the fused variant: USE multilingual (its corpus vectors are cached by embedding_models.py)
    use = USEEmbedder()
    use_vectors, _ = embed_corpus(use, docs)
    use_store = MultilingualVectorStore(use.dim, use.name, use.version)
    use_store.add(range(len(docs)), use_vectors, [detect_language(d.text) for d in docs])
    use_runs = [use_store.search(use.embed_query(q["query"]), DEPTH) for q in queries]
    fused_semantic = [rrf([a, b], limit=DEPTH) for a, b in zip(semantic["centered"], use_runs)]

    # language-aware hybrid: keyword hits fused (RRF) into the semantic list of the query's own language only,
    # then languages merged as the store does — a keyword index can only match the query's own language, and plain
    # RRF lets its same-language hits bury every cross-lingual result
    query_langs = ["zh" if detect_language(q["query"]) == "zh" else "en" for q in queries]
    lang_hybrid = [
        _language_aware_hybrid(store, docs, v, kw, lang) for v, kw, lang in zip(qvecs, keyword_runs, query_langs)
    ]

    modes = {
        "keyword": evaluate(keyword_runs),
        "semantic": evaluate(semantic["centered"]),
        "hybrid": evaluate([rrf([k, s], limit=DEPTH) for k, s in zip(keyword_runs, semantic["centered"])]),
    }
    variants = {
        "semantic merge=rank": evaluate(semantic["rank"]),
        "semantic merge=raw cosine": evaluate(semantic["raw"]),
        "semantic one mixed index": evaluate(mixed_runs),
        "semantic USE only": evaluate(use_runs),
        "semantic e5+USE (RRF)": evaluate(fused_semantic),
        "hybrid keyword+e5+USE (RRF)": evaluate(
            [rrf([k, a, b], limit=DEPTH) for k, a, b in zip(keyword_runs, semantic["centered"], use_runs)]
        ),
        "hybrid language-aware (RRF within the query language)": evaluate(lang_hybrid),
        "hybrid with merge=rank": evaluate([rrf([k, s], limit=DEPTH) for k, s in zip(keyword_runs, semantic["rank"])]),
    }
    report = {
        "data": {
            "documents": len(docs),
            "zh": sum(d.lang == "zh" for d in docs),
            "en": sum(d.lang == "en" for d in docs),
            "queries": len(queries),
            "relevant_per_query": 1,
        },
        "keyword_engine": "stand-in: Okapi BM25 (k1 1.2, b 0.75) over lingxi.text.segment_for_index / segment",
        "embedder": {"name": embedder.name, "version": embedder.version},
        "modes": modes,
        "variants": variants,
        "per_query": [
            {
                "id": q["id"],
                "kind": q["kind"],
                "query": q["query"],
                **{
                    mode: next((r + 1 for r, (i, _) in enumerate(run[qi]) if keys[i] in q["relevant"]), None)
                    for mode, run in (("keyword_rank", keyword_runs), ("semantic_rank", semantic["centered"]))
                },
            }
            for qi, q in enumerate(queries)
        ],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    for name, summary in {**modes, **variants}.items():
        row = "  ".join(f"{kind}: R@10 {s['recall@10']:.2f} nDCG {s['ndcg@10']:.2f}" for kind, s in summary.items())
        print(f"{name:28s} {row}")


if __name__ == "__main__":
    main()
