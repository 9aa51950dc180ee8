"""POST /api/payments/{uuid}/refund and the charge.refunded event."""
import threading

import pytest
import requests
import stripe

from .conftest import PLUGINS
from .helpers import count, deliver, intent, intent_id, pay, payment_row


def refund(app, headers, uuid, amount, status=200):
    return app.post_json(f"/api/payments/{uuid}/refund", {"amount": amount}, headers=headers,
                         status=status).json


def stripe_refunds(created):
    refunds = stripe.Refund.list(payment_intent=intent_id(created["client_secret"])).data
    return sorted(item.amount for item in refunds)


def test_two_partial_refunds(app, db, auth, admin, customer, product, localstripe):
    created = pay(app, localstripe, auth(customer), product, 1)
    headers = auth(admin)

    first = refund(app, headers, created["uuid"], "10.00")
    second = refund(app, headers, created["uuid"], 15)

    assert first["status"] == "partially_refunded" and first["refunded_amount"] == "10.00"
    assert second["status"] == "partially_refunded" and second["refunded_amount"] == "25.00"
    assert stripe_refunds(created) == [1000, 1500]


def test_a_refund_above_the_remaining_amount_changes_nothing(app, db, auth, admin, customer,
                                                            product, localstripe):
    created = pay(app, localstripe, auth(customer), product, 1)
    headers = auth(admin, **{"Accept-Language": "de"})
    refund(app, headers, created["uuid"], "40.00")

    response = refund(app, headers, created["uuid"], "5.01", status=409)

    assert response["code"] == "refund_exceeds_remaining"
    assert response["refundable"] == "5.00"
    assert response["message"] == "Es können höchstens noch 5.00 erstattet werden."
    assert payment_row(db, created["uuid"])["refunded_amount"] == 4000
    assert stripe_refunds(created) == [4000]


def test_a_full_refund_ends_the_refunds(app, auth, admin, customer, product, localstripe):
    created = pay(app, localstripe, auth(customer), product, 1)
    headers = auth(admin)

    assert refund(app, headers, created["uuid"], "45.00")["status"] == "refunded"
    assert refund(app, headers, created["uuid"], "1", status=409)["code"] == "payment_not_refundable"


def test_refund_amounts_are_validated(app, db, auth, admin, customer, product, localstripe):
    created = pay(app, localstripe, auth(customer), product, 1)
    headers = auth(admin)

    for amount in (0, "-1", "1.234", "ten", None, True):
        response = refund(app, headers, created["uuid"], amount, status=422)
        assert list(response["errors"]) == ["amount"], amount
    assert count(db, "payments_refund") == 0


def test_a_pending_payment_cannot_be_refunded(app, auth, admin, customer, product):
    headers = auth(customer)
    app.patch_json(f"/api/cart/item/{product.id}", {"quantity": 1}, headers=headers)
    created = app.post("/api/payments", headers=headers, status=201).json

    response = refund(app, auth(admin), created["uuid"], "1.00", status=409)

    assert response["code"] == "payment_not_refundable"


def test_only_an_admin_refunds(app, auth, customer, product, localstripe):
    created = pay(app, localstripe, auth(customer), product, 1)

    assert refund(app, auth(customer), created["uuid"], "1.00", status=403)["code"] == "forbidden"
    assert refund(app, {}, created["uuid"], "1.00", status=401)["code"] == "authentication_required"


def test_stripe_unreachable_on_refund_records_nothing(app, make_app, db, auth, admin, customer,
                                                      product, localstripe):
    created = pay(app, localstripe, auth(customer), product, 1)
    offline = make_app(PLUGINS, **{"ticketing.stripe.api_base": "http://127.0.0.1:1"})

    response = refund(offline, auth(admin), created["uuid"], "10.00", status=503)

    assert response["code"] == "payment_provider_unavailable"
    assert payment_row(db, created["uuid"])["refunded_amount"] == 0
    assert count(db, "payments_refund") == 0
    assert refund(app, auth(admin), created["uuid"], "45.00")["status"] == "refunded"


@pytest.mark.postgresql
def test_concurrent_refunds_never_exceed_the_payment(app, db, auth, admin, customer, product,
                                                     localstripe, live_server):
    created = pay(app, localstripe, auth(customer), product, 1)
    headers = auth(admin)
    barrier = threading.Barrier(4)
    statuses = []

    def ask():
        barrier.wait()
        response = requests.post(f"{live_server.url}/api/payments/{created['uuid']}/refund",
                                 json={"amount": "30.00"}, headers=headers, timeout=30)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 409, 409, 409]
    assert payment_row(db, created["uuid"])["refunded_amount"] == 3000
    assert stripe_refunds(created) == [3000]


def test_a_refund_made_in_the_stripe_dashboard_is_recorded(app, db, auth, admin, customer,
                                                           product, localstripe):
    created = pay(app, localstripe, auth(customer), product, 1)
    refund(app, auth(admin), created["uuid"], "10.00")
    charge = {"id": "ch_dashboard", "object": "charge", "amount": 4500,
              "payment_intent": intent(created["client_secret"])["id"], "amount_refunded": 2500}

    deliver(app, "charge.refunded", charge)
    deliver(app, "charge.refunded", charge)  # another event, the same state: nothing new

    row = payment_row(db, created["uuid"])
    assert (row["status"], row["refunded_amount"]) == ("partially_refunded", 2500)
    assert count(db, "payments_refund") == 2
