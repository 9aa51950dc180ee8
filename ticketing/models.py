"""Core tables: users, their roles and their login tokens."""
from sqlalchemy import ForeignKey, Index, String, Boolean, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base, UTCDateTime, utcnow

ROLES = ("customer", "employee", "admin")


class User(Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    locale: Mapped[str] = mapped_column(String(5), default="en")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    email_verified_at = mapped_column(UTCDateTime, nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    twofa_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    twofa_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # the last TOTP time step accepted: a code is accepted at most once
    twofa_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # a secret being set up: it becomes ``twofa_secret`` once a code confirms it
    twofa_pending_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    twofa_pending_until = mapped_column(UTCDateTime, nullable=True)

    role_rows: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self):
        return sorted(row.role for row in self.role_rows)

    @roles.setter
    def roles(self, roles):
        wanted = set(roles)
        self.role_rows = [row for row in self.role_rows if row.role in wanted]
        for role in sorted(wanted - {row.role for row in self.role_rows}):
            self.role_rows.append(UserRole(role=role))

    @property
    def name(self):
        return display_name(self.first_name, self.last_name)


def display_name(first_name, last_name):
    """A user's name as shown to others; also for rows read without the ``User``."""
    return f"{first_name} {last_name}".strip()


class UserRole(Base):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    user: Mapped[User] = relationship(back_populates="role_rows")


class AuthToken(Base):
    """A bearer token; only its SHA-256 digest is stored."""

    __tablename__ = "auth_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    user: Mapped[User] = relationship()

    __table_args__ = (Index("ix_auth_token_expires_at", "expires_at"),)
