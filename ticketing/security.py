"""Bearer-token authentication and role-based permissions.

A token is 32 random bytes shown once to the client; the database keeps its SHA-256
digest, so a stolen database yields no usable token. Views declare a permission; the
policy maps the user's roles to permissions. Nothing checks roles by hand.
"""
import hashlib
import hmac
import secrets
from datetime import timedelta
from enum import StrEnum

from pyramid.security import Allowed, Denied
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import joinedload

from .db import utcnow
from .models import ROLES, AuthToken, User


class Perm(StrEnum):
    """Permissions of the core. Plugins declare theirs through ``ticketing_permissions``."""

    AUTHENTICATED = "authenticated"  # any logged-in user
    USERS_ADMIN = "users:admin"


CORE_PERMISSIONS = {
    Perm.AUTHENTICATED: set(ROLES),
    Perm.USERS_ADMIN: {"admin"},
}


def digest(secret):
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def constant_time_equal(a, b):
    return hmac.compare_digest(str(a).encode("utf-8"), str(b).encode("utf-8"))


def issue_token(dbsession, user, lifetime):
    """Create a login token for ``user``; return the clear token (shown once)."""
    token = secrets.token_urlsafe(32)
    dbsession.add(AuthToken(user=user, digest=digest(token), expires_at=utcnow() + lifetime))
    dbsession.flush()
    return token


def token_lifetime(settings, remember):
    if remember:
        return timedelta(days=settings["ticketing.remember_days"])
    return timedelta(hours=settings["ticketing.token_hours"])


def revoke_tokens(dbsession, user, keep_digest=None):
    """Delete the user's tokens, except the one whose digest is ``keep_digest``."""
    statement = delete(AuthToken).where(AuthToken.user_id == user.id)
    if keep_digest is not None:
        statement = statement.where(AuthToken.digest != keep_digest)
    dbsession.execute(statement)


def bearer_token(request):
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def role_permissions(registry):
    """``{role: {permission, ...}}`` built once from the core's and the plugins' maps."""
    table = {role: set() for role in ROLES}
    maps = [CORE_PERMISSIONS, *registry.hook.ticketing_permissions()]
    for mapping in maps:
        for permission, roles in (mapping or {}).items():
            for role in roles:
                table.setdefault(role, set()).add(str(permission))
    return table


# Built once: each request only binds values (no statement building or cache key).
IDENTITY = (
    select(AuthToken.digest, User)
    .join(User, AuthToken.user_id == User.id)
    .options(joinedload(User.role_rows))  # the roles in the same statement
    .where(AuthToken.digest == bindparam("digest"), AuthToken.expires_at > bindparam("now"))
)


class TokenSecurityPolicy:
    def identity(self, request):
        if "ticketing.identity" not in request.environ:
            request.environ["ticketing.identity"] = self._lookup(request)
        return request.environ["ticketing.identity"]

    def _lookup(self, request):
        token = bearer_token(request)
        if token is None:
            return None
        row = request.dbsession.execute(
            IDENTITY, {"digest": digest(token), "now": utcnow()}
        ).unique().first()
        if row is None or not row.User.is_active:
            return None
        request.token_digest = row.digest
        return row.User

    def authenticated_userid(self, request):
        user = request.identity
        return None if user is None else user.id

    def permits(self, request, context, permission):
        user = request.identity
        if user is None:
            return Denied("not authenticated")
        if "admin" in user.roles:
            return Allowed("admin")
        table = request.registry["role_permissions"]
        if any(permission in table.get(role, ()) for role in user.roles):
            return Allowed("role")
        return Denied("role")

    def remember(self, request, userid, **kw):
        return []

    def forget(self, request, **kw):
        return []


def includeme(config):
    config.set_security_policy(TokenSecurityPolicy())

    def build_table():
        config.registry["role_permissions"] = role_permissions(config.registry)

    config.action("ticketing:role_permissions", build_table, order=10)
