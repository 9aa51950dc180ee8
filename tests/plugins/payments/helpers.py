"""Helpers for tests that buy: fill a cart, check out, pay through localstripe, and
deliver Stripe events signed with the endpoint secret (as Stripe signs them)."""
import json
import time
import uuid

import sqlalchemy as sa
import stripe

from tests.conftest import WEBHOOK_SECRET
from tests.support.localstripe import confirm_as_customer, register_webhook

WEBHOOK_PATH = "/api/payments/webhook"


def fill_cart(app, headers, product, quantity):
    app.patch_json(f"/api/cart/item/{product.id}", {"quantity": quantity}, headers=headers)


def checkout(app, headers, status=201, **extra_headers):
    return app.post("/api/payments", headers={**headers, **extra_headers}, status=status).json


def intent_id(client_secret):
    return client_secret.split("_secret_")[0]


def intent(intent_or_secret):
    """The PaymentIntent as Stripe (localstripe) serialises it in events."""
    return stripe.PaymentIntent.retrieve(intent_id(intent_or_secret)).to_dict()


def signed(event_type, obj, event_id=None, secret=WEBHOOK_SECRET):
    """``(body, headers)`` of a webhook delivery signed like Stripe signs it."""
    body = json.dumps({"id": event_id or f"evt_{uuid.uuid4().hex}", "object": "event",
                       "type": event_type, "data": {"object": obj}})
    header = stripe.WebhookSignature.generate_signature_header(body, secret)
    return body, {"Stripe-Signature": header, "Content-Type": "application/json"}


def deliver(app, event_type, obj, status=200, **kwargs):
    body, headers = signed(event_type, obj, **kwargs)
    return app.post(WEBHOOK_PATH, body, headers=headers, status=status)


def pay(app, localstripe, headers, product, quantity):
    """A paid payment: checkout, the customer confirms, Stripe's event is delivered."""
    fill_cart(app, headers, product, quantity)
    created = checkout(app, headers)
    confirm_as_customer(localstripe, created["client_secret"])
    deliver(app, "payment_intent.succeeded", intent(created["client_secret"]))
    return created


def listen(localstripe, live_server):
    """Make localstripe send its webhooks to the live server."""
    register_webhook(localstripe, "ticketing", live_server.url + WEBHOOK_PATH, WEBHOOK_SECRET,
                     ["payment_intent.succeeded", "payment_intent.payment_failed"])


def wait_for_status(db, uuid, statuses, timeout=15.0):
    """Wait until the payment reaches one of ``statuses`` (webhooks arrive ~1 s after
    the confirmation); return the status it has then."""
    deadline = time.monotonic() + timeout
    while True:
        status = db.execute(sa.text("SELECT status FROM payments_payment WHERE uuid = :u"),
                            {"u": uuid}).scalar()
        db.rollback()
        if status in statuses or time.monotonic() > deadline:
            return status
        time.sleep(0.1)


def stock(db, product):
    value = db.execute(sa.text("SELECT stock_quantity FROM catalog_product WHERE id = :id"),
                       {"id": product.id}).scalar()
    db.rollback()
    return value


def payment_row(db, uuid):
    row = db.execute(sa.text("SELECT * FROM payments_payment WHERE uuid = :u"),
                     {"u": uuid}).mappings().first()
    db.rollback()
    return row


def all_payments(db):
    rows = db.execute(sa.text("SELECT * FROM payments_payment ORDER BY id")).mappings().all()
    db.rollback()
    return rows


def count(db, table):
    value = db.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
    db.rollback()
    return value
