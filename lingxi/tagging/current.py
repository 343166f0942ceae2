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
    if version is None:
        version = session.scalar(select(func.max(TaxonomyVersion.version)).where(TaxonomyVersion.name == name))
        if version is None:
            return None
    reviews, last_review = session.execute(
        select(func.count(PatentTag.id), func.max(PatentTag.reviewed_at))
        .where(PatentTag.taxonomy_name == name, PatentTag.status.in_(REVIEWED))).one()
    database = str(session.get_bind().url)
    key = (database, name, use_ipc, version, reviews, last_review)
    with _lock:
        if key in _classifiers:
            return _classifiers[key]
    taxonomy = load_taxonomy(session, name, version)
    classifier = Classifier(taxonomy, trained_model(session, taxonomy), use_ipc=use_ipc) if taxonomy else None
    with _lock:
        for old in [k for k in _classifiers if k[:3] == key[:3]]:  # superseded by a newer version or review
            del _classifiers[old]
        _classifiers[key] = classifier
    return classifier
