"""Registration, the verification link and resending it."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from ticketing.accounts.models import AccountToken
from ticketing.db import utcnow
from ticketing.models import User

from .conftest import link_in, path_of, result_page

PASSWORD = "Sunny-meadow-42"


def registration(**overrides):
    body = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
            "password": PASSWORD, "password_confirmation": PASSWORD}
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def test_register_creates_an_unverified_customer_in_the_request_locale(app, mailbox, db):
    response = app.post_json("/api/auth/register", registration(),
                             headers={"Accept-Language": "fr"}, status=201)
    user = response.json["user"]
    assert response.json["message"].startswith("Inscription")
    assert user["roles"] == ["customer"] and user["locale"] == "fr"
    assert user["email_verified_at"] is None and user["twofa_enabled"] is False
    [mail] = mailbox.wait_for(1, to="ada@example.com")
    assert mail["Subject"] == "Confirmez votre adresse e-mail"
    assert "Bonjour Ada" in mail.get_body(("plain",)).get_content()
    stored = db.execute(select(User)).scalar_one()
    assert stored.password_hash.startswith("$argon2id$")


def test_register_keeps_an_explicit_locale(app, mailbox):
    user = app.post_json("/api/auth/register", registration(locale="de")).json["user"]
    assert user["locale"] == "de"
    assert mailbox.wait_for(1)[0]["Subject"] == "Bestätigen Sie Ihre E-Mail-Adresse"


def test_a_registered_address_is_refused_in_any_case(app, make_user, db):
    make_user(email="ada@example.com")
    response = app.post_json("/api/auth/register", registration(email="ADA@example.com"),
                             headers={"Accept-Language": "de"}, status=422)
    assert response.json["code"] == "validation_failed"
    assert response.json["errors"] == {"email": ["Diese E-Mail-Adresse ist bereits registriert."]}
    assert db.execute(select(func.count()).select_from(User)).scalar_one() == 1


@pytest.mark.parametrize("body, field, message", [
    (registration(first_name=None), "first_name", "Required"),
    (registration(email="not-an-address"), "email", "Enter a valid e-mail address."),
    (registration(email=42), "email", "Must be text."),
    (registration(last_name="x" * 101), "last_name", "At most 100 characters."),
    (registration(password="Short-1", password_confirmation="Short-1"), "password",
     "At least 10 characters."),
    (registration(password="onlyletterslong", password_confirmation="onlyletterslong"),
     "password", "Use letters and at least one digit or other character."),
    (registration(password_confirmation="Sunny-meadow-43"), "password_confirmation",
     "The passwords do not match."),
    (registration(locale="es"), "locale", "Choose one of: en, de, fr."),
    (registration(is_admin=True), "is_admin", "Unknown field."),
])
def test_register_refuses_bad_fields(app, db, body, field, message):
    response = app.post_json("/api/auth/register", body, status=422)
    assert response.json["code"] == "validation_failed"
    assert response.json["errors"][field] == [message]
    assert db.execute(select(func.count()).select_from(User)).scalar_one() == 0


def test_register_refuses_a_body_that_is_not_json(app):
    response = app.post("/api/auth/register", "first_name=Ada",
                        content_type="application/x-www-form-urlencoded", status=415)
    assert response.json["code"] == "unsupported_media_type"


def _verification_link(app, mailbox):
    app.post_json("/api/auth/register", registration(), status=201)
    return path_of(link_in(mailbox.wait_for(1)[0], "http://api.test/api/auth/email/"))


def test_a_tampered_or_foreign_verification_link_is_invalid(app, mailbox, db, make_user):
    link = _verification_link(app, mailbox)
    other = make_user(verified=False)
    base, token = link.rsplit("/", 1)
    assert result_page(app.get(base + "/" + token[:-2] + "xx")) == "invalid"
    assert result_page(app.get(f"/api/auth/email/{other.id}/{token}")) == "invalid"
    assert result_page(app.get(base + "/short")) == "invalid"
    assert db.execute(select(User.email_verified_at).where(User.email == "ada@example.com")
                      ).scalar_one() is None
    assert result_page(app.get(link)) == "success"


def test_an_expired_verification_link_is_invalid(app, mailbox, db):
    link = _verification_link(app, mailbox)
    db.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    assert result_page(app.get(link)) == "invalid"


def test_a_non_numeric_user_id_is_not_found(app):
    assert app.get("/api/auth/email/abc/def", status=404).json["code"] == "not_found"


def test_resend_sends_a_new_link_and_the_old_one_stops_working(app, mailbox):
    first = _verification_link(app, mailbox)
    response = app.post_json("/api/auth/email/resend", {"email": "ada@example.com"})
    assert response.json["message"].startswith("If this address")
    second = path_of(link_in(mailbox.wait_for(2)[1], "http://api.test/api/auth/email/"))
    assert result_page(app.get(first)) == "invalid"
    assert result_page(app.get(second)) == "success"


def test_resend_reveals_nothing_and_sends_nothing_for_unknown_or_verified(app, mailbox, make_user):
    make_user(email="known@example.com")
    unknown = app.post_json("/api/auth/email/resend", {"email": "nobody@example.com"}).json
    known = app.post_json("/api/auth/email/resend", {"email": "known@example.com"}).json
    assert unknown == known
    assert mailbox.messages == []


def test_resend_is_throttled_per_account(app, mailbox, make_user):
    make_user(email="slow@example.com", verified=False)
    for _ in range(5):
        app.post_json("/api/auth/email/resend", {"email": "slow@example.com"})
    response = app.post_json("/api/auth/email/resend", {"email": "slow@example.com"},
                             headers={"Accept-Language": "de"}, status=429)
    assert response.json["code"] == "too_many_requests"
    assert response.json["message"] == "Zu viele Versuche. Bitte versuchen Sie es später erneut."
    assert 0 < int(response.headers["Retry-After"]) <= 900
    assert len(mailbox.wait_for(5)) == 5


def test_resend_requires_an_email(app):
    response = app.post_json("/api/auth/email/resend", {}, status=422)
    assert response.json["errors"] == {"email": ["Required"]}
