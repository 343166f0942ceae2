"""Demand → patents: the matching engine that the CLI, the API, the pages, push (H5) and the benchmarks call.

    engine = MatchEngine(settings, db)
    result = engine.match_text("想找一种能让锂电池在低温下也能正常充电的技术", top_k=10)
    for match in result.matches: match.patent_id, match.score, match.explanation["why"]

Two stages (docs/matching.md): bounded candidate lists from the search layer's keyword and vector indexes
(lingxi.matching.candidates), then features for those candidates only, read with set-based queries
(lingxi.matching.features), combined linearly with WEIGHTS, adjusted by feedback (lingxi.matching.feedback), and
explained for the shown matches (lingxi.matching.explain).

Relevance features that cannot apply to a pair — keyword and shared words between an English demand and a Chinese
patent — are left out of that pair's relevance average instead of counting as zero, so a cross-lingual match is
judged on its semantic features alone and competes on equal terms.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lingxi.accounts.principal import Principal
from lingxi.db import Database
from lingxi.matching import explain
from lingxi.matching.candidates import CANDIDATES, Candidates, retrieve, stored_vectors
from lingxi.matching.demands import DemandView
from lingxi.matching.features import (
    GRADE_SCORES,
    LICENCE_SCORES,
    PatentFactsRow,
    holder_preference,
    idf_weights,
    load_fit_facts,
    load_inventors,
    load_texts,
    maturity_fit,
    query_terms,
    read_annotations,
    region_fit,
    shared_terms,
    tagged_taxonomies,
    taxonomy_agreement,
)
from lingxi.search.service import SearchService
from lingxi.settings import Settings

# Relevance features (averaged over those that apply to a pair, then scaled to RELEVANCE_TOTAL) … `second_opinion`
# is USE multilingual's cosine (lingxi.matching.second_opinion): tuning set en MRR@10 0.66 → 0.80, paraphrases
# 0.81 → 0.84 (docs/matching.md).
RELEVANCE_WEIGHTS = {"semantic": 0.55, "semantic_view": 0.10, "keyword": 0.10, "concepts": 0.15, "effects": 0.05,
                     "second_opinion": 0.20, "translated_semantic": 0.0}
RELEVANCE_TOTAL = 0.95  # what the relevance features that apply to a pair add up to at best
# USE's own nearest patents per language added to the candidates (tuning set: lay English queries R@10 0.8 → 0.9,
# MRR 0.28 → 0.39; ~30 more candidates per match, ~10 % more time)
SECOND_OPINION_CANDIDATES = 50
# … and fit features, added when known (unknown = no contribution, and said so in the explanation).
FIT_WEIGHTS = {"taxonomy": 0.08, "maturity": 0.05, "value": 0.04, "holder": 0.04, "region": 0.03, "licence": 0.04}
WEIGHTS = {**RELEVANCE_WEIGHTS, **FIT_WEIGHTS}
# An English demand against a Chinese patent: e5's cross-lingual cosines separate relevant from irrelevant patents
# less well (docs/semantic-search.md), so the dictionary-translated keyword features weigh more (tuning set: en
# MRR@10 0.49 → 0.65 with zh groups unchanged, docs/matching.md).
# USE was trained on translation pairs: across languages its opinion weighs more (0.40; 0.3–0.5 all within 0.01).
# `translated_semantic` (English demands against Chinese patents only): e5 cosine of the demand's dictionary
# translation, z-scored over the candidates; 0.20 chosen by 5-fold CV on the tuning set (24 of 25 folds), en MRR@10
# 0.804 → 0.826 out of fold (docs/matching.md, round 3).
CROSS_LINGUAL_WEIGHTS = {"semantic": 0.30, "semantic_view": 0.10, "keyword": 0.25, "concepts": 0.25, "effects": 0.05,
                         "second_opinion": 0.40, "translated_semantic": 0.20}


@dataclass
class PatentMatch:
    patent_id: int
    key: str
    external_id: str | None
    title: str
    score: float
    publication_number: str | None = None
    holders: list[dict] = field(default_factory=list)
    inventors: list[str] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)
    explanation: dict = field(default_factory=dict)
    rank: int = 0
    language: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "patent_id": self.patent_id, "key": self.key, "external_id": self.external_id,
                "publication_number": self.publication_number, "title": self.title, "score": round(self.score, 4),
                "language": self.language, "holders": self.holders, "inventors": self.inventors,
                "features": self.features, "explanation": self.explanation}


@dataclass
class MatchResult:
    query: str
    matches: list[PatentMatch]
    took_ms: float = 0.0
    notes: list[str] = field(default_factory=list)
    demand: dict | None = None
    query_hash: str | None = None
    candidates: int = 0
    filters: dict = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"query": self.query, "demand": self.demand, "query_hash": self.query_hash, "filters": self.filters,
                "candidates": self.candidates, "took_ms": self.took_ms, "notes": self.notes,
                "weights": WEIGHTS, "cross_lingual_weights": CROSS_LINGUAL_WEIGHTS, "matches": [match.as_dict() for match in self.matches]}


class MatchEngine:
    """Cheap to create and to call many times: indexes and the e5 model are loaded once per process by the search
    layer; taxonomy classifiers are cached (lingxi.tagging.current) until their taxonomy or its reviews change."""

    def __init__(self, settings: Settings, db: Database, search: SearchService | None = None,
                 weights: dict[str, float] | None = None, views: bool = False, candidates: int = CANDIDATES,
                 cross_weights: dict[str, float] | None = None, prf: float = 0.0, translated_view: bool = False,
                 second_opinion: bool = True, second_opinion_depth: int = SECOND_OPINION_CANDIDATES):
        self.settings = settings
        self.db = db
        self.search = search or SearchService(settings, db)
        self.weights = {**WEIGHTS, **(weights or {})}
        self.cross_weights = {**CROSS_LINGUAL_WEIGHTS, **(cross_weights or {})}
        self.prf = prf
        self.translated_view = translated_view
        self.views = views
        self.candidates = candidates
        self.second_opinion = second_opinion  # USE vectors as a second semantic opinion (when they are built)
        self.second_opinion_depth = second_opinion_depth  # USE's own nearest patents added as candidates

    # --- public ---------------------------------------------------------------------------------------------------

    def match_text(self, text: str, top_k: int = 10, holder_types: list[str] | None = None, region: str | None = None,
                   actor: Principal | None = None, demand: DemandView | None = None, session=None,
                   explain_matches: bool = True) -> MatchResult:
        """Rank patents for a demand text. `holder_types` and `region` filter; a demand adds its taxonomy node, wanted
        maturity and home region (a preference); an actor's and the demand's feedback adjust the ranking."""
        from lingxi.errors import InvalidInput
        from lingxi.matching.feedback import query_hash

        started = time.perf_counter()
        if not text or not text.strip():
            raise InvalidInput("a demand text is needed to match", field="text")
        if not 1 <= top_k <= 200:
            raise InvalidInput("top_k must be between 1 and 200", field="top_k")
        holder_types = [value.strip() for value in holder_types or [] if value and value.strip()] or None
        found = retrieve(self.search, text, holder_types, region, self.candidates, self.views, prf=self.prf,
                         translated_view=self.translated_view)
        if not holder_types and not region:  # filtered lists stay those of the filtered indexes
            self._second_opinion_candidates(found)
        text_hash = None if demand is not None else query_hash(text)
        with self._session(session) as session:
            ranked = self._rank(session, found, demand, actor, text_hash, region_preference=region or (
                demand.region if demand is not None else None), keep=top_k)
            shown = _one_per_application(ranked)[:top_k]
            _complete(session, shown)
            if explain_matches:
                self._explain(session, found, shown, demand)
        result = MatchResult(query=text, matches=[match for match, _ in shown], notes=found.notes,
                             demand=demand.as_dict() if demand is not None else None, query_hash=text_hash,
                             candidates=len(found.ids), filters={"holder_types": holder_types, "region": region})
        result.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return result

    def match_demand(self, session, actor: Principal, demand_id: int, top_k: int = 10,
                     holder_types: list[str] | None = None, region: str | None = None) -> MatchResult:
        from lingxi.matching.demands import load_demand

        demand = load_demand(session, actor, demand_id)
        return self.match_text(demand.text, top_k, holder_types, region, actor=actor, demand=demand, session=session)

    def score_patents_against_text(self, text: str, patent_ids: list[int] | set[int]) -> dict[int, float]:
        """Relevance (the ranking score without feedback) of the given patents to a text — for push: how well does
        each new patent fit a subscription's demand or keywords. Patents not found score 0."""
        ids = {int(p) for p in patent_ids}
        if not ids or not text or not text.strip():
            return {p: 0.0 for p in ids}
        # the normal candidate lists (so relevance is relative to the corpus' best answers, as in a ranking) plus
        # the given patents: a score means the same whether one patent or a thousand are scored
        found = retrieve(self.search, text, None, None, self.candidates, False, extra=ids,
                         translated_view=self.translated_view)
        with self.db.sessions() as session:
            ranked = self._rank(session, found, None, None, None, None)
        scores = {p: 0.0 for p in ids}
        scores.update({match.patent_id: round(match.score, 4) for match, _ in ranked if match.patent_id in ids})
        return scores

    # --- ranking --------------------------------------------------------------------------------------------------

    def _session(self, session):
        from contextlib import nullcontext

        return nullcontext(session) if session is not None else self.db.sessions()

    def _rank(self, session, found: Candidates, demand: DemandView | None, actor: Principal | None,
              text_hash: str | None, region_preference: str | None, keep: int | None = None
              ) -> list[tuple[PatentMatch, dict]]:
        """Every candidate ranked, or with `keep`, those that can still reach the first `keep` applications: the
        relevance features are computed for all, and the fit features' facts (holders, IPC, tags, annotations,
        offers, grades: five of the six reads) only for candidates whose best possible score reaches the
        `keep`-th application's worst (`_reachable`); the first `keep` are the same either way."""
        ids = found.ids
        if not ids:
            return []
        demand_nodes = self._demand_nodes(session, found.query, demand, tagged_taxonomies(session, ids))
        found.demand_nodes = demand_nodes
        demand_effects = self._demand_effects(found.query, found.language)
        found.demand_effects = demand_effects
        wanted_trl = (demand.trl_min, demand.trl_max) if demand is not None else (None, None)
        wants_trl = wanted_trl != (None, None)
        facts = load_texts(session, ids)
        feedback_change, feedback_why = self._feedback(session, found, demand, actor, text_hash)
        relevance = self._relevance(found, facts, bool(demand_effects))
        # the largest value each fit feature can take here (None: it cannot apply)
        fits = {"taxonomy": max((c for nodes in demand_nodes.values() for c in nodes.values()), default=None),
                "maturity": 1.0 if wants_trl else None, "value": 1.0, "holder": 1.0,
                "region": 1.0 if region_preference else None, "licence": 1.0}
        if keep is not None:
            facts = {p: facts[p] for p in self._reachable(relevance, facts, fits, feedback_change, keep)}
        load_fit_facts(session, facts, tag_nodes=demand_nodes, inventors=False,
                       annotations=("pme",) * bool(demand_effects) + ("trl",) * wants_trl)

        ranked = []
        for patent_id, (language, cross, values, shared) in relevance.items():
            row = facts.get(patent_id)
            if row is None:
                continue  # deleted since indexing, or out of reach
            if demand_effects:
                values["effects"] = len(set(row.effect_terms) & set(demand_effects)) / len(demand_effects)
            taxonomy_score, shared_nodes = taxonomy_agreement(demand_nodes, row.tags, self._depth)
            holder_score, holder_kind = holder_preference(row.holders)
            values.update({
                "taxonomy": taxonomy_score,
                "maturity": maturity_fit(row.trl, *wanted_trl),
                "value": GRADE_SCORES.get(row.value_grade) if row.value_grade else None,
                "holder": holder_score if row.holders else None,
                "region": region_fit(row.holders, region_preference),
                "licence": LICENCE_SCORES.get(row.licence) if row.licence else None,
            })
            contributions = self._combine(values, cross=cross)
            change = feedback_change.get(patent_id, 0.0)
            if change:
                contributions["feedback"] = change
            score = sum(contributions.values())
            match = PatentMatch(patent_id=patent_id, key=row.key, external_id=row.external_id, title=row.title,
                                score=score, publication_number=row.publication_number,
                                holders=[holder.as_dict() for holder in row.holders],
                                features={name: (None if value is None else round(float(value), 4))
                                          for name, value in values.items()},
                                language=language)
            ranked.append((match, {"row": row, "shared": shared, "nodes": shared_nodes, "holder": holder_kind,
                                   "contributions": contributions, "feedback": feedback_why.get(patent_id, [])}))
        ranked.sort(key=lambda item: (-item[0].score, item[0].patent_id))
        for rank, (match, _) in enumerate(ranked, 1):
            match.rank = rank
        return ranked

    def _relevance(self, found: Candidates, facts: dict[int, PatentFactsRow], effects: bool
                   ) -> dict[int, tuple[str, bool, dict[str, float | None], list[str]]]:
        """Candidate → (its language, whether it is in another language than the demand, its relevance features,
        the demand words it shares), in the candidates' order: all that the patent rows and the candidate lists
        tell. `effects` (the demand names effects) needs the patent's effect terms: 0 until they are read."""
        words = query_terms(found.query)
        weights = idf_weights(self.search, words)
        found.words, found.idf = words, weights
        best_keyword = max(found.keyword.values(), default=0.0) or 1.0
        best_translated = max(found.translated_keyword.values(), default=0.0) or 1.0
        translated_weights = self._translated_weights(found)
        semantic_rel = _relative(found.semantic, found.language_of, found.baselines)
        translated_std = self._translated_semantic(found)
        translated_rel = {}  # the old translated view (off): the translation's cosine as a second `semantic`
        if self.translated_view and found.translated_cosines:
            translated_rel = _relative(found.translated_cosines, {p: "zh" for p in found.translated_cosines},
                                       {"zh": found.translated_baseline})
        view_rel = _relative(found.view_cosines, found.language_of, None) if found.view_cosines else {}
        second_rel = self._second_opinion(found)
        out = {}
        for patent_id in found.ids:
            row = facts.get(patent_id)
            if row is None:
                continue
            language = found.language_of.get(patent_id) or _language(row)
            same_language = language == found.language or found.language == "other"
            keyword_value = (found.keyword.get(patent_id, 0.0) / best_keyword) if same_language else None
            shared, concept_share = shared_terms(words, weights, row.folded, True) if same_language else ([], None)
            if not same_language and language == "zh" and found.translations:
                # an English demand against a Chinese patent: its words through the dictionary (matching.translate)
                keyword_value = found.translated_keyword.get(patent_id, 0.0) / best_translated
                shared, concept_share = _translated_shared(found.translations, translated_weights, row.folded)
                found.idf.update({item: translated_weights.get(item.split("→", 1)[0], 1.0) for item in shared})
            semantic_value = semantic_rel.get(patent_id)
            if not same_language and patent_id in translated_rel and semantic_value is not None:
                semantic_value = max(semantic_value, translated_rel[patent_id])  # two views, one feature
            out[patent_id] = (language, not same_language, {
                "semantic": semantic_value,
                "semantic_view": view_rel.get(patent_id),
                "keyword": keyword_value,
                "concepts": concept_share if (words and concept_share is not None) else None,
                "effects": 0.0 if effects else None,
                "second_opinion": second_rel.get(patent_id),
                "translated_semantic": translated_std.get(patent_id) if not same_language else None,
            }, shared)
        return out

    def _reachable(self, relevance: dict, facts: dict[int, PatentFactsRow], fits: dict[str, float | None],
                   feedback_change: dict[int, float], keep: int) -> list[int]:
        """The candidates whose best possible score reaches the worst possible score of the `keep`-th best
        application: no other can be among the first `keep` applications (_one_per_application). Bounds: every
        fit feature adds between 0 and its weight × its largest value (`fits`, None = cannot apply), and
        `effects` (read with the fit facts) is between 0 and 1."""
        weights = [*self.weights.values(), *self.cross_weights.values()]
        if min(weights) < 0:
            return list(relevance)  # a negative weight (tuning) turns the bounds around: keep everyone
        fit_most = sum(self.weights[name] * value for name, value in fits.items() if value is not None)
        bounds = {}
        for patent_id, (_, cross, values, _) in relevance.items():
            high = {**values, "effects": 1.0} if values["effects"] is not None else values
            change = feedback_change.get(patent_id, 0.0)
            bounds[patent_id] = (sum(self._combine(values, cross).values()) + change,
                                 sum(self._combine(high, cross).values()) + change + fit_most)
        best_low: dict[str, float] = {}
        for patent_id, (low, _) in bounds.items():
            application = facts[patent_id].application or f"#{patent_id}"
            best_low[application] = max(best_low.get(application, low), low)
        if len(best_low) <= keep:
            return list(relevance)
        floor = sorted(best_low.values(), reverse=True)[keep - 1] - 1e-9  # summation order may differ
        return [patent_id for patent_id, (_, high) in bounds.items() if high >= floor]

    def _second_opinion_candidates(self, found: Candidates) -> None:
        """USE's own nearest patents join the candidates (bounded like the other lists), with their e5 cosines read
        from the stored e5 vectors, so a patent only USE finds close still gets every feature."""
        if self.second_opinion_depth <= 0 or not self.second_opinion or found.vector is None:
            return
        from lingxi.matching.candidates import stored_vectors
        from lingxi.matching.second_opinion import nearest, query_vector, second_opinion

        manager = second_opinion(self.settings.indexes_dir, self.db)
        found.second_vector, note = query_vector(manager, found.query)
        if found.second_vector is None:
            if note and note not in found.notes:
                found.notes.append(note)
            return
        known = set(found.ids)
        new = [p for p in nearest(manager, found.second_vector, self.second_opinion_depth) if p not in known]
        for patent_id, (stored, lang) in stored_vectors(self.search.vectors, new).items():
            found.vectors[patent_id] = stored
            found.language_of[patent_id] = lang
            found.semantic[patent_id] = float(stored @ found.vector)

    def _second_opinion(self, found: Candidates) -> dict[int, float]:
        """USE's cosines for the candidates with a stored USE vector, made relative as e5's are (minus the mean of
        the candidates' best 50 in each language, over the best margin): the demand is embedded once (~ms)."""
        if not self.second_opinion or not found.ids:
            return {}
        from lingxi.matching.second_opinion import cosines, second_opinion

        scores, languages, note = cosines(second_opinion(self.settings.indexes_dir, self.db), found.query, found.ids,
                                          found.second_vector)
        if note and note not in found.notes:
            found.notes.append(note)
        if not scores:
            return {}
        return _relative(scores, {p: found.language_of.get(p, languages[p]) for p in scores}, None)

    @staticmethod
    def _translated_semantic(found: Candidates) -> dict[int, float]:
        """An English demand's dictionary translation (embedded as a Chinese query by retrieve) against each Chinese
        candidate: its e5 cosine standardised over the candidates (z-score, clipped to ±4). A z-score rather than
        `_relative`: on the tuning set (5-fold CV) z-scored it lifted English demands, `_relative` did not."""
        if found.translated_vector is None:
            return {}
        # candidates added after retrieve (USE's nearest, push's given patents) get their cosine here
        for patent_id, stored in found.vectors.items():
            if patent_id not in found.translated_cosines and found.language_of.get(patent_id) == "zh":
                found.translated_cosines[patent_id] = float(stored @ found.translated_vector)
        cosines = found.translated_cosines
        if len(cosines) < 2:
            return {}
        values = np.fromiter(cosines.values(), dtype=np.float64, count=len(cosines))
        spread = float(values.std()) or 1.0
        mean = float(values.mean())
        return {p: float(np.clip((s - mean) / spread, -4.0, 4.0)) for p, s in cosines.items()}

    def _translated_weights(self, found: Candidates) -> dict[str, float]:
        """IDF of each translated English term: that of its most specific (rarest) translation the corpus holds."""
        if not found.translations:
            return {}
        words = [word for _, translations in found.translations for word in translations]
        idf = idf_weights(self.search, words)
        return {term: max((idf.get(word, 1.0) for word in translations), default=1.0)
                for term, translations in found.translations}

    def _combine(self, values: dict[str, float | None], cross: bool = False) -> dict[str, float]:
        """Contributions: relevance features share their total weight among those that apply; fit features add."""
        weights = self.cross_weights if cross else self.weights
        relevance = {name: value for name, value in values.items() if name in RELEVANCE_WEIGHTS and value is not None}
        total = RELEVANCE_TOTAL
        applied = sum(weights[name] for name in relevance) or 1.0
        contributions = {name: weights[name] * value * total / applied for name, value in relevance.items()}
        for name in FIT_WEIGHTS:
            value = values.get(name)
            if value is not None:
                contributions[name] = self.weights[name] * value
        return contributions

    # --- demand-side analysis ---------------------------------------------------------------------------------------

    def _demand_nodes(self, session, text: str, demand: DemandView | None,
                      names: dict[str, int]) -> dict[str, dict[str, float]]:
        """The demand's taxonomy nodes with confidence: its own chain node (set or confirmed by a person) at 1.0,
        and the classifier's nodes in the taxonomies most of the candidates are tagged with (`names`: taxonomy →
        candidates tagged in it)."""
        from lingxi.tagging.classifier import text_document
        from lingxi.tagging.current import current_classifier, current_classifiers

        nodes: dict[str, dict[str, float]] = {}
        self._taxonomies = {}
        document = text_document(text)
        chosen = sorted(names, key=lambda n: -names[n])[:6]
        for name, classifier in current_classifiers(session, chosen, use_ipc=False).items():
            if classifier is None:
                continue
            self._taxonomies[name] = classifier.taxonomy
            found = {result.node_key: float(result.confidence) for result in classifier.classify(document)}
            if found:
                nodes[name] = found
        if demand is not None and demand.chain_taxonomy and demand.chain_node:
            own = nodes.setdefault(demand.chain_taxonomy, {})
            own[demand.chain_node] = 1.0
            classifier = current_classifier(session, demand.chain_taxonomy, use_ipc=False)
            if classifier is not None:
                self._taxonomies[demand.chain_taxonomy] = classifier.taxonomy
                if demand.chain_node in classifier.taxonomy.by_key:
                    for ancestor in classifier.taxonomy.ancestors(demand.chain_node):
                        own[ancestor] = max(own.get(ancestor, 0.0), 1.0)
        return nodes

    def _depth(self, taxonomy_name: str, node: str) -> tuple[int, int]:
        taxonomy = getattr(self, "_taxonomies", {}).get(taxonomy_name)
        if taxonomy is None or node not in taxonomy.by_key:
            return 1, 1
        depths = getattr(self, "_max_depths", {})
        if taxonomy_name not in depths:
            depths[taxonomy_name] = max((len(taxonomy.ancestors(n.key)) + 1 for n in taxonomy.nodes), default=1)
            self._max_depths = depths
        return len(taxonomy.ancestors(node)) + 1, depths[taxonomy_name]

    @staticmethod
    def _demand_effects(text: str, language: str) -> list[str]:
        from lingxi.tagging.effects import load_effect_vocabulary

        vocabulary = load_effect_vocabulary()
        lang = "zh" if language == "zh" else "en"
        found = [m.term.id for m in vocabulary.match(text, lang)]
        found += [m.term.id for m in vocabulary.match(text, lang, problem=True)]
        return list(dict.fromkeys(found))

    # --- feedback ----------------------------------------------------------------------------------------------------

    def _feedback(self, session, found: Candidates, demand: DemandView | None, actor: Principal | None,
                  text_hash: str | None) -> tuple[dict[int, float], dict[int, list[dict]]]:
        from lingxi.matching.feedback import adjustments, verdicts_for

        organisation_id = demand.organisation_id if demand is not None else (actor.organisation_id if actor else None)
        if demand is None and text_hash is None:
            return {}, {}
        verdicts = verdicts_for(session, demand.id if demand is not None else None, text_hash, organisation_id)
        if not verdicts:
            return {}, {}
        judged_ids = {verdict.patent_id for verdict in verdicts}
        judged_vectors = {p: found.vectors[p] for p in judged_ids if p in found.vectors}
        missing = judged_ids - set(judged_vectors)
        if missing:
            try:
                judged_vectors.update({p: v for p, (v, _) in stored_vectors(self.search.vectors, missing).items()})
            except Exception:  # noqa: BLE001 - no vectors: only the judged patents themselves move
                pass
        return adjustments(verdicts, found.ids, found.vectors, judged_vectors)

    # --- explanations ------------------------------------------------------------------------------------------------

    def _explain(self, session, found: Candidates, shown: list[tuple[PatentMatch, dict]],
                 demand: DemandView | None) -> None:
        from lingxi.tagging.effects import load_effect_vocabulary
        from lingxi.tagging.ipc import first_match

        vocabulary = load_effect_vocabulary()
        weights, demand_effects, demand_nodes = found.idf, found.demand_effects, found.demand_nodes
        taxonomies = getattr(self, "_taxonomies", {})
        for match, context in shown:
            row: PatentFactsRow = context["row"]
            effect_ids = row.effect_terms
            if not effect_ids and demand_effects:  # not annotated yet: read the effects off the abstract now
                effect_ids = [m.term.id for m in vocabulary.match(row.text, "zh" if match.language == "zh" else "en")]
            shared_effects = [term for term in demand_effects if term in effect_ids]
            effect_phrases = []
            if shared_effects:
                for m in vocabulary.match(row.abstract, "zh" if match.language == "zh" else "en"):
                    if m.term.id in shared_effects:
                        effect_phrases.append(m.phrase)
            shared = sorted(context["shared"], key=lambda w: -weights.get(w, 1.0))
            # a translated concept "insoles→鞋垫" is found and highlighted by its Chinese word
            passage_words = [word.split("→", 1)[-1] for word in shared]
            passage_weights = {word.split("→", 1)[-1]: weights.get(word, 1.0) for word in shared}
            nodes = []
            for item in context["nodes"]:
                taxonomy = taxonomies.get(item["taxonomy"])
                node = taxonomy.by_key.get(item["node"]) if taxonomy is not None else None
                nodes.append({**item, "name_zh": node.name_zh if node else item["node"],
                              "name_en": (node.name_en or node.name_zh) if node else item["node"]})
            ipc_overlap = []
            for name, node_scores in demand_nodes.items():
                taxonomy = taxonomies.get(name)
                if taxonomy is None:
                    continue
                for key in node_scores:
                    node = taxonomy.by_key.get(key)
                    if node is None or not node.ipc_patterns:
                        continue
                    for code in row.ipc:
                        if first_match(code, node.ipc_patterns, node.ipc_exclusions) and code not in ipc_overlap:
                            ipc_overlap.append(code)
            contributions = context["contributions"]
            items = explain.reasons(contributions, match.features, match.rank)
            unknown = [name for name, value in match.features.items() if value is None and name in FIT_WEIGHTS]
            match.explanation = {
                "shared_concepts": [{"term": word, "weight": round(weights.get(word, 1.0), 2)} for word in shared[:12]],
                "shared_effects": [{"id": term, "zh": vocabulary[term].zh, "en": vocabulary[term].en}
                                   for term in shared_effects],
                "passages": explain.best_passages(row.title, row.abstract, passage_words,
                                                  {**weights, **passage_weights}, effect_phrases),
                "taxonomy": nodes,
                "ipc": row.ipc[:8],
                "ipc_overlap": ipc_overlap[:8],
                "holder_type": context["holder"],
                "maturity": {"trl": row.trl, "wanted_min": demand.trl_min if demand else None,
                             "wanted_max": demand.trl_max if demand else None},
                "value_grade": row.value_grade,
                "licence": explain.licence_text(row.licence),
                "feedback": context["feedback"],
                "contributions": items,
                "why": explain.why_this_rank(match.rank, items, unknown),
            }


def _complete(session, shown: list[tuple[PatentMatch, dict]]) -> None:
    """What the ranking did not need but a shown match tells: its inventors, TRL and effects."""
    inventors = load_inventors(session, [match.patent_id for match, _ in shown])
    for match, _ in shown:
        match.inventors = inventors.get(match.patent_id, [])[:10]
    read_annotations(session, {match.patent_id: context["row"] for match, context in shown})


def _one_per_application(ranked: list[tuple[PatentMatch, dict]]) -> list[tuple[PatentMatch, dict]]:
    """An application's publications (its A and its B) are one invention to the reader: keep the best-ranked one,
    renumbered, so ten matches are ten inventions."""
    seen: set[str] = set()
    kept = []
    for match, details in ranked:
        application = details["row"].application
        if application is not None:
            if application in seen:
                continue
            seen.add(application)
        match.rank = len(kept) + 1
        kept.append((match, details))
    return kept


def _relative(cosines: dict[int, float], language_of: dict[int, str], baselines: dict[str, float] | None
              ) -> dict[int, float]:
    """Cosines as 0…1-ish relevance comparable across languages: each minus its language's baseline (the mean of
    that language's best 50), divided by the best such margin over all candidates; clipped to [−1, 1]."""
    if not cosines:
        return {}
    if baselines is None:
        baselines = {}
        by_language: dict[str, list[float]] = {}
        for patent_id, score in cosines.items():
            by_language.setdefault(language_of.get(patent_id, "other"), []).append(score)
        for lang, scores in by_language.items():
            baselines[lang] = float(np.mean(sorted(scores, reverse=True)[:50]))
    margins = {p: s - baselines.get(language_of.get(p, "other"), 0.0) for p, s in cosines.items()}
    best = max(margins.values())
    if best <= 1e-6:
        return {p: 0.0 for p in margins}
    return {p: float(max(-1.0, min(1.0, m / best))) for p, m in margins.items()}


def _translated_shared(translations: list[tuple[str, tuple[str, ...]]], weights: dict[str, float], text: str
                       ) -> tuple[list[str], float]:
    """English terms whose translation the (folded) Chinese text holds ("insole→鞋垫") and their IDF-weighted share."""
    haystack = text
    total = sum(weights.get(term, 1.0) for term, _ in translations) or 1.0
    shared, found = [], 0.0
    for term, words in translations:
        present = [word for word in words if word in haystack]
        if present:
            shared.append(f"{term}→{present[0]}")
            found += weights.get(term, 1.0)
    return shared, found / total


def _language(row: PatentFactsRow) -> str:
    from lingxi.text.segment import detect_language

    if row.language in ("zh", "en"):
        return row.language
    lang = detect_language(row.text)
    return lang if lang in ("zh", "en") else "other"
