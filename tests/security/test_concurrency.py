"""Races on PostgreSQL: many requests released together by a barrier against a live
server (real threads, real connections). Each race names its winner count and checks
the invariants after it; no answer is ever a 5xx."""
import functools
from decimal import Decimal

import pytest
import requests
import sqlalchemy as sa
import stripe
from sqlalchemy import func, select

from ticketing.models import User
from tests.conftest import PASSWORD
from tests.security.conftest import assert_sales_invariants
from tests.plugins.catalog.factories import create_product
from tests.plugins.payments.helpers import (WEBHOOK_PATH, checkout, deliver, fill_cart, intent,
                                            intent_id, signed)
from tests.support.localstripe import confirm_as_customer
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


# -- money: buyers, Stripe's deliveries, refunds -------------------------------------------


def buy(app, localstripe, headers, product, quantity):
    """A checkout confirmed by the customer: the signed ``payment_intent.succeeded``
    event Stripe would deliver, as (body, headers), and the checkout's answer."""
    fill_cart(app, headers, product, quantity)
    created = checkout(app, headers)
    confirm_as_customer(localstripe, created["client_secret"])
    return signed("payment_intent.succeeded", intent(created["client_secret"])), created


def test_buyers_racing_for_the_last_units_never_oversell(app, db, world, make_user, auth,
                                                        localstripe, live_server, mailbox):
    product = create_product(db, price=2000, stock_quantity=3)
    buyers = [auth(make_user()) for _ in range(THREADS)]
    for headers in buyers:
        fill_cart(app, headers, product, 1)
    responses = in_parallel([functools.partial(call, live_server, "POST", "/api/payments",
                                               headers=headers) for headers in buyers])

    created = [response.json() for response in responses if response.status_code == 201]
    assert len(created) == 3
    assert {response.json()["code"] for response in responses
            if response.status_code != 201} == {"insufficient_stock"}
    for body in created:
        confirm_as_customer(localstripe, body["client_secret"])
        deliver(app, "payment_intent.succeeded", intent(body["client_secret"]))
    assert len(mailbox.wait_for(3)) == 3
    assert_sales_invariants(db, {product.id: 3, world.product.id: 5})


def test_parallel_deliveries_of_one_event_take_effect_once(app, db, world, localstripe,
                                                           live_server, mailbox):
    (body, headers), _created = buy(app, localstripe, world.headers["other"], world.product, 2)
    deliver_once = functools.partial(call, live_server, "POST", WEBHOOK_PATH, data=body,
                                     headers=headers)

    responses = in_parallel([deliver_once] * THREADS)

    applied = [r for r in responses if r.status_code == 200 and not r.json()["duplicate"]]
    assert len(applied) == 1
    assert {r.status_code for r in responses} <= {200, 409}
    assert len(mailbox.wait_for(1, to=world.users["other"].email)) == 1
    assert db.scalar(sa.text("SELECT count(*) FROM payments_webhook_event")) == 1
    assert db.scalar(sa.text("SELECT count(*) FROM mail_outbox")) == 1
    assert_sales_invariants(db, {world.product.id: 5})


def test_parallel_refunds_of_one_payment_stay_within_it(app, db, world, localstripe,
                                                        live_server):
    (body, headers), created = buy(app, localstripe, world.headers["other"], world.product, 2)
    app.post(WEBHOOK_PATH, body, headers=headers)
    amounts = ["25.00", "10.00", "0.01", "15.00", "40.00"] * 2  # 50.00 was paid
    refund = [functools.partial(call, live_server, "POST",
                                f"/api/payments/{created['uuid']}/refund",
                                json={"amount": amount}, headers=world.headers["admin"])
              for amount in amounts]

    responses = in_parallel(refund)

    granted = [Decimal(amount) for amount, r in zip(amounts, responses) if r.status_code == 200]
    assert {r.json()["code"] for r in responses if r.status_code != 200} <= {
        "refund_exceeds_remaining", "payment_not_refundable"}
    assert granted and sum(granted) <= Decimal("50.00")
    final = app.get(f"/api/payments/{created['uuid']}", headers=world.headers["admin"]).json
    assert Decimal(final["refunded_amount"]) == sum(granted)
    stripe_refunds = stripe.Refund.list(payment_intent=intent_id(created["client_secret"]))
    assert sum(item.amount for item in stripe_refunds.data) == sum(granted) * 100
    assert_sales_invariants(db, {world.product.id: 5})
