"""The whole life of an account, through the API and real e-mails."""
import base64

from .conftest import link_in, path_of, result_page, totp

PASSWORD = "Sunny-meadow-42"


def test_register_verify_login_twofa_logout(app, mailbox, probe):
    response = app.post_json("/api/auth/register", {
        "first_name": "Ada", "last_name": "Lovelace", "email": "Ada@Example.com",
        "password": PASSWORD, "password_confirmation": PASSWORD,
    }, status=201)
    assert response.json["user"]["email"] == "ada@example.com"
    assert response.json["user"]["email_verified_at"] is None

    refused = app.post_json("/api/auth/login", {"email": "ada@example.com", "password": PASSWORD},
                            status=403)
    assert refused.json["code"] == "email_not_verified"

    [mail] = mailbox.wait_for(1, to="ada@example.com")
    assert mail["Subject"] == "Verify your e-mail address"
    link = link_in(mail, "http://api.test/api/auth/email/")
    assert result_page(app.get(path_of(link))) == "success"
    assert result_page(app.get(path_of(link))) == "already-verified"

    login = app.post_json("/api/auth/login", {"email": "ada@example.com", "password": PASSWORD},
                          headers={"X-Guest-Cart-ID": "guest-1"}).json
    assert login["message"] == "Logged in successfully"
    assert login["twofa_enabled"] is False
    assert probe.logins == [("ada@example.com", "guest-1")]
    headers = {"Authorization": "Bearer " + login["token"]}

    setup = app.post("/api/auth/2fa/enable", headers=headers).json
    assert setup["qr_code_url"].startswith("data:image/png;base64,")
    assert base64.b64decode(setup["qr_code_url"].split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    codes = app.post_json("/api/auth/2fa/confirm", {"code": totp(setup["secret"])},
                          headers=headers).json["recovery_codes"]
    assert len(codes) == 8 and len(set(codes)) == 8
    notice = mailbox.wait_for(2, to="ada@example.com")[1]
    assert notice["Subject"] == "Two-factor authentication is on"
    assert app.get("/api/users/me", headers=headers).json["twofa_enabled"] is True

    credentials = {"email": "ada@example.com", "password": PASSWORD}
    needed = app.post_json("/api/auth/login", credentials, status=400).json
    assert needed == {"message": "Two-factor authentication code is required",
                      "code": "twofa_required"}
    second = app.post_json("/api/auth/login", {**credentials, "twofa_code": totp(setup["secret"], 30)}).json
    assert second["twofa_enabled"] is True

    app.post("/api/auth/logout", headers=headers)
    gone = app.get("/api/users/me", headers=headers, status=401).json
    assert gone["code"] == "invalid_token"
    assert app.get("/api/users/me", headers={"Authorization": "Bearer " + second["token"]}).json[
        "email"] == "ada@example.com"
