"""Races on PostgreSQL: many requests released together by a barrier against a live
server (real threads, real connections). Each race names its winner count and checks
the invariants after it; no answer is ever a 5xx."""
import functools

import pytest
import requests
from sqlalchemy import func, select

from ticketing.models import User
from tests.conftest import PASSWORD
from tests.support.services import in_parallel

pytestmark = pytest.mark.postgresql
THREADS = 10


def call(live_server, method, path, **kwargs):
    response = requests.request(method, live_server.url + path, timeout=60, **kwargs)
    assert response.status_code < 500, response.text
    assert response.headers["Content-Type"].startswith("application/json"), response.text
    return response


def test_registrations_with_one_address_make_one_account(live_server, db):
    body = {"first_name": "Ann", "last_name": "Race", "email": "race@example.com",
            "password": "a-long-password-1", "password_confirmation": "a-long-password-1"}
    register = functools.partial(call, live_server, "POST", "/api/auth/register", json=body,
                                 headers={"Accept-Language": "de"})
    responses = in_parallel([register] * THREADS)
    statuses = sorted(response.status_code for response in responses)
    assert statuses[0] == 201 and statuses.count(201) == 1, statuses
    for response in responses:
        if response.status_code != 201:
            assert response.status_code in (409, 422)
            assert response.json()["code"] in ("conflict", "validation_failed", "email_taken")
            assert response.headers["Content-Language"] == "de"
    assert db.scalar(select(func.count()).select_from(User)) == 1


def test_one_recovery_code_logs_in_once(live_server, db, make_user):
    from ticketing.accounts import twofa
    from ticketing.accounts.models import RecoveryCode

    user = make_user(email="twofa@example.com", twofa_enabled=True, twofa_secret="JBSWY3DPEHPK3PXP")
    (code, *_others) = twofa.new_recovery_codes(db, user)
    db.commit()
    login = functools.partial(call, live_server, "POST", "/api/auth/login", json={
        "email": "twofa@example.com", "password": PASSWORD, "twofa_code": code})
    statuses = [response.status_code for response in in_parallel([login] * THREADS)]
    assert statuses.count(200) == 1, statuses
    assert set(statuses) <= {200, 400, 429}, statuses
    used = db.scalar(select(func.count()).select_from(RecoveryCode)
                     .where(RecoveryCode.used_at.is_not(None)))
    assert used == 1


def test_scans_of_one_ticket_admit_it_once(live_server, world, db):
    from ticketing_scanning.models import Scan
    from ticketing_tickets.models import Ticket

    path = f"/api/tickets/scan/{world.ticket.token}"
    scanners = [world.headers["employee"], world.headers["admin"]]
    calls = [functools.partial(call, live_server, method, path, headers=scanners[i % 2])
             for i, method in enumerate(["POST", "GET"] * (THREADS // 2))]
    responses = in_parallel(calls)
    posts = [r for r in responses if r.request.method == "POST"]
    assert sorted(r.status_code for r in posts) == [200] + [409] * (len(posts) - 1)
    assert {r.json()["code"] for r in posts if r.status_code == 409} == {"already_used"}
    assert all(r.status_code == 200 for r in responses if r.request.method == "GET")
    db.expire_all()
    assert db.get(Ticket, world.ticket.id).status == "used"
    assert db.scalar(select(func.count()).select_from(Scan)) == 1


def test_edits_of_one_cart_leave_a_consistent_cart(live_server, world, db):
    from ticketing_cart.models import CartItem
    from tests.plugins.catalog.factories import create_product

    headers = world.headers["customer"]
    products = [world.product, create_product(db, stock_quantity=5)]
    calls = []
    for i in range(THREADS):
        product = products[i % 2]
        if i % 5 == 4:
            calls.append(functools.partial(call, live_server, "DELETE", "/api/cart/items",
                                           headers=headers))
        else:
            calls.append(functools.partial(call, live_server, "PATCH",
                                           f"/api/cart/item/{product.id}",
                                           json={"quantity": i % 4}, headers=headers))
    statuses = [response.status_code for response in in_parallel(calls)]
    assert set(statuses) == {200}, statuses
    rows = db.execute(select(CartItem.cart_id, CartItem.product_id, CartItem.quantity)).all()
    assert len({(row.cart_id, row.product_id) for row in rows}) == len(rows)
    assert all(0 < row.quantity <= 5 for row in rows)
    final = call(live_server, "GET", "/api/cart", headers=headers).json()["data"]
    assert sorted(item["product_id"] for item in final["items"]) == sorted(
        row.product_id for row in rows)
