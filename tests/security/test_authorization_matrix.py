"""Who may call what: every route of the app × every kind of caller → the status it gets.

``MATRIX`` has one row per (method, route pattern) of the app's route registry; a new
endpoint without a row fails ``test_every_route_has_a_row``. A role that may use a route
gets a success (or, where a success needs state the row does not arrange, the domain
answer that proves it got past authorization: 409, 422, 302); anonymous callers get 401,
wrong roles 403, and objects of another user 404 (their existence is not revealed).
"""
import pytest
from sqlalchemy import select

from ticketing_cart.models import Cart
from tests.security.conftest import ROLES

PRODUCT = {
    "category": "concert", "price": "30.00", "stock_quantity": 10, "venue": "Hall",
    "starts_at": "2031-01-01T19:00:00+00:00",
    "translations": {code: {"name": f"Show {code}", "description": "About"}
                     for code in ("en", "de", "fr")},
}
NEW_PASSWORD = {"current_password": "{password}", "password": "another-long-secret-7",
                "password_confirmation": "another-long-secret-7"}


def everyone(status):
    return dict.fromkeys(ROLES, status)


def signed_in(status):
    return {**everyone(status), "anonymous": 401}


def admins(status):
    return {"anonymous": 401, "customer": 403, "other": 403, "employee": 403, "admin": status}


def gate(status):
    return {**admins(status), "employee": status}


def owner(status):
    """Only the customer who owns the object; everyone else signed in gets 404."""
    return {**signed_in(404), "customer": status}


# (method, route pattern) -> (path, JSON body or None, {role: status}); "{name}" in a
# path or a body string is filled from World.values
MATRIX = {
    ("GET", "/api/openapi.json"): ("/api/openapi.json", None, everyone(200)),
    ("GET", "/api/docs"): ("/api/docs", None, everyone(200)),
    ("GET", "api/docs/assets/*subpath"): ("/api/docs/assets/swagger-ui.css", None, everyone(200)),
    ("GET", "api/docs/own/*subpath"): ("/api/docs/own/docs.js", None, everyone(200)),
    ("GET", "/api/health"): ("/api/health", None, everyone(200)),
    # accounts
    ("POST", "/api/auth/register"): ("/api/auth/register", {
        "first_name": "N", "last_name": "N", "email": "new-{fresh}@example.com",
        "password": "a-long-password-1", "password_confirmation": "a-long-password-1",
    }, everyone(201)),
    ("GET", r"/api/auth/email/{id:\d+}/{hash}"): (
        "/api/auth/email/{customer_id}/not-a-token", None, everyone(302)),
    ("POST", "/api/auth/email/resend"): (
        "/api/auth/email/resend", {"email": "{customer_email}"}, everyone(200)),
    ("POST", "/api/auth/login"): ("/api/auth/login", {
        "email": "{customer_email}", "password": "{password}"}, everyone(200)),
    ("POST", "/api/auth/logout"): ("/api/auth/logout", None, signed_in(200)),
    ("POST", "/api/auth/2fa/enable"): ("/api/auth/2fa/enable", None, signed_in(200)),
    ("POST", "/api/auth/2fa/confirm"): (  # no setup started: the domain's 409
        "/api/auth/2fa/confirm", {"code": "123456"}, signed_in(409)),
    ("POST", "/api/auth/2fa/disable"): (  # 2FA is off: the domain's 409
        "/api/auth/2fa/disable", {"code": "123456"}, signed_in(409)),
    ("POST", "/api/auth/password/forgot"): (
        "/api/auth/password/forgot", {"email": "{customer_email}"}, everyone(200)),
    ("POST", "/api/auth/password/reset"): ("/api/auth/password/reset", {
        "token": "x" * 43, "email": "{customer_email}", "password": "a-long-password-1",
        "password_confirmation": "a-long-password-1"}, everyone(400)),
    ("POST", "/api/auth/password"): ("/api/auth/password", NEW_PASSWORD, signed_in(200)),
    ("GET", "/api/users/me"): ("/api/users/me", None, signed_in(200)),
    ("PATCH", "/api/users/me"): ("/api/users/me", {"first_name": "Zoe"}, signed_in(200)),
    ("PATCH", "/api/auth/email"): ("/api/auth/email", {
        "email": "moved-{fresh}@example.com", "current_password": "{password}"},
        signed_in(200)),
    ("GET", "/api/auth/email/change/verify"): (
        "/api/auth/email/change/verify?token=nope&old_email=a@b.c", None, everyone(302)),
    ("GET", "/api/auth/email/cancel/{token}/{old_email:.+}"): (
        "/api/auth/email/cancel/nope/a@b.c", None, everyone(302)),
    # users (admin)
    ("GET", "/api/users"): ("/api/users", None, admins(200)),
    ("GET", r"/api/users/{id:\d+}"): ("/api/users/{customer_id}", None, admins(200)),
    ("PATCH", r"/api/users/{id:\d+}"): (
        "/api/users/{customer_id}", {"first_name": "Changed"}, admins(200)),
    ("GET", r"/api/users/email/{id:\d+}"): ("/api/users/email/{customer_id}", None, admins(200)),
    ("POST", "/api/users/employees"): ("/api/users/employees", {
        "first_name": "E", "last_name": "E", "email": "staff-{fresh}@example.com"},
        admins(201)),
    # catalogue
    ("GET", "/api/products"): ("/api/products", None, everyone(200)),
    ("POST", "/api/products"): ("/api/products", PRODUCT, admins(201)),
    ("GET", "/api/products/all"): ("/api/products/all", None, admins(200)),
    ("GET", r"/api/products/{id:\d+}"): ("/api/products/{product_id}", None, everyone(200)),
    ("PUT", r"/api/products/{id:\d+}"): ("/api/products/{product_id}", PRODUCT, admins(200)),
    ("PATCH", r"/api/products/{id:\d+}/pricing"): (
        "/api/products/{product_id}/pricing", {"sale": "0.10"}, admins(200)),
    # cart (guests and users alike; each caller has their own cart)
    ("GET", "/api/cart"): ("/api/cart", None, everyone(200)),
    ("PATCH", r"/api/cart/item/{product_id:\d+}"): (
        "/api/cart/item/{product_id}", {"quantity": 2}, everyone(200)),
    ("DELETE", "/api/cart/items"): ("/api/cart/items", None, everyone(200)),
    # tickets
    ("GET", "/api/tickets/user"): ("/api/tickets/user", None, signed_in(200)),
    ("GET", "/api/tickets/{filename}"): ("/api/tickets/{pdf}", None, owner(200)),
    ("GET", "/api/tickets/qr/{filename}"): ("/api/tickets/qr/{qr}", None, owner(200)),
    ("GET", "/api/tickets"): ("/api/tickets", None, admins(200)),
    ("POST", "/api/tickets"): (  # the product is no event on sale: the domain's 422
        "/api/tickets", {"user_id": "{customer_id}", "quantity": 1, "locale": "en",
                         "product_id": 999999}, admins(422)),
    ("GET", "/api/tickets/admin/{filename}"): ("/api/tickets/admin/{pdf}", None, admins(200)),
    ("GET", "/api/tickets/admin/qr/{filename}"): ("/api/tickets/admin/qr/{qr}", None, admins(200)),
    ("PUT", "/api/tickets/admin/{id}/status"): (
        "/api/tickets/admin/{ticket_id}/status", {"status": "cancelled"}, admins(200)),
    # scanning
    ("GET", "/api/tickets/scan/{token}"): ("/api/tickets/scan/{token}", None, gate(200)),
    ("POST", "/api/tickets/scan/{token}"): ("/api/tickets/scan/{token}", None, gate(200)),
}


def registered_routes(registry):
    """(method, pattern) of every view the app serves: HEAD goes with GET, Cornice's
    405 fallbacks are not endpoints, static views answer GET."""
    routes = set()
    for item in registry.introspector.get_category("views"):
        view = item["introspectable"]
        patterns = [r["pattern"] for r in item["related"] if r.category_name == "routes"]
        if not patterns or getattr(view["callable"], "__name__", "") == "_fallback_view":
            continue
        methods = view["request_methods"] or ("GET",)
        for method in (methods,) if isinstance(methods, str) else methods:
            if method != "HEAD":
                routes.add((method, patterns[0]))
    return routes


def test_every_route_has_a_row(registry):
    routes = registered_routes(registry)
    assert sorted(routes - MATRIX.keys()) == [], "add these routes to MATRIX"
    assert sorted(MATRIX.keys() - routes) == [], "these MATRIX rows name no route"


def fill(value, values):
    if isinstance(value, str):
        return value.format(**values)
    if isinstance(value, dict):
        return {key: fill(item, values) for key, item in value.items()}
    return value


def int_fields(body):
    """Placeholders of ids were filled as strings; the API wants numbers."""
    return {key: int(value) if key.endswith("_id") and str(value).isdigit() else value
            for key, value in body.items()}


@pytest.mark.parametrize("route", sorted(MATRIX), ids=" ".join)
def test_route_answers_each_role(app, make_world, route):
    """Each role calls the route in a world of its own, so no call sees another's effect."""
    method, _pattern = route
    path, body, expected = MATRIX[route]
    answered = {}
    for role in ROLES:
        world = make_world()
        values = world.values
        kwargs = {"headers": {**world.headers[role], "Accept-Language": "de"},
                  "status": "*", "expect_errors": True}
        if body is None:
            response = app.request(fill(path, values), method=method, **kwargs)
        else:
            response = getattr(app, method.lower() + "_json")(
                fill(path, values), int_fields(fill(body, values)), **kwargs)
        answered[role] = response.status_int
        if response.status_int >= 400:
            assert response.json["code"], response.text
            assert response.headers["Content-Language"] == "de"
    assert answered == expected


def test_lists_and_carts_hold_only_the_callers_own_objects(app, world):
    """Owner checks beyond the file routes: another customer's list is empty, and naming
    a user's cart as a guest cart yields a fresh cart, not theirs."""
    own = app.get("/api/tickets/user", headers=world.headers["customer"]).json["data"]
    assert [ticket["id"] for ticket in own] == [world.ticket.id]
    assert app.get("/api/tickets/user", headers=world.headers["other"]).json["data"] == []
    app.patch_json(f"/api/cart/item/{world.product.id}", {"quantity": 2},
                   headers=world.headers["customer"])
    with app.app.registry["dbsession_factory"]() as session:
        cart_id = session.scalars(select(Cart.id).where(
            Cart.user_id == world.users["customer"].id)).one()
    for role in ("anonymous", "other"):
        cart = app.get("/api/cart", headers={**world.headers[role],
                                             "X-Guest-Cart-ID": str(cart_id)}).json
        assert cart["data"]["items"] == [] and cart["meta"].get("guest_cart_id") != str(cart_id)
