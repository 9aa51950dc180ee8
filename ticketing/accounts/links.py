"""Single-use, expiring tokens for e-mail links (verification, password reset, e-mail
change and its cancellation). The link carries a random token; the table keeps its
digest, its purpose, its expiry and when it was used."""
import secrets

from sqlalchemy import delete, select, update

from ticketing.db import mark_changed, utcnow
from ticketing.security import digest

from .models import AccountToken

# outcomes of redeeming a link, also the names of the front end's result pages
SUCCESS = "success"
INVALID = "invalid"
ALREADY_USED = "already-verified"
ERROR = "error"


def issue(dbsession, user, purpose, lifetime, payload=None):
    """Return a new clear token; the user's earlier unused tokens of ``purpose`` stop
    working, so only the latest link sent is valid."""
    discard(dbsession, user, purpose)
    token = secrets.token_urlsafe(32)
    dbsession.add(AccountToken(user_id=user.id, purpose=purpose, digest=digest(token),
                               payload=payload, expires_at=utcnow() + lifetime))
    dbsession.flush()
    return token


def discard(dbsession, user, purpose):
    """Invalidate the user's unused tokens of ``purpose``."""
    dbsession.execute(delete(AccountToken).where(
        AccountToken.user_id == user.id, AccountToken.purpose == purpose,
        AccountToken.used_at.is_(None)))
    mark_changed(dbsession)


def find(dbsession, purpose, token):
    """``(row, outcome)``: the token's row (locked) and whether it may be used now
    (``SUCCESS``), was used already (``ALREADY_USED``) or is unknown/expired
    (``INVALID``, row may be ``None``)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None, INVALID
    row = dbsession.execute(
        select(AccountToken).where(AccountToken.digest == digest(token),
                                   AccountToken.purpose == purpose).with_for_update()
    ).scalar_one_or_none()
    if row is None:
        return None, INVALID
    if row.used_at is not None:
        return row, ALREADY_USED
    if row.expires_at <= utcnow():
        return row, INVALID
    return row, SUCCESS


def use(dbsession, row):
    """Mark ``row`` used with one conditional update; ``False`` when a concurrent
    request used it first."""
    result = dbsession.execute(
        update(AccountToken).where(AccountToken.id == row.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow()))
    mark_changed(dbsession)
    return result.rowcount == 1
