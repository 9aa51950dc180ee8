"""Tables of the scanning plugin (prefixed `scanning_`)."""
from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ticketing.db import Base, UTCDateTime, utcnow
from ticketing.models import User


class Scan(Base):
    """One admission at the gate: which ticket, who scanned it, when."""

    __tablename__ = "scanning_scan"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets_ticket.id", ondelete="CASCADE"), index=True
    )
    scanned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), nullable=True
    )
    scanned_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    scanned_by: Mapped[User | None] = relationship(lazy="joined")
