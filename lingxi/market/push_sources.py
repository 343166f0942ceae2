"""Push item sources for the market (lingxi.push.items): new approved listings and published open licences.

Each item is about one patent (a package listing yields one item per patent), so it reaches the subscribers that
patent would reach. Listings are approved, and declarations published, in any order, so an id watermark would
skip one approved after a newer one was pushed: each row remembers instead whether a run announced it
(`push_announced`), set by the run in the transaction that records its pushes.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lingxi.db import in_batches
from lingxi.db.models import Listing, ListingPatent, OpenLicenceDeclaration, Patent


class ListingSource:
    item_type = "listing"

    def items_after(self, session: Session, after_id: int, limit: int):
        """Approved listings not announced yet, whatever their id (after_id is not used)."""
        from lingxi.push.items import PushItem

        rows = session.execute(
            select(Listing.id, Listing.title, Listing.mode, Listing.asking_price_yuan, ListingPatent.patent_id)
            .join(ListingPatent, ListingPatent.listing_id == Listing.id)
            .where(Listing.status == "approved", Listing.push_announced.is_(False))
            .order_by(Listing.id, ListingPatent.id).limit(limit)).all()
        seen: set[int] = set()
        items = []
        for row in rows:
            if row.id in seen:  # one item per listing: its first patent decides who hears of it
                continue
            seen.add(row.id)
            price = f"¥{row.asking_price_yuan:,.2f}" if row.asking_price_yuan is not None else "面议"
            items.append(PushItem("listing", row.id, row.patent_id, row.title, f"{row.mode} · {price}",
                                  f"/market/listings/{row.id}", {"mode": row.mode}))
        return items

    def announced(self, session: Session, items) -> None:
        _mark_announced(session, Listing, items)


class OpenLicenceSource:
    item_type = "open_licence"

    def items_after(self, session: Session, after_id: int, limit: int):
        """Published declarations not announced yet, whatever their id (after_id is not used)."""
        from lingxi.push.items import PushItem

        rows = session.execute(
            select(OpenLicenceDeclaration.id, OpenLicenceDeclaration.patent_id, OpenLicenceDeclaration.fee_standard,
                   OpenLicenceDeclaration.patentee, Patent.title)
            .join(Patent, Patent.id == OpenLicenceDeclaration.patent_id)
            .where(OpenLicenceDeclaration.status == "published", OpenLicenceDeclaration.push_announced.is_(False))
            .order_by(OpenLicenceDeclaration.id).limit(limit))
        return [PushItem("open_licence", row.id, row.patent_id, f"开放许可：{row.title}",
                         f"{row.patentee} · {row.fee_standard}"[:240], f"/market/open-licences/{row.id}")
                for row in rows]

    def announced(self, session: Session, items) -> None:
        _mark_announced(session, OpenLicenceDeclaration, items)


def _mark_announced(session: Session, model, items) -> None:
    # Core update: no version bump or audit entry for what is bookkeeping of the push run, not a user's change
    ids = sorted({item.item_id for item in items})
    for part in in_batches(ids):
        session.execute(update(model).where(model.id.in_(part)).values(push_announced=True)
                        .execution_options(synchronize_session=False))


def register_push_sources() -> None:
    """Register both sources with the push module (lingxi.push.items imports this module to find them)."""
    from lingxi.push.items import register_item_source

    register_item_source(ListingSource())
    register_item_source(OpenLicenceSource())


register_push_sources()
