"""POST /api/payments/webhook: signatures, replays, ordering, the outcomes of an intent."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
import stripe
from sqlalchemy.orm import Session

from ticketing.db import utcnow
from tests.support.localstripe import confirm_as_customer, decline_as_customer
from ticketing_payments.models import Payment, PaymentLine
from ticketing_payments.tasks import sweep_payments

from .helpers import (WEBHOOK_PATH, checkout, count, deliver, fill_cart, intent, intent_id,
                      listen, pay, payment_row, signed, stock, wait_for_status)


def test_a_bad_or_missing_signature_changes_nothing(app, db, auth, customer, product):
    headers = auth(customer)
    fill_cart(app, headers, product, 1)
    created = checkout(app, headers)
    body, good = signed("payment_intent.succeeded", intent(created["client_secret"]),
                        secret="whsec_wrong")

    wrong = app.post(WEBHOOK_PATH, body, headers=good, status=400).json
    missing = app.post(WEBHOOK_PATH, body, headers={"Content-Type": "application/json"},
                       status=400).json

    assert wrong["code"] == missing["code"] == "invalid_signature"
    assert payment_row(db, created["uuid"])["status"] == "pending"
    assert count(db, "payments_webhook_event") == 0


def test_a_replayed_event_is_acknowledged_and_ignored(app, db, auth, customer, product, mailbox,
                                                      localstripe):
    headers = auth(customer)
    fill_cart(app, headers, product, 1)
    created = checkout(app, headers)
    confirm_as_customer(localstripe, created["client_secret"])
    event = intent(created["client_secret"])

    first = deliver(app, "payment_intent.succeeded", event, event_id="evt_replayed").json
    again = deliver(app, "payment_intent.succeeded", event, event_id="evt_replayed").json

    assert first == {"received": True, "duplicate": False}
    assert again == {"received": True, "duplicate": True}
    assert payment_row(db, created["uuid"])["status"] == "paid"
    assert len(mailbox.wait_for(1, to=customer.email)) == 1
    assert count(db, "mail_outbox") == 1
    assert stock(db, product) == 9


@pytest.mark.postgresql  # two writers at once
def test_an_event_before_the_payment_commits_is_answered_so_that_stripe_retries(app, db, engine,
                                                                              customer, product):
    obj = {"id": "pi_early", "object": "payment_intent", "amount": 4500, "currency": "eur",
           "status": "succeeded", "metadata": {"payment_uuid": "5f0c1d7e-0000-4000-8000-000000000001"}}
    with Session(engine) as other:  # the checkout's transaction, not committed yet
        other.add(Payment(uuid=obj["metadata"]["payment_uuid"], user_id=customer.id,
                          amount=4500, currency="EUR", locale="fr", stock_held=True,
                          lines=[PaymentLine(product_id=product.id, name="Soirée jazz",
                                             quantity=1, list_price=5000, unit_price=4500,
                                             line_total=4500)]))
        other.flush()

        early = deliver(app, "payment_intent.succeeded", obj, event_id="evt_early", status=409)

        other.commit()
    assert early.json["code"] == "payment_unknown"
    assert count(db, "payments_webhook_event") == 0

    deliver(app, "payment_intent.succeeded", obj, event_id="evt_early")

    assert payment_row(db, obj["metadata"]["payment_uuid"])["status"] == "paid"


def test_an_intent_that_is_not_ours_is_acknowledged(app, db):
    obj = {"id": "pi_foreign", "object": "payment_intent", "metadata": {}}

    assert deliver(app, "payment_intent.succeeded", obj).json["duplicate"] is False
    assert count(db, "payments_payment") == 0


def test_a_declined_card_releases_the_stock(app, db, auth, customer, product, localstripe,
                                            live_server):
    listen(localstripe, live_server)
    headers = auth(customer)
    fill_cart(app, headers, product, 3)
    created = checkout(app, headers)
    assert stock(db, product) == 7

    decline_as_customer(localstripe, created["client_secret"])

    assert wait_for_status(db, created["uuid"], {"failed"}) == "failed"
    assert payment_row(db, created["uuid"])["failure_reason"] == "declined"
    assert stock(db, product) == 10
    assert stripe.PaymentIntent.retrieve(intent_id(created["client_secret"])).status == "canceled"


def test_a_cancelled_intent_releases_the_stock(app, db, auth, customer, product):
    headers = auth(customer)
    fill_cart(app, headers, product, 2)
    created = checkout(app, headers)
    obj = {**intent(created["client_secret"]), "status": "canceled"}

    deliver(app, "payment_intent.canceled", obj)

    assert payment_row(db, created["uuid"])["failure_reason"] == "canceled"
    assert stock(db, product) == 10


def expire(db, uuid):
    db.execute(sa.text("UPDATE payments_payment SET expires_at = :t WHERE uuid = :u"),
               {"t": utcnow() - timedelta(minutes=1), "u": uuid})
    db.commit()


def test_expired_reservations_return_their_stock(app, db, auth, customer, product):
    headers = auth(customer)
    fill_cart(app, headers, product, 4)
    created = checkout(app, headers)
    expire(db, created["uuid"])

    sweep_payments()

    row = payment_row(db, created["uuid"])
    assert (row["status"], row["failure_reason"], row["stock_held"]) == ("failed", "expired", False)
    assert stock(db, product) == 10
    assert stripe.PaymentIntent.retrieve(intent_id(created["client_secret"])).status == "canceled"


def confirmed_after_expiry(app, db, headers, product, localstripe):
    """A checkout of 2 units whose reservation expired (swept) while the customer paid;
    Stripe's success event is still to come."""
    fill_cart(app, headers, product, 2)
    created = checkout(app, headers)
    confirm_as_customer(localstripe, created["client_secret"])
    expire(db, created["uuid"])
    sweep_payments()
    return created


def test_a_payment_succeeding_after_expiry_takes_its_stock_again(app, db, auth, customer,
                                                                 product, localstripe, mailbox):
    created = confirmed_after_expiry(app, db, auth(customer), product, localstripe)
    assert stock(db, product) == 10

    deliver(app, "payment_intent.succeeded", intent(created["client_secret"]))

    assert payment_row(db, created["uuid"])["status"] == "paid"
    assert stock(db, product) == 8
    assert mailbox.wait_for(1, to=customer.email)


def test_a_payment_succeeding_after_expiry_without_stock_is_refunded(app, db, auth, admin,
                                                                     customer, product,
                                                                     localstripe, mailbox):
    created = confirmed_after_expiry(app, db, auth(customer), product, localstripe)
    db.execute(product.__table__.update().values(stock_quantity=1))  # sold to someone else
    db.commit()

    deliver(app, "payment_intent.succeeded", intent(created["client_secret"]))

    row = payment_row(db, created["uuid"])
    assert (row["status"], row["refunded_amount"], row["amount"]) == ("refunded", 9000, 9000)
    assert row["fulfilled_at"] is None
    assert stock(db, product) == 1
    refunds = stripe.Refund.list(payment_intent=intent_id(created["client_secret"]))
    assert [refund.amount for refund in refunds.data] == [9000]
    (message,) = mailbox.wait_for(1, to=customer.email)
    assert message["Subject"] == "Votre paiement a été remboursé"
    assert not list(message.iter_attachments())
    assert app.get("/api/admin/sales", headers=auth(admin)).json["meta"]["total"] == 0


def test_a_lost_fulfilment_is_redriven_once(app, db, auth, customer, product, localstripe,
                                            mailbox):
    created = pay(app, localstripe, auth(customer), product, 1)
    mailbox.wait_for(1, to=customer.email)
    db.execute(sa.text("UPDATE payments_payment SET fulfilled_at = NULL, paid_at = :t"),
               {"t": utcnow() - timedelta(hours=1)})
    db.execute(sa.text("DELETE FROM mail_outbox"))
    db.commit()
    mailbox.clear()

    sweep_payments()
    sweep_payments()

    assert payment_row(db, created["uuid"])["fulfilled_at"] is not None
    assert len(mailbox.wait_for(1, to=customer.email)) == 1
    assert count(db, "mail_outbox") == 1
