"""Users administration: roles, list filters, updates, verification, employees."""
import pytest
from sqlalchemy import select

from ticketing.models import User
from tests.conftest import PASSWORD

from .conftest import link_in, query_of, totp


@pytest.fixture
def admin(make_user, auth):
    return auth(make_user(email="admin@example.com", roles=("admin",)))


ADMIN_CALLS = [
    ("get", "/api/users", None),
    ("get", "/api/users/1", None),
    ("patch", "/api/users/1", {"name": "X Y"}),
    ("get", "/api/users/email/1", None),
    ("post", "/api/users/employees", {"first_name": "E", "last_name": "F",
                                      "email": "e@example.com"}),
]


@pytest.mark.parametrize("method, path, body", ADMIN_CALLS)
def test_admin_routes_refuse_anonymous_customers_and_employees(app, make_user, auth,
                                                               method, path, body):
    call = getattr(app, method + "_json") if body else getattr(app, method)
    args = (path, body) if body else (path,)
    assert call(*args, status=401).json["code"] == "authentication_required"
    for roles in (("customer",), ("employee",), ("customer", "employee")):
        headers = auth(make_user(roles=roles))
        response = call(*args, headers={**headers, "Accept-Language": "de"}, status=403)
        assert response.json == {"code": "forbidden",
                                 "message": "Dazu sind Sie nicht berechtigt."}


def test_list_filters_and_paginates(app, admin, make_user):
    make_user(email="carla@example.com", first_name="Carla", roles=("employee",))
    make_user(email="dan@example.com", first_name="Dan", verified=False)
    make_user(email="gone@example.com", first_name="Gone", is_active=False)

    def emails(query):
        return [user["email"] for user in app.get("/api/users?" + query, headers=admin).json["data"]]

    assert emails("search=CARLA") == ["carla@example.com"]
    assert emails("search=dan%20ex") == ["dan@example.com"]
    assert emails("search=%25") == []
    assert emails("role=employee") == ["carla@example.com"]
    assert emails("verified=false") == ["dan@example.com"]
    assert emails("is_active=false") == ["gone@example.com"]
    page = app.get("/api/users?per_page=2&page=2", headers=admin).json
    assert page["meta"] == {"page": 2, "per_page": 2, "total": 4, "last_page": 2}
    assert [user["email"] for user in page["data"]] == ["dan@example.com", "gone@example.com"]


@pytest.mark.parametrize("query, field", [
    ("role=boss", "role"), ("is_active=maybe", "is_active"), ("page=0", "page"),
    ("per_page=101", "per_page"), ("search=" + "x" * 101, "search"),
])
def test_list_refuses_bad_filters(app, admin, query, field):
    response = app.get("/api/users?" + query, headers=admin, status=422)
    assert list(response.json["errors"]) == [field]


def test_get_a_user_or_404(app, admin, make_user):
    user = make_user(email="carla@example.com")
    assert app.get(f"/api/users/{user.id}", headers=admin).json["email"] == "carla@example.com"
    missing = app.get("/api/users/999999", headers=admin, status=404).json
    assert missing["code"] == "user_not_found"
    assert app.get("/api/users/abc", headers=admin, status=404).json["code"] == "not_found"


def test_patch_splits_the_name_and_sets_roles(app, admin, make_user):
    user = make_user()
    body = app.patch_json(f"/api/users/{user.id}", {"name": "Jean Claude Van Damme",
                                                     "roles": ["employee", "customer"]},
                          headers=admin).json
    assert (body["first_name"], body["last_name"]) == ("Jean", "Claude Van Damme")
    assert body["roles"] == ["customer", "employee"]


@pytest.mark.parametrize("body, field", [
    ({"name": "A B", "first_name": "A"}, "name"),
    ({"roles": []}, "roles"),
    ({"roles": ["boss"]}, "roles.0"),
    ({"roles": "admin"}, "roles"),
    ({"twofa_enabled": True}, "twofa_enabled"),
    ({"is_active": "perhaps"}, "is_active"),
])
def test_patch_refuses_bad_fields(app, admin, make_user, body, field):
    user = make_user()
    response = app.patch_json(f"/api/users/{user.id}", body, headers=admin, status=422)
    assert list(response.json["errors"]) == [field]


def test_the_last_admin_keeps_the_role_and_nobody_deactivates_themselves(app, make_user, auth):
    me = make_user(email="admin@example.com", roles=("admin",))
    headers = auth(me)
    response = app.patch_json(f"/api/users/{me.id}", {"roles": ["customer"]},
                              headers={**headers, "Accept-Language": "fr"}, status=409)
    assert response.json == {"code": "last_admin",
                             "message": "Le dernier administrateur garde le rôle admin."}
    assert app.patch_json(f"/api/users/{me.id}", {"is_active": False}, headers=headers,
                          status=409).json["code"] == "cannot_deactivate_self"
    other = make_user(roles=("admin",))
    app.patch_json(f"/api/users/{me.id}", {"roles": ["customer"]}, headers=headers)
    assert app.get("/api/users/me", headers=headers).json["roles"] == ["customer"]
    app.get("/api/users", headers=auth(other))


def test_deactivation_ends_the_sessions(app, admin, make_user, auth, db):
    user = make_user(email="bob@example.com")
    headers = auth(user)
    body = app.patch_json(f"/api/users/{user.id}", {"is_active": False}, headers=admin).json
    assert body["is_active"] is False
    assert app.get("/api/users/me", headers=headers, status=401).json["code"] == "invalid_token"
    app.post_json("/api/auth/login", {"email": "bob@example.com", "password": PASSWORD},
                  status=403)


def test_an_admin_turns_2fa_off(app, admin, make_user, auth, mailbox):
    user = make_user(email="eve@example.com")
    headers = auth(user)
    secret = app.post("/api/auth/2fa/enable", headers=headers).json["secret"]
    app.post_json("/api/auth/2fa/confirm", {"code": totp(secret)}, headers=headers)
    body = app.patch_json(f"/api/users/{user.id}", {"twofa_enabled": False}, headers=admin).json
    assert body["twofa_enabled"] is False
    assert mailbox.wait_for(2, to="eve@example.com")[1]["Subject"] == \
        "Two-factor authentication is off"
    app.post_json("/api/auth/login", {"email": "eve@example.com", "password": PASSWORD})


def test_an_admin_verifies_an_email(app, admin, make_user):
    user = make_user(email="dan@example.com", verified=False)
    body = app.get(f"/api/users/email/{user.id}", headers=admin).json
    assert body["email_verified_at"]
    assert app.get(f"/api/users/email/{user.id}", headers=admin).json == body
    app.post_json("/api/auth/login", {"email": "dan@example.com", "password": PASSWORD})
    assert app.get("/api/users/email/999999", headers=admin, status=404).json["code"] == \
        "user_not_found"


def test_a_new_employee_sets_a_password_from_the_e_mail(app, admin, mailbox, db):
    response = app.post_json("/api/users/employees", {
        "first_name": "Erin", "last_name": "Gate", "email": "Erin@Example.com", "locale": "de",
    }, headers=admin, status=201)
    assert response.json["roles"] == ["employee"]
    assert response.json["email_verified_at"] is None
    [mail] = mailbox.wait_for(1, to="erin@example.com")
    assert mail["Subject"] == "Ihr Mitarbeiterkonto"
    link = query_of(link_in(mail, "http://front.test/password-reset?"))
    assert link["locale"] == "de"
    password = "Gate-keeper-2024"
    app.post_json("/api/auth/password/reset", {"token": link["token"], "email": link["email"],
                                               "password": password,
                                               "password_confirmation": password})
    login = app.post_json("/api/auth/login", {"email": "erin@example.com",
                                              "password": password}).json
    assert login["user"]["roles"] == ["employee"] and login["user"]["email_verified_at"]


def test_an_employee_needs_a_free_address_and_all_fields(app, admin, make_user, db):
    make_user(email="taken@example.com")
    taken = app.post_json("/api/users/employees", {"first_name": "A", "last_name": "B",
                                                   "email": "taken@example.com"},
                          headers=admin, status=422)
    assert taken.json["errors"] == {"email": ["This e-mail address is already registered."]}
    missing = app.post_json("/api/users/employees", {"email": "new@example.com"},
                            headers=admin, status=422)
    assert sorted(missing.json["errors"]) == ["first_name", "last_name"]
    assert db.execute(select(User).where(User.email == "new@example.com")).first() is None


def test_two_admins_demoting_each_other_at_once_leave_one_admin(live_server, make_user, auth,
                                                                 db):
    import json
    import threading
    import urllib.error
    import urllib.request

    from sqlalchemy import func, select

    from ticketing.models import UserRole

    first, second = make_user(roles=("admin",)), make_user(roles=("admin",))
    headers = {user.id: {**auth(user), "Content-Type": "application/json"}
               for user in (first, second)}
    barrier = threading.Barrier(2)
    statuses = []

    def demote(actor, target):
        request = urllib.request.Request(
            f"{live_server.url}/api/users/{target.id}", method="PATCH",
            data=json.dumps({"roles": ["customer"]}).encode(), headers=headers[actor.id])
        barrier.wait()
        try:
            with urllib.request.urlopen(request) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)

    threads = [threading.Thread(target=demote, args=pair) for pair in ((first, second),
                                                                        (second, first))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) in ([200, 403], [200, 409])  # the loser is no admin any more
    admins = db.scalar(select(func.count()).select_from(UserRole).where(UserRole.role == "admin"))
    assert admins == 1
