"""GET /api/payments/{uuid} access, GET /api/payments and GET /api/admin/sales (admin)."""
from datetime import date, timedelta

from tests.plugins.catalog.factories import create_product

from .helpers import checkout, fill_cart, pay


def test_a_customer_reads_only_their_own_payment(app, auth, make_user, admin, customer,
                                                product, localstripe):
    created = pay(app, localstripe, auth(customer), product, 1)
    stranger = make_user()

    own = app.get(f"/api/payments/{created['uuid']}", headers=auth(customer)).json
    other = app.get(f"/api/payments/{created['uuid']}", headers=auth(stranger), status=404).json
    seen_by_admin = app.get(f"/api/payments/{created['uuid']}", headers=auth(admin)).json

    assert own["status"] == "paid" and own["paid_at"] is not None
    assert own["invoice_filename"].endswith(".pdf")
    assert other["code"] == "payment_not_found"
    assert seen_by_admin == own
    app.get("/api/payments/not-a-uuid", headers=auth(customer), status=404)


def test_admin_lists_payments_with_filters(app, auth, make_user, admin, customer, product,
                                           localstripe):
    paid = pay(app, localstripe, auth(customer), product, 1)
    other = make_user()
    fill_cart(app, auth(other), product, 2)
    pending = checkout(app, auth(other))
    headers = auth(admin)
    today = date.today().isoformat()

    everything = app.get("/api/payments", headers=headers).json
    only_paid = app.get("/api/payments", {"status": "paid"}, headers=headers).json
    by_user = app.get("/api/payments", {"user_id": other.id, "date_from": today,
                                        "date_to": today}, headers=headers).json
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    none = app.get("/api/payments", {"date_from": tomorrow}, headers=headers).json

    assert [p["uuid"] for p in everything["data"]] == [pending["uuid"], paid["uuid"]]
    assert everything["meta"] == {"page": 1, "per_page": 20, "total": 2, "last_page": 1}
    assert [p["uuid"] for p in only_paid["data"]] == [paid["uuid"]]
    assert [p["email"] for p in by_user["data"]] == [other.email]
    assert none["data"] == []
    bad = app.get("/api/payments", {"status": "lost", "page": "0"}, headers=headers, status=422)
    assert set(bad.json["errors"]) == {"status", "page"}
    assert app.get("/api/payments", headers=auth(customer), status=403).json["code"] == "forbidden"


def test_sales_lines_and_totals(app, db, auth, admin, customer, product, localstripe):
    poster = create_product(db, price=1000, stock_quantity=5,
                            names={"en": "Poster", "de": "Plakat", "fr": "Affiche"})
    headers = auth(customer)
    fill_cart(app, headers, poster, 2)
    first = pay(app, localstripe, headers, product, 2)  # 2 posters + 2 jazz nights = 110.00
    app.delete("/api/cart/items", headers=headers)  # as the front end does once paid
    pay(app, localstripe, headers, product, 1)  # 45.00
    app.post_json(f"/api/payments/{first['uuid']}/refund", {"amount": "11.00"},
                  headers=auth(admin))

    sales = app.get("/api/admin/sales", headers=auth(admin)).json
    jazz = app.get("/api/admin/sales", {"product_id": product.id, "per_page": 1},
                   headers=auth(admin)).json

    assert sales["meta"]["total"] == 3
    assert sales["totals"] == {"gross": "155.00", "refunded": "11.00", "net": "144.00",
                               "tickets_sold": 5, "currency": "EUR"}
    assert jazz["meta"] == {"page": 1, "per_page": 1, "total": 2, "last_page": 2}
    # the 11.00 refund of 110.00 is shared by line total: 9.00 on 90.00 of jazz nights
    assert jazz["totals"] == {"gross": "135.00", "refunded": "9.00", "net": "126.00",
                              "tickets_sold": 3, "currency": "EUR"}
    assert app.get("/api/admin/sales", headers=headers, status=403).json["code"] == "forbidden"
