"""Two-factor authentication: set-up, login with codes, replay, recovery codes, disable."""
from datetime import timedelta

from sqlalchemy import select, update

from ticketing.db import utcnow
from ticketing.models import User
from tests.conftest import PASSWORD

from .conftest import totp


def enable(app, headers):
    setup = app.post("/api/auth/2fa/enable", headers=headers).json
    codes = app.post_json("/api/auth/2fa/confirm", {"code": totp(setup["secret"])},
                          headers=headers).json["recovery_codes"]
    return setup["secret"], codes


def login(app, email, status=200, **extra):
    return app.post_json("/api/auth/login", {"email": email, "password": PASSWORD, **extra},
                         status=status)


def test_enable_returns_a_qr_of_an_otpauth_uri_valid_10_minutes(app, make_user, auth, db):
    headers = auth(make_user(email="eve@example.com"))
    setup = app.post("/api/auth/2fa/enable", headers=headers).json
    assert len(setup["secret"]) == 32
    expires = db.execute(select(User.twofa_pending_until)).scalar_one()
    assert expires.isoformat() == setup["expires_at"]
    assert timedelta(minutes=9) < expires - utcnow() <= timedelta(minutes=10)
    assert app.get("/api/users/me", headers=headers).json["twofa_enabled"] is False


def test_the_qr_code_holds_the_otpauth_uri(app, make_user, auth, tmp_path):
    import base64
    import subprocess

    from tests.support.services import require_tool

    headers = auth(make_user(email="eve@example.com"))
    setup = app.post("/api/auth/2fa/enable", headers=headers).json
    image = tmp_path / "qr.png"
    image.write_bytes(base64.b64decode(setup["qr_code_url"].split(",", 1)[1]))
    decoded = subprocess.run([require_tool("zbarimg"), "--quiet", "--raw", str(image)],
                             check=True, capture_output=True, text=True).stdout.strip()
    assert decoded == (f"otpauth://totp/Test%20Shop:eve%40example.com?secret={setup['secret']}"
                       "&issuer=Test%20Shop")


def test_confirm_refuses_a_wrong_code_and_an_expired_setup(app, make_user, auth, db):
    headers = auth(make_user())
    setup = app.post("/api/auth/2fa/enable", headers=headers).json
    wrong = "000000" if totp(setup["secret"]) != "000000" else "111111"
    response = app.post_json("/api/auth/2fa/confirm", {"code": wrong}, headers=headers,
                             status=400)
    assert response.json["code"] == "twofa_invalid"
    db.execute(update(User).values(twofa_pending_until=utcnow() - timedelta(seconds=1)))
    db.commit()
    response = app.post_json("/api/auth/2fa/confirm", {"code": totp(setup["secret"])},
                             headers={**headers, "Accept-Language": "de"}, status=409)
    assert response.json == {"code": "twofa_setup_expired",
                             "message": "Die Einrichtung ist abgelaufen. Bitte beginnen Sie erneut."}
    assert db.execute(select(User.twofa_enabled)).scalar_one() is False


def test_confirm_without_a_setup_and_enable_twice_are_conflicts(app, make_user, auth):
    headers = auth(make_user())
    response = app.post_json("/api/auth/2fa/confirm", {"code": "123456"}, headers=headers,
                             status=409)
    assert response.json["code"] == "twofa_setup_expired"
    enable(app, headers)
    assert app.post("/api/auth/2fa/enable", headers=headers,
                    status=409).json["code"] == "twofa_already_enabled"


def test_twofa_endpoints_need_a_token(app):
    for path in ("/api/auth/2fa/enable", "/api/auth/2fa/confirm", "/api/auth/2fa/disable"):
        assert app.post(path, status=401).json["code"] == "authentication_required"


def test_a_totp_code_is_accepted_once_and_with_one_step_of_drift(app, make_user, auth):
    user = make_user(email="eve@example.com")
    secret, _codes = enable(app, auth(user))
    next_code = totp(secret, 30)
    login(app, "eve@example.com", twofa_code=next_code)
    replay = login(app, "eve@example.com", status=400, twofa_code=next_code).json
    assert replay["code"] == "twofa_invalid"
    late = login(app, "eve@example.com", status=400, twofa_code=totp(secret, 120)).json
    assert late["code"] == "twofa_invalid"


def test_a_recovery_code_logs_in_once(app, make_user, auth):
    secret, codes = enable(app, auth(make_user(email="eve@example.com")))
    login(app, "eve@example.com", twofa_code=codes[0].lower())
    again = login(app, "eve@example.com", status=400, twofa_code=codes[0]).json
    assert again["code"] == "twofa_invalid"
    login(app, "eve@example.com", twofa_code=codes[1].replace("-", ""))


def test_wrong_twofa_codes_are_throttled(app, make_user, auth):
    secret, _codes = enable(app, auth(make_user(email="eve@example.com")))
    for _ in range(5):
        login(app, "eve@example.com", status=400, twofa_code="12345x")
    assert login(app, "eve@example.com", status=429,
                 twofa_code=totp(secret, 30)).json["code"] == "too_many_requests"


def test_disable_with_a_recovery_code_turns_2fa_off_and_tells_the_user(app, make_user, auth,
                                                                        mailbox, db):
    user = make_user(email="eve@example.com", locale="de")
    headers = auth(user)
    _secret, codes = enable(app, headers)
    wrong = app.post_json("/api/auth/2fa/disable", {"code": "AAAA-BBBB-CCCC-DDDD"},
                          headers={**headers, "Accept-Language": "de"}, status=400)
    assert wrong.json["message"] == "Der Code der Zwei-Faktor-Authentifizierung ist falsch."
    response = app.post_json("/api/auth/2fa/disable", {"code": codes[3]}, headers=headers)
    assert response.json["message"] == "Two-factor authentication is off."
    row = db.execute(select(User).where(User.id == user.id)).scalar_one()
    assert (row.twofa_enabled, row.twofa_secret) == (False, None)
    subjects = [mail["Subject"] for mail in mailbox.wait_for(2, to="eve@example.com")]
    assert subjects == ["Zwei-Faktor-Authentifizierung ist eingeschaltet",
                        "Zwei-Faktor-Authentifizierung ist ausgeschaltet"]
    login(app, "eve@example.com")
    assert app.post_json("/api/auth/2fa/disable", {"code": codes[4]}, headers=headers,
                         status=409).json["code"] == "twofa_not_enabled"


def test_disable_with_a_totp_code(app, make_user, auth):
    headers = auth(make_user())
    secret, _codes = enable(app, headers)
    app.post_json("/api/auth/2fa/disable", {"code": totp(secret, 30)}, headers=headers)
    assert app.get("/api/users/me", headers=headers).json["twofa_enabled"] is False


def test_disable_requires_a_code(app, make_user, auth):
    headers = auth(make_user())
    enable(app, headers)
    response = app.post_json("/api/auth/2fa/disable", {"code": 123456}, headers=headers,
                             status=422)
    assert response.json["errors"] == {"code": ["Must be text."]}
