"""The statements each hot endpoint sends, counted: the benchmark's figures (bench/)
rest on them. A count that grows with the data (N+1) or by one more round trip fails
here first."""
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from ticketing.db import utcnow
from tests.plugins.catalog.factories import create_product
from tests.security.conftest import add_ticket


@pytest.fixture
def statements(app):
    """``with statements() as sent:`` → the SQL the app sent inside the block."""
    engine = app.app.registry["db_engine"]

    @contextmanager
    def recording():
        sent = []

        def record(_conn, _cursor, statement, _params, _context, _many):
            sent.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            yield sent
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return recording


@pytest.fixture
def products(db):
    return [create_product(db, stock_quantity=50) for _ in range(25)]


def guest_cart(app, products, lines):
    cart_id = app.get("/api/cart").json["meta"]["guest_cart_id"]
    headers = {"X-Guest-Cart-ID": cart_id}
    for product in products[:lines]:
        app.patch_json(f"/api/cart/item/{product.id}", {"quantity": 1}, headers=headers)
    return headers


@pytest.fixture
def ticket(db, registry, make_user, products):
    """``ticket(status)`` → a ticket of a new customer's paid payment."""
    def factory(status="issued"):
        used_at = utcnow() if status == "used" else None
        return add_ticket(db, registry, make_user(), products[0], status=status, used_at=used_at)

    return factory


@pytest.mark.parametrize("per_page", [3, 20])
def test_product_list_sends_the_same_statements_for_any_page_size(app, products, statements,
                                                                  per_page):
    with statements() as sent:
        page = app.get(f"/api/products?per_page={per_page}",
                       headers={"Accept-Language": "de"}).json
    assert len(page["data"]) == per_page
    assert page["data"][0]["name"] == "Concert (de)"
    assert page["meta"]["total"] == 25
    assert len(sent) == 2  # the count and the page, texts joined in


@pytest.mark.parametrize("lines", [1, 5])
def test_guest_cart_get_sends_the_same_statements_for_any_number_of_lines(
        app, products, statements, lines):
    headers = guest_cart(app, products, lines)
    with statements() as sent:
        body = app.get("/api/cart", headers=headers).json
    assert len(body["data"]["items"]) == lines
    assert len(sent) == 3


@pytest.mark.parametrize("lines", [1, 5])
def test_guest_cart_patch_statements(app, products, statements, lines):
    headers = guest_cart(app, products, lines)
    with statements() as sent:
        body = app.patch_json(f"/api/cart/item/{products[0].id}", {"quantity": 3},
                              headers=headers).json
    assert body["data"]["items"][0]["quantity"] == 3
    assert len(sent) == 4


def test_user_cart_patch_statements(app, products, statements, make_user, auth):
    headers = auth(make_user())
    app.patch_json(f"/api/cart/item/{products[1].id}", {"quantity": 1}, headers=headers)
    with statements() as sent:
        body = app.patch_json(f"/api/cart/item/{products[0].id}", {"quantity": 2},
                              headers=headers).json
    assert [item["quantity"] for item in body["data"]["items"]] == [2, 1]
    assert len(sent) == 5


@pytest.fixture
def employee(make_user, auth):
    return auth(make_user(roles=("employee",)))


def test_scan_post_of_a_fresh_ticket_statements(app, ticket, employee, statements):
    token = ticket().token
    with statements() as sent:
        body = app.post(f"/api/tickets/scan/{token}", headers=employee).json
    assert body["data"]["status"] == "used"
    assert len(body["data"]["scans"]) == 1
    assert len(sent) == 4  # who, the admitting UPDATE ... RETURNING, the scan, the scans


def test_scan_post_of_a_used_ticket_statements(app, ticket, employee, statements):
    token = ticket(status="used").token
    with statements() as sent:
        body = app.post(f"/api/tickets/scan/{token}", headers=employee, status=409).json
    assert body["code"] == "already_used"
    assert len(sent) == 3
