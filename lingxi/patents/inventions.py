"""An invention's key: the application a publication belongs to, so that an A publication and its B grant count as
one patent in analyses, talent counts and networks.

The key is the normalised application number (lingxi.patents.normalise stores ApplicationNumber.key, country
included: CN201910000001.5, US99900028), or the publication's own key when the record has none. It is spelled
twice, for rows read into Python and for SQL that groups or counts in the database; both must agree
(tests/test_talent_build.py).
"""

from __future__ import annotations

from sqlalchemy import func

from lingxi.db.models import Patent


def invention_key(application_number: str | None, key: str) -> str:
    return application_number or key


def invention_key_sql():
    """invention_key as an SQL expression over the patents table."""
    return func.coalesce(func.nullif(Patent.application_number, ""), Patent.key)
