"""Users as the API shows them, and the small operations several views share."""
from pyramid.httpexceptions import HTTPFound
from sqlalchemy import func, select

from ticketing.errors import APIError
from ticketing.i18n import _
from ticketing.models import User
from ticketing.passwords import hash_password, verify_password
from ticketing.security import revoke_tokens

from . import throttle


def user_json(user):
    return {
        "id": user.id,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "name": user.name,
        "roles": user.roles,
        "locale": user.locale,
        "is_active": user.is_active,
        "email_verified_at": user.email_verified_at.isoformat() if user.email_verified_at else None,
        "twofa_enabled": user.twofa_enabled,
        "created_at": user.created_at.isoformat(),
    }


def find_by_email(dbsession, email):
    return dbsession.execute(
        select(User).where(func.lower(User.email) == email.lower())
    ).scalar_one_or_none()


def email_taken(dbsession, email, user=None):
    other = find_by_email(dbsession, email)
    return other is not None and other is not user


def taken_error():
    return APIError(422, errors={"email": [_("This e-mail address is already registered.")]})


def message(request, text, **body):
    return {"message": request.localizer.translate(text), **body}


def check_current_password(request, user, password):
    """Refuse a wrong current password (``422`` on ``current_password``); failures are
    throttled like logins, so a stolen token cannot guess the password."""
    throttle.check(request, "password", user.email)
    if not verify_password(request.registry, user.password_hash, password):
        throttle.record(request, "password", user.email)
        raise APIError(422, errors={"current_password": [_("The current password is wrong.")]})


def set_password(request, user, password, keep_digest=None):
    """Store a new password and sign out every other session."""
    user.password_hash = hash_password(request.registry, password)
    request.dbsession.flush()
    revoke_tokens(request.dbsession, user, keep_digest=keep_digest)


def result_page(request, outcome):
    """The ``302`` of an e-mail link to the front end's result page."""
    frontend = request.registry.settings["ticketing.frontend_url"]
    return HTTPFound(location=f"{frontend}/verification-result/{outcome}")
