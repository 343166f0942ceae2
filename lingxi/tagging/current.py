"""The current classifier of a taxonomy, for free text (a demand 需求, the classify form, matching).

Building one loads the taxonomy (≈ 56 ms on the demo data) and trains the review-taught model on a background
sample of patents (≈ 1.7 s), far too slow to repeat for every demand, request or match. One classifier is kept per
database, taxonomy version and state of its reviews: a new version or a new review builds the next one.
"""

from __future__ import annotations

import threading

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lingxi.db.models import PatentTag, TaxonomyVersion
from lingxi.tagging.classifier import Classifier
from lingxi.tagging.store import REVIEWED, load_taxonomy, trained_model

_classifiers: dict[tuple, Classifier | None] = {}
_lock = threading.Lock()


def current_classifier(session: Session, name: str, version: int | None = None,
                       use_ipc: bool = True) -> Classifier | None:
    """The classifier of taxonomy `name` (its latest version unless `version` is given) with the model its
    reviews taught; None if there is no such taxonomy."""
    return current_classifiers(session, [name], use_ipc, {name: version} if version is not None else None)[name]


def current_classifiers(session: Session, names: list[str], use_ipc: bool = True,
                        versions: dict[str, int] | None = None) -> dict[str, Classifier | None]:
    """`current_classifier` of several taxonomies, their versions and reviews read in two queries in all (a match
    asks for up to six per demand)."""
    versions = dict(versions or {})
    latest = [name for name in names if name not in versions]
    if latest:
        versions.update(session.execute(
            select(TaxonomyVersion.name, func.max(TaxonomyVersion.version))
            .where(TaxonomyVersion.name.in_(latest)).group_by(TaxonomyVersion.name)).all())
    reviewed = {name: (count, last) for name, count, last in session.execute(
        select(PatentTag.taxonomy_name, func.count(PatentTag.id), func.max(PatentTag.reviewed_at))
        .where(PatentTag.taxonomy_name.in_(names), PatentTag.status.in_(REVIEWED))
        .group_by(PatentTag.taxonomy_name))}
    database = str(session.get_bind().url)
    out: dict[str, Classifier | None] = {}
    for name in names:
        version = versions.get(name)
        if version is None:
            out[name] = None
            continue
        key = (database, name, use_ipc, version, *reviewed.get(name, (0, None)))
        with _lock:
            if key in _classifiers:
                out[name] = _classifiers[key]
                continue
        taxonomy = load_taxonomy(session, name, version)
        classifier = Classifier(taxonomy, trained_model(session, taxonomy), use_ipc=use_ipc) if taxonomy else None
        with _lock:
            for old in [k for k in _classifiers if k[:3] == key[:3]]:  # superseded by a newer version or review
                del _classifiers[old]
            _classifiers[key] = classifier
        out[name] = classifier
    return out
