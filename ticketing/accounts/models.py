"""Account tables: single-use e-mail link tokens, 2FA recovery codes and the
throttling counters. Secrets are stored as SHA-256 digests only."""
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ticketing.db import Base, UTCDateTime, utcnow
from ticketing.models import User

# purposes of account tokens
VERIFY_EMAIL = "verify_email"
RESET_PASSWORD = "reset_password"
CHANGE_EMAIL = "change_email"
CANCEL_EMAIL_CHANGE = "cancel_email_change"


class AccountToken(Base):
    """A single-use token sent in an e-mail link. ``payload`` carries what the link acts
    on: the new address of an e-mail change, the old one of its cancel link."""

    __tablename__ = "account_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(30))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    payload: Mapped[str | None] = mapped_column(String(254), nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    used_at = mapped_column(UTCDateTime, nullable=True)
    user: Mapped[User] = relationship()


class RecoveryCode(Base):
    """A 2FA recovery code (80 random bits, so an unsalted digest suffices)."""

    __tablename__ = "account_recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    used_at = mapped_column(UTCDateTime, nullable=True)


class Throttle(Base):
    """Attempts counted per ``scope`` (login, forgot, ...) and ``key`` (digest of an
    account or a client address) in a fixed window that starts at the first attempt."""

    __tablename__ = "throttle"

    scope: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start = mapped_column(UTCDateTime, nullable=False)
    hits: Mapped[int] = mapped_column(Integer, default=0)
