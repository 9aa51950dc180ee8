"""Bearer tokens: 401 without or with a bad/expired token or inactive user, 403 for a
role without the permission."""
from datetime import timedelta

from sqlalchemy import select

from ticketing.models import AuthToken
from ticketing.security import digest


def test_no_token_is_401(sample_app):
    response = sample_app.get("/api/sample/secret", headers={"Accept-Language": "fr"},
                              status=401)
    assert response.json == {"message": "Une authentification est requise.",
                             "code": "authentication_required"}
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_unknown_token_is_401_invalid_token(sample_app):
    response = sample_app.get("/api/sample/secret", headers={"Authorization": "Bearer nope"},
                              status=401)
    assert response.json["code"] == "invalid_token"


def test_role_without_permission_is_403(sample_app, make_user, auth):
    customer = make_user(roles=("customer",))
    response = sample_app.get("/api/sample/secret", headers=auth(customer), status=403)
    assert response.json["code"] == "forbidden"


def test_plugin_permission_and_settings_reach_the_view(sample_app, make_user, auth):
    employee = make_user(roles=("customer", "employee"))
    assert sample_app.get("/api/sample/secret", headers=auth(employee)).json == {
        "greeting": "hello", "limit": 3}


def test_admin_holds_every_permission(sample_app, make_user, auth):
    admin = make_user(roles=("admin",))
    assert sample_app.get("/api/sample/secret", headers=auth(admin)).status_int == 200


def test_expired_token_is_401(sample_app, make_user, auth, db):
    employee = make_user(roles=("employee",))
    headers = auth(employee)
    token = db.scalars(select(AuthToken).where(AuthToken.user_id == employee.id)).one()
    token.expires_at = token.created_at - timedelta(seconds=1)
    db.commit()
    assert sample_app.get("/api/sample/secret", headers=headers, status=401).json[
        "code"] == "invalid_token"


def test_inactive_user_token_stops_working(sample_app, make_user, auth, db):
    employee = make_user(roles=("employee",))
    headers = auth(employee)
    employee.is_active = False
    db.commit()
    sample_app.get("/api/sample/secret", headers=headers, status=401)


def test_tokens_are_stored_as_digests(make_user, auth, db):
    user = make_user()
    token = auth(user)["Authorization"].split()[1]
    stored = db.scalars(select(AuthToken.digest)).all()
    assert stored == [digest(token)] and token not in stored
