"""Tables of the payments plugin (prefixed `payments_`).

A payment freezes the cart into lines at the prices of the moment; what is charged,
invoiced and ticketed follows those lines whatever the cart does afterwards.
``stock_held`` says whether the lines' units are currently taken out of stock (reserved
while pending, sold once paid); every stock movement flips it in the same transaction.
"""
import uuid

from sqlalchemy import (Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ticketing.db import Base, UTCDateTime, utcnow
from ticketing.models import User

STATUSES = ("pending", "paid", "failed", "refunded", "partially_refunded")
#: statuses of a payment whose money was received and whose units were sold
SOLD_STATUSES = ("paid", "partially_refunded", "refunded")


def new_uuid():
    return str(uuid.uuid4())


class Payment(Base):
    __tablename__ = "payments_payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    # why a payment failed: declined, canceled, expired, replaced, provider_unavailable
    failure_reason: Mapped[str | None] = mapped_column(String(30), nullable=True)
    provider: Mapped[str] = mapped_column(String(10), default="stripe")  # stripe | free
    amount: Mapped[int] = mapped_column(Integer)  # cents
    refunded_amount: Mapped[int] = mapped_column(Integer, default=0)
    currency: Mapped[str] = mapped_column(String(3))
    locale: Mapped[str] = mapped_column(String(5))
    intent_id: Mapped[str | None] = mapped_column(String(255), unique=True, nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    stock_held: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=True)  # end of the reservation
    paid_at = mapped_column(UTCDateTime, nullable=True)  # money received
    fulfilled_at = mapped_column(UTCDateTime, nullable=True)  # documents and e-mail done

    user: Mapped[User] = relationship(lazy="joined")
    lines: Mapped[list["PaymentLine"]] = relationship(
        back_populates="payment", cascade="all, delete-orphan", lazy="selectin",
        order_by="PaymentLine.id",
    )
    refund_rows: Mapped[list["Refund"]] = relationship(
        back_populates="payment", lazy="selectin", order_by="Refund.id",
    )

    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("refunded_amount >= 0 AND refunded_amount <= amount",
                        name="refund_within_amount"),
        UniqueConstraint("user_id", "idempotency_key", name="uq_payments_payment_idempotency"),
        # at most one live (pending) payment per user: two checkouts of one cart at once
        # leave one of them
        Index("uq_payments_payment_one_pending", "user_id", unique=True,
              postgresql_where=text("status = 'pending'"),
              sqlite_where=text("status = 'pending'")),
        Index("ix_payments_payment_created_at", "created_at"),
        Index("ix_payments_payment_status_expires_at", "status", "expires_at"),
    )

    @property
    def refunds(self):
        """Refunds completed through the provider, oldest first."""
        return [row for row in self.refund_rows if row.status == "succeeded"]

    @property
    def pending_refund_amount(self):
        return sum(row.amount for row in self.refund_rows if row.status == "pending")

    @property
    def refundable_amount(self):
        if self.status not in ("paid", "partially_refunded"):
            return 0
        return self.amount - self.refunded_amount - self.pending_refund_amount


class PaymentLine(Base):
    """One product of a payment, frozen at checkout. ``product_id`` is the catalogue's id,
    kept without a foreign key: sold lines outlive any change to the catalogue."""

    __tablename__ = "payments_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(
        ForeignKey("payments_payment.id", ondelete="CASCADE"), index=True
    )
    product_id: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(200))  # in the buyer's locale at checkout
    quantity: Mapped[int] = mapped_column(Integer)
    list_price: Mapped[int] = mapped_column(Integer)  # cents, before the sale
    unit_price: Mapped[int] = mapped_column(Integer)  # cents, effective price charged
    line_total: Mapped[int] = mapped_column(Integer)

    payment: Mapped[Payment] = relationship(back_populates="lines")

    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)


class Refund(Base):
    """Money given back. A refund asked through the API is ``pending`` while the provider
    is called (it counts against what remains refundable, so concurrent refunds cannot
    exceed the payment) and ``succeeded`` once done; a failed call deletes it."""

    __tablename__ = "payments_refund"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    payment_id: Mapped[int] = mapped_column(
        ForeignKey("payments_payment.id", ondelete="CASCADE"), index=True
    )
    amount: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    source: Mapped[str] = mapped_column(String(10))  # admin | provider | automatic
    provider_refund_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), nullable=True
    )
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    payment: Mapped[Payment] = relationship(back_populates="refund_rows")

    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)


class WebhookEvent(Base):
    """Every Stripe event processed, by its id: a redelivered event is ignored."""

    __tablename__ = "payments_webhook_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(100))
    payload: Mapped[str] = mapped_column(Text)
    received_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
