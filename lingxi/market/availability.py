"""Whether a patent can be licensed on the market now, for matching (SPEC §5) to show beside a candidate.

'open_licence' when a published open-licence declaration covers it (anyone may take a licence on the published
terms), 'listed' when an approved listing offers it; patents with neither are absent from the answer.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.db import in_batches
from lingxi.db.models import Listing, ListingPatent, OpenLicenceDeclaration


def licence_availability(session: Session, patent_ids) -> dict[int, str]:
    ids = list(dict.fromkeys(int(i) for i in patent_ids))
    found: dict[int, str] = {}
    for part in in_batches(ids):
        for pid in session.scalars(select(ListingPatent.patent_id).join(Listing, Listing.id == ListingPatent.listing_id)
                                   .where(ListingPatent.patent_id.in_(part), Listing.status == "approved")):
            found[pid] = "listed"
        for pid in session.scalars(select(OpenLicenceDeclaration.patent_id).where(
                OpenLicenceDeclaration.patent_id.in_(part), OpenLicenceDeclaration.status == "published")):
            found[pid] = "open_licence"  # the stronger offer: no negotiation needed
    return found
