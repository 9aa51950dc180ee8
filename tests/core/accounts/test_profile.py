"""The logged-in user's profile and e-mail address changes."""
from urllib.parse import quote

from sqlalchemy import select

from ticketing.models import User
from tests.conftest import PASSWORD

from .conftest import link_in, path_of, result_page


def test_me_shows_the_user(app, make_user, auth):
    user = make_user(email="bob@example.com", roles=("customer", "employee"))
    me = app.get("/api/users/me", headers=auth(user)).json
    assert me["id"] == user.id and me["roles"] == ["customer", "employee"]
    assert me["twofa_enabled"] is False and me["email_verified_at"]
    assert app.get("/api/users/me", status=401).json["code"] == "authentication_required"


def test_me_updates_names_and_locale_only(app, make_user, auth):
    headers = auth(make_user())
    me = app.patch_json("/api/users/me", {"first_name": "Robert", "locale": "de"},
                        headers=headers).json
    assert (me["first_name"], me["last_name"], me["locale"]) == ("Robert", "Example", "de")
    refused = app.patch_json("/api/users/me", {"roles": ["admin"]}, headers=headers, status=422)
    assert refused.json["errors"] == {"roles": ["Unknown field."]}
    long = app.patch_json("/api/users/me", {"last_name": "x" * 101}, headers=headers, status=422)
    assert long.json["errors"] == {"last_name": ["At most 100 characters."]}


def change(app, headers, email="new@example.com", status=200, password=PASSWORD):
    return app.patch_json("/api/auth/email", {"email": email, "current_password": password},
                          headers=headers, status=status)


def test_an_email_change_takes_effect_once_the_new_address_confirms(app, make_user, auth,
                                                                     mailbox, db):
    user = make_user(email="old@example.com")
    headers = auth(user)
    assert change(app, headers).json["message"].startswith("We sent a confirmation link")
    assert app.get("/api/users/me", headers=headers).json["email"] == "old@example.com"
    [to_new] = mailbox.wait_for(1, to="new@example.com")
    [to_old] = mailbox.wait_for(1, to="old@example.com")
    assert to_new["Subject"] == "Confirm your new e-mail address"
    assert to_old["Subject"] == "Your e-mail address is being changed"
    verify = path_of(link_in(to_new, "http://api.test/api/auth/email/change/verify?"))
    tampered = verify.replace("old_email=old", "old_email=other")
    assert result_page(app.get(tampered)) == "invalid"
    assert result_page(app.get(verify)) == "success"
    assert result_page(app.get(verify)) == "already-verified"
    assert app.get("/api/users/me", headers=headers).json["email"] == "new@example.com"

    cancel = path_of(link_in(to_old, "http://api.test/api/auth/email/cancel/"))
    assert result_page(app.get(cancel.replace("old%40", "other%40"))) == "invalid"
    assert result_page(app.get(cancel)) == "success"
    assert result_page(app.get(cancel)) == "already-verified"
    row = db.execute(select(User).where(User.id == user.id)).scalar_one()
    assert row.email == "old@example.com"
    app.get("/api/users/me", headers=headers, status=401)


def test_cancelling_before_confirmation_voids_the_verification_link(app, make_user, auth, mailbox):
    headers = auth(make_user(email="old@example.com"))
    change(app, headers)
    verify = path_of(link_in(mailbox.wait_for(1, to="new@example.com")[0],
                             "http://api.test/api/auth/email/change/verify?"))
    cancel = path_of(link_in(mailbox.wait_for(1, to="old@example.com")[0],
                             "http://api.test/api/auth/email/cancel/"))
    assert result_page(app.get(cancel)) == "success"
    assert result_page(app.get(verify)) == "invalid"


def test_a_new_address_taken_meanwhile_ends_on_the_error_page(app, make_user, auth, mailbox):
    headers = auth(make_user(email="old@example.com"))
    change(app, headers)
    verify = path_of(link_in(mailbox.wait_for(1, to="new@example.com")[0],
                             "http://api.test/api/auth/email/change/verify?"))
    make_user(email="new@example.com")
    assert result_page(app.get(verify)) == "error"


def test_email_change_links_without_or_with_bad_tokens_are_invalid(app):
    assert result_page(app.get("/api/auth/email/change/verify")) == "invalid"
    assert result_page(app.get("/api/auth/email/change/verify?token=" + "x" * 43
                               + "&old_email=a%40b.c")) == "invalid"
    assert result_page(app.get("/api/auth/email/cancel/" + "y" * 43 + "/a%40b.c")) == "invalid"


def test_an_email_change_needs_the_password_and_a_free_new_address(app, make_user, auth, mailbox):
    make_user(email="taken@example.com")
    headers = auth(make_user(email="old@example.com"))
    wrong = change(app, {**headers, "Accept-Language": "de"}, status=422,
                   password="Wrong-password-1")
    assert wrong.json["errors"] == {"current_password": ["Das aktuelle Passwort ist falsch."]}
    taken = change(app, headers, email="Taken@example.com", status=422)
    assert taken.json["errors"] == {"email": ["This e-mail address is already registered."]}
    same = change(app, headers, email="OLD@example.com", status=422)
    assert same.json["errors"] == {"email": ["This is already your e-mail address."]}
    invalid = change(app, headers, email="no-at-sign", status=422)
    assert invalid.json["errors"] == {"email": ["Enter a valid e-mail address."]}
    assert mailbox.messages == []
    assert app.patch_json("/api/auth/email", {}, status=401).json["code"] == \
        "authentication_required"


def test_cancel_link_path_keeps_an_encoded_address(app):
    path = "/api/auth/email/cancel/" + "z" * 43 + "/" + quote("a/b@example.com", safe="")
    assert result_page(app.get(path)) == "invalid"
