"""The account endpoints appear in a valid OpenAPI (Swagger 2.0) document."""
from openapi_spec_validator import validate


def test_every_account_path_is_documented(app):
    spec = app.get("/api/openapi.json").json
    validate(spec)
    for path, method in [
        ("/api/auth/register", "post"), ("/api/auth/email/{id}/{hash}", "get"),
        ("/api/auth/email/resend", "post"), ("/api/auth/login", "post"),
        ("/api/auth/logout", "post"), ("/api/auth/2fa/enable", "post"),
        ("/api/auth/2fa/confirm", "post"), ("/api/auth/2fa/disable", "post"),
        ("/api/auth/password/forgot", "post"), ("/api/auth/password/reset", "post"),
        ("/api/auth/password", "post"), ("/api/users/me", "get"), ("/api/users/me", "patch"),
        ("/api/auth/email", "patch"), ("/api/auth/email/change/verify", "get"),
        ("/api/auth/email/cancel/{token}/{old_email}", "get"), ("/api/users", "get"),
        ("/api/users/{id}", "get"), ("/api/users/{id}", "patch"),
        ("/api/users/email/{id}", "get"), ("/api/users/employees", "post"),
    ]:
        assert method in spec["paths"][path], (path, method)
    login = spec["paths"]["/api/auth/login"]["post"]
    assert login["operationId"] == "login" and "429" in login["responses"]
