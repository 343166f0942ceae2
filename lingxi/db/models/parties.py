"""Normalised parties (organisations and people) and the name variants that point to them."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lingxi.db.base import Base, TimestampMixin


class Party(TimestampMixin, Base):
    """One organisation or person, whatever spellings the documents use for it."""

    __tablename__ = "parties"
    __table_args__ = (UniqueConstraint("kind", "cluster_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # organisation | person
    cluster_key: Mapped[str] = mapped_column(String(400))
    name: Mapped[str] = mapped_column(String(400))  # display name: the first spelling seen
    party_type: Mapped[str] = mapped_column(String(24))  # university, institute, soe, ...
    province: Mapped[str | None] = mapped_column(String(32))
    city: Mapped[str | None] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(8))

    aliases: Mapped[list[PartyAlias]] = relationship(back_populates="party", cascade="all, delete-orphan")


class PartyAlias(Base):
    """A spelling of a party's name as found in the data."""

    __tablename__ = "party_aliases"
    __table_args__ = (UniqueConstraint("party_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(400))

    party: Mapped[Party] = relationship(back_populates="aliases")


class RegisteredOrganisation(TimestampMixin, Base):
    """What an operator's list says about an organisation that its name cannot (being state-owned, above all).

    Keyed by the cluster key the name reads to, so every spelling variant of the organisation is covered; a value
    left empty keeps what the name rules decide. Applied to the stored parties when registered and after each import.
    """

    __tablename__ = "registered_organisations"
    __audited__ = True  # who said an organisation is state-owned, and when

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_key: Mapped[str] = mapped_column(String(400), unique=True)
    name: Mapped[str] = mapped_column(String(400))  # as the list writes it
    party_type: Mapped[str | None] = mapped_column(String(24))
    province: Mapped[str | None] = mapped_column(String(32))
    city: Mapped[str | None] = mapped_column(String(32))
    source: Mapped[str | None] = mapped_column(String(400))  # the file it came from
