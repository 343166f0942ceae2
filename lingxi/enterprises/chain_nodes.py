"""Chain-node classification of demands with the deep-indexing classifier (lingxi.tagging), so a demand lands on
the same industry-chain node as the patents that answer it.

Every chain taxonomy (kind "chain", latest version) is tried; the most confident node wins, the deeper one on a tie
(a leaf says more than its branch, which inherits the leaf's confidence). The classifiers come from
lingxi.tagging.current, built once per taxonomy version and state of its reviews.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lingxi.db.models import TaxonomyNodeRow, TaxonomyVersion
from lingxi.errors import InvalidInput
from lingxi.tagging import store
from lingxi.tagging.classifier import Document
from lingxi.tagging.current import current_classifier
from lingxi.tagging.taxonomy import Taxonomy

_SESSION_CHAINS, _SESSION_NAMES = "lingxi.enterprises.chains", "lingxi.enterprises.node_names"


def chain_taxonomies(session: Session) -> list[TaxonomyVersion]:
    """Latest version of every chain taxonomy; looked up once per session (an import classifies many rows)."""
    cached = session.info.get(_SESSION_CHAINS)
    if cached is not None:
        return cached
    store.install_shipped(session)
    latest = (select(TaxonomyVersion.name, func.max(TaxonomyVersion.version).label("version"))
              .where(TaxonomyVersion.kind == "chain").group_by(TaxonomyVersion.name).subquery())
    rows = list(session.scalars(select(TaxonomyVersion).join(
        latest, (TaxonomyVersion.name == latest.c.name) & (TaxonomyVersion.version == latest.c.version))
        .order_by(TaxonomyVersion.name)))
    session.info[_SESSION_CHAINS] = rows
    return rows


def classify_demand(session: Session, title: str, description: str) -> dict | None:
    """{taxonomy, node, name_zh, confidence, evidence, evidence_text, alternatives} or None when nothing fits."""
    best = []
    for row in chain_taxonomies(session):
        classifier = current_classifier(session, row.name, row.version)
        taxonomy: Taxonomy = classifier.taxonomy
        for result in classifier.classify(Document(title=title, abstract=description or "")):
            level = len(taxonomy.ancestors(result.node_key))
            best.append((result.confidence, level, row.name, result))
    if not best:
        return None
    best.sort(key=lambda item: (-item[0], -item[1], item[2], item[3].node_key))
    confidence, _, name, result = best[0]
    return {"taxonomy": name, "node": result.node_key, "name_zh": result.name_zh,
            "confidence": round(confidence, 3), "evidence": result.evidence, "evidence_text": result.evidence_text,
            "alternatives": [{"taxonomy": n, "node": r.node_key, "name_zh": r.name_zh, "confidence": round(c, 3)}
                             for c, _, n, r in best[1:6]]}


def check_node(session: Session, taxonomy_name: str, node_key: str) -> None:
    """A chain node chosen by a person must exist in the latest version of that chain."""
    row = store.latest_version(session, taxonomy_name)
    if row is None or row.kind != "chain":
        raise InvalidInput(f"{taxonomy_name!r} is not an industry-chain taxonomy", field="chain_taxonomy")
    exists = session.scalar(select(TaxonomyNodeRow.id).where(TaxonomyNodeRow.taxonomy_id == row.id,
                                                             TaxonomyNodeRow.key == node_key))
    if not exists:
        raise InvalidInput(f"{node_key!r} is not a node of {taxonomy_name}", field="chain_node")


def node_names(session: Session) -> dict[tuple[str, str], tuple[str, str]]:
    """(taxonomy, node) → (Chinese name, English name) of every chain's latest version, for lists and pages."""
    if _SESSION_NAMES in session.info:
        return session.info[_SESSION_NAMES]
    names = {}
    for row in chain_taxonomies(session):
        for key, zh, en in session.execute(select(TaxonomyNodeRow.key, TaxonomyNodeRow.name_zh, TaxonomyNodeRow.name_en)
                                           .where(TaxonomyNodeRow.taxonomy_id == row.id)):
            names[(row.name, key)] = (zh, en or zh)
    session.info[_SESSION_NAMES] = names
    return names
