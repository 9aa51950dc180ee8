"""POST /api/payments: freezing the cart, reserving stock, the PaymentIntent."""
import stripe

from .conftest import PLUGINS
from .helpers import all_payments, checkout, count, fill_cart, intent_id, payment_row, stock


def test_checkout_freezes_the_cart_reserves_stock_and_creates_the_intent(app, db, auth,
                                                                          customer, product):
    headers = auth(customer)
    fill_cart(app, headers, product, 2)

    body = checkout(app, headers)

    assert set(body) == {"uuid", "client_secret", "amount", "currency", "status"}
    assert body["amount"] == "90.00" and body["currency"] == "EUR"
    assert body["status"] == "pending"
    assert stock(db, product) == 8
    intent = stripe.PaymentIntent.retrieve(intent_id(body["client_secret"]))
    assert intent.amount == 9000 and intent.currency == "eur"
    assert intent.metadata["payment_uuid"] == body["uuid"]
    polled = app.get(f"/api/payments/{body['uuid']}", headers=headers).json
    # named in the buyer's language: no Accept-Language, so the account's (fr)
    assert polled["lines"] == [{"product_id": product.id, "name": "Soirée jazz", "quantity": 2,
                                "unit_price": "45.00", "line_total": "90.00"}]
    assert polled["status"] == "pending" and polled["paid_at"] is None


def test_the_payment_keeps_its_lines_whatever_the_cart_does(app, auth, customer, product):
    headers = auth(customer)
    fill_cart(app, headers, product, 2)
    body = checkout(app, headers)

    fill_cart(app, headers, product, 5)

    lines = app.get(f"/api/payments/{body['uuid']}", headers=headers).json["lines"]
    assert [line["quantity"] for line in lines] == [2]


def test_an_empty_cart_is_refused(app, db, auth, customer):
    response = checkout(app, auth(customer, **{"Accept-Language": "de"}), status=422)

    assert response["code"] == "cart_empty"
    assert response["message"] == "Ihr Warenkorb ist leer."
    assert count(db, "payments_payment") == 0


def test_checkout_without_enough_stock_takes_nothing(app, db, auth, customer, product):
    headers = auth(customer, **{"Accept-Language": "fr"})
    fill_cart(app, headers, product, 3)
    db.execute(product.__table__.update().values(stock_quantity=2))
    db.commit()

    response = checkout(app, headers, status=409)

    assert response["code"] == "insufficient_stock"
    assert response["product_id"] == product.id and response["available"] == 2
    assert response["message"] == "Il ne reste que 2 de Soirée jazz."
    assert stock(db, product) == 2
    assert count(db, "payments_payment") == 0


def test_the_same_idempotency_key_returns_the_same_payment(app, db, auth, customer, product):
    headers = auth(customer, **{"Idempotency-Key": "click-1"})
    fill_cart(app, headers, product, 1)

    first = checkout(app, headers)
    second = checkout(app, headers, status=200)

    assert second == first
    assert count(db, "payments_payment") == 1
    assert stock(db, product) == 9


def test_a_new_checkout_replaces_the_pending_payment(app, db, auth, customer, product):
    headers = auth(customer)
    fill_cart(app, headers, product, 2)
    first = checkout(app, headers)

    second = checkout(app, headers)

    assert payment_row(db, first["uuid"])["status"] == "failed"
    assert payment_row(db, first["uuid"])["failure_reason"] == "replaced"
    assert stripe.PaymentIntent.retrieve(intent_id(first["client_secret"])).status == "canceled"
    assert payment_row(db, second["uuid"])["status"] == "pending"
    assert stock(db, product) == 8


def test_stripe_unreachable_answers_503_and_keeps_nothing_reserved(make_app, db, auth, customer,
                                                                    product):
    app = make_app(PLUGINS, **{"ticketing.stripe.api_base": "http://127.0.0.1:1"})
    headers = auth(customer, **{"Accept-Language": "de"})
    fill_cart(app, headers, product, 2)

    response = checkout(app, headers, status=503)

    assert response["code"] == "payment_provider_unavailable"
    assert response["message"].startswith("Der Zahlungsanbieter ist nicht erreichbar.")
    assert stock(db, product) == 10
    (payment,) = all_payments(db)
    assert payment["status"] == "failed" and payment["failure_reason"] == "provider_unavailable"
    assert not payment["stock_held"] and payment["intent_id"] is None


def test_checkout_needs_a_login(app):
    assert app.post("/api/payments", status=401).json["code"] == "authentication_required"
