"""Security basics: secrets never kept or logged in clear, security headers on every
response, no wildcard CORS, secrets from the environment in deployable ini files."""
import configparser
import logging
from pathlib import Path
from urllib.parse import unquote

import pytest
from pyramid.exceptions import ConfigurationError

from ticketing.tweens import SECURITY_HEADERS
from tests.core.accounts.conftest import link_in, path_of, query_of, totp
from tests.security.test_authorization_matrix import MATRIX, fill
from tests.support.database import table_rows

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Sunny-meadow-42"


def database_text(engine):
    """Every row of every table as text."""
    return "\n".join(row for rows in table_rows(engine).values() for row in rows)


def test_tokens_links_and_codes_are_kept_and_logged_only_as_digests(app, mailbox, engine,
                                                                     caplog):
    """The account story, then every clear secret it handed out is looked for in every
    table and in everything the app logged (DEBUG, all loggers)."""
    caplog.set_level(logging.DEBUG)
    secrets = []
    email = "ada@example.com"
    app.post_json("/api/auth/register", {"first_name": "Ada", "last_name": "L", "email": email,
                                         "password": PASSWORD,
                                         "password_confirmation": PASSWORD}, status=201)
    verify = link_in(mailbox.wait_for(1, to=email)[0], "http://api.test/api/auth/email/")
    secrets.append(verify.rsplit("/", 1)[1])
    app.get(path_of(verify), status=302)
    token = app.post_json("/api/auth/login", {"email": email, "password": PASSWORD}).json["token"]
    secrets.append(token)
    headers = {"Authorization": "Bearer " + token}
    setup = app.post("/api/auth/2fa/enable", headers=headers).json
    codes = app.post_json("/api/auth/2fa/confirm", {"code": totp(setup["secret"])},
                          headers=headers).json["recovery_codes"]
    secrets += codes + [code.replace("-", "") for code in codes]
    app.post_json("/api/auth/password/forgot", {"email": email})
    reset = query_of(link_in(mailbox.wait_for(3, to=email)[-1], "http://front.test/"))
    secrets.append(reset["token"])
    app.post_json("/api/auth/password/reset", {
        "token": reset["token"], "email": email, "password": PASSWORD + "!",
        "password_confirmation": PASSWORD + "!"})
    second = app.post_json("/api/auth/login", {"email": email, "password": PASSWORD + "!",
                                               "twofa_code": codes[0]}).json["token"]
    secrets.append(second)
    app.patch_json("/api/auth/email", {"email": "ada2@example.com",
                                       "current_password": PASSWORD + "!"},
                   headers={"Authorization": "Bearer " + second})
    change = link_in(mailbox.wait_for(1, to="ada2@example.com")[0], "http://api.test/")
    cancel = link_in(mailbox.wait_for(4, to=email)[-1], "http://api.test/api/auth/email/cancel/")
    secrets += [query_of(change)["token"], unquote(cancel).split("/cancel/")[1].split("/")[0]]
    app.get(path_of(change), status=302)

    assert len(secrets) == 22 and all(len(secret) >= 16 for secret in secrets)
    stored = database_text(engine)
    logged = "\n".join(record.getMessage() + str(record.exc_info) for record in caplog.records
                       if not record.name.startswith("mail.log"))  # the test's SMTP server
    assert [s for s in secrets if s in stored] == []
    assert [s for s in secrets if s in logged] == []


def test_every_kind_of_response_carries_the_security_headers(app, world):
    responses = [app.request(fill(path, world.values), method=method, status="*",
                             expect_errors=True)
                 for (method, _pattern), (path, _body, _statuses) in MATRIX.items()]
    responses += [
        app.get("/nowhere", status=404),
        app.delete("/api/products", status=405),
        app.post("/api/auth/login", b"x" * 2_000_000, status=413,
                 content_type="application/json"),
        app.options("/api/products", headers={"Origin": "https://evil.test",
                                              "Access-Control-Request-Method": "GET"},
                    status=403),
        app.get("/api/docs"),
    ]
    for response in responses:
        for name in SECURITY_HEADERS:
            assert name in response.headers, (response.request.path, name)
        assert response.headers["X-Request-ID"]
        assert "Server-Timing" not in response.headers


def test_a_wildcard_cors_origin_stops_startup(make_app):
    with pytest.raises(ConfigurationError, match="cors_origins"):
        make_app(**{"ticketing.cors_origins": "https://shop.test *"})


SECRET_SETTINGS = ("ticketing.secret", "ticketing.stripe.secret_key",
                   "ticketing.stripe.webhook_secret", "mail.password", "sqlalchemy.url")


@pytest.mark.parametrize("ini", sorted(ROOT.glob("*.ini")), ids=lambda path: path.name)
def test_ini_files_take_secrets_from_the_environment(ini):
    """A deployable ini file reads every secret from the environment (``env:NAME``);
    development.ini may only carry values that say they are for development."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read(ini)
    values = {key: parser["app:main"][key] for key in SECRET_SETTINGS
              if parser.has_section("app:main") and key in parser["app:main"]}
    for key, value in values.items():
        if key == "sqlalchemy.url" and "@" not in value:
            continue  # no credentials in it
        if ini.name == "development.ini":
            assert "development" in value or value.startswith("env:"), (key, value)
        else:
            assert value.startswith("env:"), (ini.name, key)
    assert ini.name == "pytest.ini" or values
