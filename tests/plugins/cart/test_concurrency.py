"""Requests changing one cart at once, on a live server: no duplicate line (which would
fail on the (cart, product) key), no lost update."""
import pytest
import requests
from sqlalchemy import select

from ticketing_cart.models import CartItem
from tests.plugins.catalog.factories import create_product
from tests.support.services import in_parallel

THREADS = 8
ROUNDS = 3  # the race is short: several rounds make a missing lock fail reliably


@pytest.fixture
def cart_headers(live_server, make_user, auth):
    """``cart_headers(kind)`` → headers naming an existing guest or user cart."""
    def build(kind):
        headers = auth(make_user()) if kind == "user" else {}
        body = requests.get(f"{live_server.url}/api/cart", headers=headers, timeout=30).json()
        if kind == "guest":
            headers["X-Guest-Cart-ID"] = body["meta"]["guest_cart_id"]
        return headers
    return build


def patch(live_server, headers, product, quantity):
    return requests.patch(f"{live_server.url}/api/cart/item/{product.id}",
                          json={"quantity": quantity}, headers=headers, timeout=30).status_code


@pytest.mark.postgresql
@pytest.mark.parametrize("kind", ["guest", "user"])
def test_parallel_changes_of_one_line_leave_one_line(live_server, db, cart_headers, kind):
    for _round in range(ROUNDS):
        product = create_product(db)
        headers = cart_headers(kind)
        statuses = in_parallel([lambda n=n: patch(live_server, headers, product, n)
                                for n in range(1, THREADS + 1)])
        assert statuses == [200] * THREADS
        lines = db.execute(select(CartItem.quantity).where(CartItem.product_id == product.id))
        assert [quantity in range(1, THREADS + 1) for quantity in lines.scalars()] == [True]


@pytest.mark.postgresql
def test_parallel_changes_of_different_lines_all_land(live_server, db, cart_headers):
    products = [create_product(db) for _ in range(THREADS)]
    headers = cart_headers("guest")
    statuses = in_parallel([lambda p=p: patch(live_server, headers, p, 2) for p in products])
    assert statuses == [200] * THREADS
    body = requests.get(f"{live_server.url}/api/cart", headers=headers, timeout=30).json()
    assert sorted(i["product_id"] for i in body["data"]["items"]) == [p.id for p in products]
