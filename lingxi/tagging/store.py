"""Taxonomy versions in the database, the shipped taxonomies, and the training data reviews produce."""

from __future__ import annotations

from importlib import resources

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from lingxi.db import in_batches
from lingxi.db.models import Patent, PatentClassification, PatentTag, TaxonomyNodeRow, TaxonomyVersion
from lingxi.tagging.model import Example, TokenWeightModel, train
from lingxi.tagging.taxonomy import Taxonomy, from_yaml
from lingxi.text.segment import segment

SHIPPED = ("sei_2018", "wipo_35", "chain_pv", "chain_h2", "chain_ev")
BACKGROUND_SIZE = 2000  # the first patents by id: a stable sample, so the model version only moves with reviews
REVIEWED = ("accepted", "corrected", "rejected")


def shipped_yaml(name: str) -> str:
    return resources.files("lingxi.tagging").joinpath(f"data/{name}.yaml").read_text(encoding="utf-8")


def save_taxonomy(session: Session, yaml_text: str, created_by: str = "system") -> tuple[TaxonomyVersion, bool]:
    """Store a taxonomy from YAML as the next version of its name; identical content returns the latest version.

    Returns (version row, created?). Raises TaxonomyError (naming node and field) for invalid YAML."""
    taxonomy = from_yaml(yaml_text)
    digest = taxonomy.content_hash()
    latest = latest_version(session, taxonomy.name)
    if latest is not None and latest.content_hash == digest:
        return latest, False
    row = TaxonomyVersion(name=taxonomy.name, version=(latest.version + 1) if latest else 1, kind=taxonomy.kind,
                          title_zh=taxonomy.title_zh, title_en=taxonomy.title_en, yaml_text=yaml_text,
                          content_hash=digest, created_by=created_by)
    session.add(row)
    session.flush()
    session.execute(insert(TaxonomyNodeRow), [
        {"taxonomy_id": row.id, "key": node.key, "parent_key": node.parent, "level": node.level,
         "name_zh": node.name_zh, "name_en": node.name_en, "stream": taxonomy.effective_stream(node.key),
         "definition": {"ipc_patterns": node.ipc_patterns, "ipc_exclusions": node.ipc_exclusions,
                        "keywords_zh": node.keywords_zh, "keywords_en": node.keywords_en,
                        "examples": node.examples}}
        for node in taxonomy.nodes
    ])
    return row, True


def latest_version(session: Session, name: str) -> TaxonomyVersion | None:
    return session.scalars(select(TaxonomyVersion).where(TaxonomyVersion.name == name)
                           .order_by(TaxonomyVersion.version.desc()).limit(1)).first()


def get_version(session: Session, name: str, version: int | None = None) -> TaxonomyVersion | None:
    if version is None:
        return latest_version(session, name)
    return session.scalars(select(TaxonomyVersion).where(TaxonomyVersion.name == name,
                                                         TaxonomyVersion.version == version)).first()


def load_taxonomy(session: Session, name: str, version: int | None = None) -> Taxonomy | None:
    row = get_version(session, name, version)
    if row is None:
        return None
    taxonomy = from_yaml(row.yaml_text, name)
    taxonomy.version = row.version
    return taxonomy


def list_versions(session: Session) -> list[TaxonomyVersion]:
    """The latest version of every taxonomy, by name."""
    latest = (select(TaxonomyVersion.name, func.max(TaxonomyVersion.version).label("v"))
              .group_by(TaxonomyVersion.name).subquery())
    return list(session.scalars(select(TaxonomyVersion).join(
        latest, (TaxonomyVersion.name == latest.c.name) & (TaxonomyVersion.version == latest.c.v))
        .order_by(TaxonomyVersion.name)))


def install_shipped(session: Session) -> list[str]:
    """Install the taxonomies that ship with Lingxi when their name is not in the database yet (first use)."""
    installed = []
    for name in SHIPPED:
        if latest_version(session, name) is None:
            save_taxonomy(session, shipped_yaml(name), created_by="system")
            installed.append(name)
    return installed


# ---------------------------------------------------------------------------------------------- training data

def patent_text(title: str | None, abstract: str | None, first_claim: str | None) -> str:
    return "\n".join(part for part in (title, abstract, first_claim) if part)


def human_examples(session: Session, taxonomy_name: str) -> list[Example]:
    """Reviewed tags of a taxonomy as training examples, one per patent: accepted/corrected nodes are positives,
    rejected ones negatives. Tags of older taxonomy versions count too: a reviewer's judgement outlives an edit."""
    rows = session.execute(
        select(PatentTag.patent_id, PatentTag.node_key, PatentTag.status, Patent.title, Patent.abstract,
               Patent.first_claim)
        .join(Patent, Patent.id == PatentTag.patent_id)
        .where(PatentTag.taxonomy_name == taxonomy_name, PatentTag.status.in_(REVIEWED))
        .order_by(PatentTag.patent_id, PatentTag.id)
    ).all()
    by_patent: dict[int, dict] = {}
    for patent_id, node_key, status, title, abstract, first_claim in rows:
        entry = by_patent.setdefault(patent_id, {"text": patent_text(title, abstract, first_claim), "pos": set(),
                                                 "neg": set()})
        (entry["neg"] if status == "rejected" else entry["pos"]).add(node_key)
    from lingxi.tagging.model import HUMAN_WEIGHT

    # the patent's title, body and IPC codes let training see which rules fired on it (model.rule_reliability)
    texts = {patent_id: (title or "", "\n".join(p for p in (abstract, first_claim) if p))
             for patent_id, _, _, title, abstract, first_claim in rows}
    codes: dict[int, list[str]] = {}
    ids = list(by_patent)
    for part in in_batches(ids, 1000):
        for patent_id, code in session.execute(
                select(PatentClassification.patent_id, PatentClassification.code)
                .where(PatentClassification.patent_id.in_(part),
                       PatentClassification.scheme.in_(("IPC", "CPC")))
                .order_by(PatentClassification.patent_id, PatentClassification.is_main.desc(),
                          PatentClassification.sequence)):
            codes.setdefault(patent_id, []).append(code)
    return [Example(frozenset(segment(entry["text"])), frozenset(entry["pos"]), frozenset(entry["neg"] - entry["pos"]),
                    HUMAN_WEIGHT, *texts[patent_id], tuple(codes.get(patent_id, ())))
            for patent_id, entry in by_patent.items()]


def background_sample(session: Session, size: int = BACKGROUND_SIZE) -> list[frozenset[str]]:
    rows = session.execute(select(Patent.title, Patent.abstract).order_by(Patent.id).limit(size)).all()
    return [frozenset(segment(patent_text(title, abstract, None))) for title, abstract in rows]


def trained_model(session: Session, taxonomy: Taxonomy,
                  background: list[frozenset[str]] | None = None) -> TokenWeightModel:
    if background is None:
        background = background_sample(session)
    return train(taxonomy, human_examples(session, taxonomy.name), background)
