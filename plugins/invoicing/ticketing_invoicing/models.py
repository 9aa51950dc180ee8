"""Tables of the invoicing plugin (prefixed `invoicing_`).

Invoicing knows payments only through the hooks that hand it a payment, so an invoice
keeps what its endpoints show (owner, amounts, payment uuid) in its own row."""
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ticketing.db import Base, UTCDateTime, utcnow


class Invoice(Base):
    """The invoice of one paid payment. ``filename`` names the current PDF: a refund
    renders a new one (earlier versions stay, e-mails may still attach them)."""

    __tablename__ = "invoicing_invoice"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    payment_id: Mapped[int] = mapped_column(
        ForeignKey("payments_payment.id", ondelete="RESTRICT"), unique=True
    )
    payment_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    total: Mapped[int] = mapped_column(Integer)  # cents
    refunded_amount: Mapped[int] = mapped_column(Integer, default=0)
    currency: Mapped[str] = mapped_column(String(3))
    filename: Mapped[str] = mapped_column(String(40), unique=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)


class InvoiceCounter(Base):
    """The last invoice number given in a year; bumped in the transaction that creates
    the invoice, so numbers are sequential without gaps."""

    __tablename__ = "invoicing_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)
