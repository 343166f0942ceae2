"""What can be pushed: item sources, each yielding the items added since a watermark.

New patents are the source this module ships. Listings (挂牌) and open licences (开放许可) belong to the market
module (SPEC §6), which registers its own sources when it is built:

    from lingxi.push.items import ItemSource, PushItem, register_item_source
    register_item_source(ListingSource())      # item_type "listing", ids from its listings table
                                               # (lingxi/market/push_sources.py does this on import)

The modules that provide sources are listed in SOURCE_MODULES and imported by `item_sources()`, so a
push run sees the market's items without the CLI or the server having imported the market first.

A source whose items become pushable out of id order (a listing approved after a newer one) keeps its own record of
what was announced instead: it also defines `announced(session, items)`, which the run calls in the transaction that
records the pushes, and its `items_after` returns what it has not announced, whatever the id.

A source only has to say which items are new after an id and which patent each item is about; selection works on
that patent (its tags, its text, its vector), so a listing of a patent reaches the same subscribers the patent
would, and the delivery log keeps the item's own type and id (a patent and its later listing are two pushes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.db.models import Patent

# Every item type a subscription may ask for, whether or not its source is registered yet (the market module's
# sources arrive later; a subscription can already say it wants them).
ITEM_TYPES = ("patent", "listing", "open_licence")
ITEM_TYPE_LABELS = {"patent": ("新专利", "new patent"), "listing": ("挂牌专利", "listing"),
                    "open_licence": ("开放许可", "open licence")}


@dataclass(frozen=True)
class PushItem:
    item_type: str
    item_id: int
    patent_id: int | None  # the patent the item is about: what selection looks at
    title: str
    summary: str = ""
    link: str = ""  # path inside the platform, e.g. /patents/12
    extra: dict = field(default_factory=dict, compare=False)


class ItemSource(Protocol):
    item_type: str

    def items_after(self, session: Session, after_id: int, limit: int) -> list[PushItem]:
        """Items with id > after_id, in id order, at most `limit` of them."""
        ...


class PatentSource:
    """Patents new to the store, by id (ids only grow, so the highest id seen is an exact watermark)."""

    item_type = "patent"

    def items_after(self, session: Session, after_id: int, limit: int) -> list[PushItem]:
        rows = session.execute(
            select(Patent.id, Patent.title, Patent.abstract, Patent.publication_number, Patent.key)
            .where(Patent.id > after_id).order_by(Patent.id).limit(limit)
        )
        return [PushItem("patent", row.id, row.id, row.title, _clip(row.abstract), f"/patents/{row.id}",
                         {"number": row.publication_number or row.key}) for row in rows]


def _clip(text: str | None, size: int = 240) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= size else text[: size - 1] + "…"


_SOURCES: dict[str, ItemSource] = {"patent": PatentSource()}


def register_item_source(source: ItemSource) -> None:
    """Add (or replace) the source of one item type; the type must be one of ITEM_TYPES."""
    if source.item_type not in ITEM_TYPES:
        raise ValueError(f"unknown item type {source.item_type!r}; known: {', '.join(ITEM_TYPES)}")
    _SOURCES[source.item_type] = source


# Modules that register item sources when imported (other areas' code).
SOURCE_MODULES = ("lingxi.market.push_sources",)


def item_sources() -> dict[str, ItemSource]:
    """Every registered source by item type, after importing the modules that provide them."""
    import importlib

    for name in SOURCE_MODULES:
        importlib.import_module(name)
    return dict(_SOURCES)
