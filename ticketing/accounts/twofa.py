"""Two-factor authentication: TOTP (RFC 6238, 30 s, 6 digits, ±1 step of drift) and
single-use recovery codes. A TOTP code is accepted at most once: the accepted time
step is stored and only later steps pass, with one conditional update."""
import base64
import io
import secrets
import time
from datetime import timedelta

import pyotp
import qrcode
from sqlalchemy import delete, update

from ticketing.db import mark_changed, utcnow
from ticketing.models import User
from ticketing.security import digest

from .models import RecoveryCode

PENDING = timedelta(minutes=10)
RECOVERY_CODES = 8


def start(user):
    """Give ``user`` a pending secret; return it with its ``otpauth://`` URI."""
    user.twofa_pending_secret = pyotp.random_base32()
    user.twofa_pending_until = utcnow() + PENDING
    return user.twofa_pending_secret


def provisioning_uri(secret, user, issuer):
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_data_url(text):
    image = qrcode.make(text, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def matching_step(secret, code):
    """The time step (previous, current or next) whose code is ``code``, else ``None``."""
    code = (code or "").strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(time.time())  # a datetime would be read as local time
    for step in (current - 1, current, current + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def accept_step(dbsession, user, step):
    """Record ``step`` as used unless it (or a later one) was used already."""
    result = dbsession.execute(
        update(User).where(User.id == user.id,
                           (User.twofa_last_step.is_(None)) | (User.twofa_last_step < step))
        .values(twofa_last_step=step))
    mark_changed(dbsession)
    return result.rowcount == 1


def normalise_recovery(code):
    return (code or "").replace("-", "").replace(" ", "").upper()


def new_recovery_codes(dbsession, user):
    """Replace the user's recovery codes; return the clear codes (shown once)."""
    dbsession.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = base64.b32encode(secrets.token_bytes(10)).decode("ascii")  # 80 bits
        codes.append("-".join(raw[i:i + 4] for i in range(0, 16, 4)))
        dbsession.add(RecoveryCode(user_id=user.id, digest=digest(normalise_recovery(codes[-1]))))
    dbsession.flush()
    return codes


def use_recovery_code(dbsession, user, code):
    code = normalise_recovery(code)
    if len(code) != 16:
        return False
    result = dbsession.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                   RecoveryCode.digest == digest(code),
                                   RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()))
    mark_changed(dbsession)
    return result.rowcount == 1


def verify(dbsession, user, code):
    """True when ``code`` is a fresh TOTP code of the user's secret or an unused
    recovery code (which is used up)."""
    step = matching_step(user.twofa_secret, code)
    if step is not None:
        return accept_step(dbsession, user, step)
    return use_recovery_code(dbsession, user, code)


def disable(dbsession, user):
    user.twofa_enabled = False
    user.twofa_secret = None
    user.twofa_last_step = None
    user.twofa_pending_secret = None
    user.twofa_pending_until = None
    dbsession.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    mark_changed(dbsession)
