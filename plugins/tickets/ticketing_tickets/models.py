"""Tables of the tickets plugin (prefixed `tickets_`).

A ticket keeps a snapshot of what its PDF prints (holder, event name in every locale,
start, venue, time zone): the ticket stays readable when the product changes or is
deactivated later.
"""
import uuid

from sqlalchemy import (
    JSON, CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint, Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ticketing.db import Base, UTCDateTime, utcnow
from ticketing.models import User

STATUSES = ("issued", "used", "cancelled", "refunded")

# status -> statuses an admin may set from it
TRANSITIONS = {
    "issued": ("used", "cancelled", "refunded"),
    "used": ("issued", "refunded"),  # issued again: undo a scan made by mistake
    "cancelled": ("issued", "refunded"),
    "refunded": (),
}


class Ticket(Base):
    __tablename__ = "tickets_ticket"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    status: Mapped[str] = mapped_column(String(16), default="issued")
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    payment_id: Mapped[int] = mapped_column(
        ForeignKey("payments_payment.id", ondelete="RESTRICT")
    )  # indexed by uq_tickets_ticket_payment_unit
    payment_uuid: Mapped[str] = mapped_column(String(36), index=True)
    product_id: Mapped[int] = mapped_column(Integer, index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1..n among the payment's units of a product
    locale: Mapped[str] = mapped_column(String(5))
    holder: Mapped[str] = mapped_column(String(201))
    event_names: Mapped[dict] = mapped_column(JSON)  # {locale: name}
    starts_at = mapped_column(UTCDateTime, nullable=True)
    event_date = mapped_column(Date, nullable=True, index=True)  # in the event's time zone
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    venue: Mapped[str] = mapped_column(String(255), default="")
    pdf_name: Mapped[str] = mapped_column(String(40), unique=True)
    qr_name: Mapped[str] = mapped_column(String(40), unique=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    used_at = mapped_column(UTCDateTime, nullable=True)
    used_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), nullable=True
    )
    used_by: Mapped[User | None] = relationship(foreign_keys=[used_by_id], lazy="joined")

    __table_args__ = (
        UniqueConstraint("payment_id", "product_id", "number",
                         name="uq_tickets_ticket_payment_unit"),
        CheckConstraint("status IN ('issued', 'used', 'cancelled', 'refunded')", name="status"),
    )

    def event_name(self, locale):
        return event_name(self.event_names, locale)


def event_name(names, locale):
    """The event's name in ``locale``, else in English, else any."""
    names = names or {}
    return names.get(locale) or names.get("en") or next(iter(names.values()), "")


class StatusChange(Base):
    """Every status an admin set: who, when, from what."""

    __tablename__ = "tickets_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets_ticket.id", ondelete="CASCADE"), index=True
    )
    old_status: Mapped[str] = mapped_column(String(16))
    new_status: Mapped[str] = mapped_column(String(16))
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), nullable=True
    )
    changed_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

