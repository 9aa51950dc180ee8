"""Forgotten passwords, reset links and password changes."""
from datetime import timedelta

from sqlalchemy import func, select, update

from ticketing.accounts.models import AccountToken
from ticketing.db import utcnow
from ticketing.models import AuthToken
from tests.conftest import PASSWORD

from .conftest import link_in, query_of

NEW = "Brand-new-secret-7"


def ask_reset(app, mailbox, email="bob@example.com", count=1):
    app.post_json("/api/auth/password/forgot", {"email": email})
    return query_of(link_in(mailbox.wait_for(count, to=email)[-1],
                            "http://front.test/password-reset?"))


def reset(app, link, status=200, headers=None, **overrides):
    body = {"token": link["token"], "email": link["email"], "password": NEW,
            "password_confirmation": NEW, **overrides}
    return app.post_json("/api/auth/password/reset", body, headers=headers, status=status)


def count_tokens(db):
    return db.execute(select(func.count()).select_from(AuthToken)).scalar_one()


def test_a_reset_link_sets_the_password_and_signs_out_everywhere(app, mailbox, make_user, auth, db):
    user = make_user(email="bob@example.com", locale="fr")
    headers = auth(user)
    link = ask_reset(app, mailbox)
    assert link["email"] == "bob@example.com" and link["locale"] == "fr"
    assert mailbox.messages[0]["Subject"] == "Réinitialisez votre mot de passe"
    response = reset(app, link)
    assert response.json["message"] == "Your password was changed. Please log in."
    app.get("/api/users/me", headers=headers, status=401)
    app.post_json("/api/auth/login", {"email": "bob@example.com", "password": NEW})
    again = reset(app, link, status=400)
    assert again.json["code"] == "invalid_reset_token"


def test_a_newer_reset_link_voids_the_older_one(app, mailbox, make_user):
    make_user(email="bob@example.com")
    older = ask_reset(app, mailbox)
    newer = ask_reset(app, mailbox, count=2)
    assert reset(app, older, status=400).json["code"] == "invalid_reset_token"
    reset(app, newer)


def test_an_expired_tampered_or_foreign_reset_link_changes_nothing(app, mailbox, make_user, db):
    make_user(email="bob@example.com")
    make_user(email="mallory@example.com")
    link = ask_reset(app, mailbox)
    response = reset(app, link, status=400, email="mallory@example.com",
                     headers={"Accept-Language": "de"})
    assert response.json["message"].startswith("Dieser Link zum Zurücksetzen ist ungültig")
    tampered = link["token"][:-1] + ("B" if link["token"].endswith("A") else "A")
    reset(app, link, status=400, token=tampered)
    db.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    reset(app, link, status=400)
    app.post_json("/api/auth/login", {"email": "bob@example.com", "password": PASSWORD})


def test_reset_checks_the_new_password(app, mailbox, make_user):
    make_user(email="bob@example.com")
    link = ask_reset(app, mailbox)
    response = reset(app, link, status=422, password="short", password_confirmation="short")
    assert response.json["errors"] == {"password": ["At least 10 characters."]}
    reset(app, link)


def test_forgot_reveals_nothing_for_unknown_or_inactive_accounts(app, mailbox, make_user):
    make_user(email="gone@example.com", is_active=False)
    unknown = app.post_json("/api/auth/password/forgot", {"email": "nobody@example.com"}).json
    inactive = app.post_json("/api/auth/password/forgot", {"email": "gone@example.com"}).json
    assert unknown == inactive
    assert unknown["message"].startswith("If an account uses this address")
    assert mailbox.messages == []


def test_forgot_is_throttled(app, make_user, mailbox):
    make_user(email="bob@example.com")
    for _ in range(5):
        app.post_json("/api/auth/password/forgot", {"email": "bob@example.com"})
    response = app.post_json("/api/auth/password/forgot", {"email": "bob@example.com"},
                             status=429)
    assert response.headers["Retry-After"]
    assert len(mailbox.wait_for(5)) == 5


def test_forgot_refuses_a_malformed_address(app):
    response = app.post_json("/api/auth/password/forgot", {"email": "x" * 300}, status=422)
    assert response.json["errors"]["email"][0] == "At most 254 characters."


def change(app, headers, status=200, **overrides):
    body = {"current_password": PASSWORD, "password": NEW, "password_confirmation": NEW,
            **overrides}
    return app.post_json("/api/auth/password", body, headers=headers, status=status)


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, make_user, auth, db):
    user = make_user(email="bob@example.com")
    this, other = auth(user), auth(user)
    assert change(app, this).json["message"] == "Your password was changed."
    app.get("/api/users/me", headers=this)
    app.get("/api/users/me", headers=other, status=401)
    assert count_tokens(db) == 1
    app.post_json("/api/auth/login", {"email": "bob@example.com", "password": NEW})


def test_changing_the_password_needs_the_current_one(app, make_user, auth):
    headers = auth(make_user())
    response = change(app, {**headers, "Accept-Language": "fr"}, status=422,
                      current_password="Not-my-password-1")
    assert response.json["errors"] == {"current_password": ["Le mot de passe actuel est faux."]}
    mismatch = change(app, headers, status=422, password_confirmation="Other-secret-99")
    assert mismatch.json["errors"] == {"password_confirmation": ["The passwords do not match."]}
    assert app.post_json("/api/auth/password", {}, status=401).json["code"] == \
        "authentication_required"
