"""Login, tokens, logout and the throttling of failed logins."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from ticketing.db import utcnow
from ticketing.models import AuthToken
from tests.conftest import PASSWORD


def login(app, email, password=PASSWORD, status=200, **extra):
    headers = extra.pop("headers", {})
    environ = extra.pop("extra_environ", None)
    return app.post_json("/api/auth/login", {"email": email, "password": password, **extra},
                         headers=headers, extra_environ=environ, status=status)


def test_login_returns_a_12_hour_token_and_the_user(app, make_user, db, probe):
    user = make_user(email="bob@example.com")
    body = login(app, "BOB@example.com").json
    assert body["message"] == "Logged in successfully" and body["twofa_enabled"] is False
    assert body["user"]["id"] == user.id and body["user"]["roles"] == ["customer"]
    assert probe.logins == [("bob@example.com", None)]
    token = db.execute(select(AuthToken)).scalar_one()
    assert token.digest != body["token"]
    lifetime = token.expires_at - utcnow()
    assert timedelta(hours=11, minutes=59) < lifetime <= timedelta(hours=12)
    me = app.get("/api/users/me", headers={"Authorization": "Bearer " + body["token"]}).json
    assert me["email"] == "bob@example.com"


def test_remember_me_gives_a_7_day_token(app, make_user, db):
    make_user(email="bob@example.com")
    login(app, "bob@example.com", remember=True)
    lifetime = db.execute(select(AuthToken.expires_at)).scalar_one() - utcnow()
    assert timedelta(days=6, hours=23) < lifetime <= timedelta(days=7)


@pytest.mark.parametrize("email, password", [
    ("bob@example.com", "Wrong-password-1"),
    ("nobody@example.com", PASSWORD),
])
def test_wrong_credentials_do_not_tell_which_part_is_wrong(app, make_user, email, password, probe):
    make_user(email="bob@example.com")
    response = login(app, email, password, status=401, headers={"Accept-Language": "de"})
    assert response.json == {"code": "invalid_credentials",
                             "message": "Die E-Mail-Adresse oder das Passwort ist falsch."}
    assert probe.logins == []


def test_an_inactive_user_cannot_log_in(app, make_user):
    make_user(email="gone@example.com", is_active=False)
    assert login(app, "gone@example.com", status=403).json["code"] == "account_inactive"


def test_an_unverified_user_cannot_log_in(app, make_user):
    make_user(email="new@example.com", verified=False)
    response = login(app, "new@example.com", status=403, headers={"Accept-Language": "fr"})
    assert response.json == {"code": "email_not_verified",
                             "message": "Veuillez d'abord confirmer votre adresse e-mail."}


@pytest.mark.parametrize("body, field", [
    ({"password": PASSWORD}, "email"),
    ({"email": "bob@example.com", "password": ["x"]}, "password"),
    ({"email": "bob@example.com", "password": PASSWORD, "remember": "maybe"}, "remember"),
    ({"email": "bob@example.com", "password": "x" * 257}, "password"),
])
def test_login_refuses_bad_fields(app, body, field):
    response = app.post_json("/api/auth/login", body, status=422)
    assert response.json["code"] == "validation_failed"
    assert list(response.json["errors"]) == [field]


def test_failed_logins_are_throttled_per_account(app, make_user):
    make_user(email="bob@example.com")
    for attempt in range(5):
        login(app, "bob@example.com", "Wrong-password-1", status=401,
              extra_environ={"REMOTE_ADDR": f"10.0.0.{attempt}"})
    response = login(app, "bob@example.com", status=429,
                     extra_environ={"REMOTE_ADDR": "10.0.0.99"})
    assert response.json["code"] == "too_many_requests"
    assert int(response.headers["Retry-After"]) == response.json["retry_after"] > 0
    login(app, "other@example.com", "Wrong-password-1", status=401)


def test_failed_logins_are_throttled_per_address(make_app, make_user):
    from .conftest import PROBE

    app = make_app(plugins=("login_probe",), plugin_modules={"login_probe": PROBE},
                   **{"ticketing.throttle.max_per_address": "3"})
    make_user(email="bob@example.com")
    for attempt in range(3):
        login(app, f"guess{attempt}@example.com", status=401,
              extra_environ={"REMOTE_ADDR": "10.0.0.1"})
    login(app, "bob@example.com", status=429, extra_environ={"REMOTE_ADDR": "10.0.0.1"})
    login(app, "bob@example.com", extra_environ={"REMOTE_ADDR": "10.0.0.2"})


def test_a_success_forgets_the_account_failures(app, make_user):
    make_user(email="bob@example.com")
    for _ in range(4):
        login(app, "bob@example.com", "Wrong-password-1", status=401)
    login(app, "bob@example.com")
    for _ in range(4):
        login(app, "bob@example.com", "Wrong-password-1", status=401)
    login(app, "bob@example.com")


def test_logout_revokes_only_this_token(app, make_user, auth):
    user = make_user()
    first, second = auth(user), auth(user)
    response = app.post("/api/auth/logout", headers=first)
    assert response.json == {"message": "Logged out successfully"}
    assert app.get("/api/users/me", headers=first, status=401).json["code"] == "invalid_token"
    app.get("/api/users/me", headers=second)


def test_logout_needs_a_token(app):
    response = app.post("/api/auth/logout", status=401)
    assert response.json["code"] == "authentication_required"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_an_expired_token_is_refused(app, make_user, auth, db):
    headers = auth(make_user())
    db.execute(AuthToken.__table__.update().values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    assert app.get("/api/users/me", headers=headers, status=401).json["code"] == "invalid_token"
