"""All tables, one module per SPEC area; importing this package registers them on Base.metadata."""

from lingxi.db.models.accounts import ApiToken, LoginSession, Organisation, User
from lingxi.db.models.audit import AuditEntry
from lingxi.db.models.imports import ImportJob, ImportRejection
from lingxi.db.models.parties import Party, PartyAlias
from lingxi.db.models.patents import (
    Patent,
    PatentCitation,
    PatentClassification,
    PatentLegalEvent,
    PatentParty,
    PatentRevision,
)
from lingxi.db.models.tagging import PatentAnnotation, PatentTag, TaggingRun, TaxonomyNodeRow, TaxonomyVersion

__all__ = [
    "ApiToken",
    "AuditEntry",
    "LoginSession",
    "Organisation",
    "User",
    "ImportJob",
    "ImportRejection",
    "Party",
    "PartyAlias",
    "Patent",
    "PatentCitation",
    "PatentClassification",
    "PatentLegalEvent",
    "PatentParty",
    "PatentRevision",
    "PatentAnnotation",
    "PatentTag",
    "TaggingRun",
    "TaxonomyNodeRow",
    "TaxonomyVersion",
]
