"""Invoices: made when a payment is paid, numbered without gaps, rendered in the buyer's
language, regenerated on refund, readable by their owner and admins only."""
from datetime import date

from pyramid.request import Request
from pyramid.scripting import prepare

from ticketing.models import User
from tests.plugins.payments.helpers import (checkout, fill_cart, listen, pay, stock,
                                            wait_for_status)
from tests.support.documents import pdf_text
from tests.support.localstripe import confirm_as_customer


def invoice_of(app, headers, uuid):
    return app.get(f"/api/payments/{uuid}", headers=headers).json["invoice_filename"]


def test_a_french_buyer_pays_and_reads_the_invoice_in_french(app, db, auth, customer, product,
                                                             localstripe, live_server, mailbox,
                                                             tmp_path):
    listen(localstripe, live_server)
    headers = auth(customer, **{"Accept-Language": "fr"})
    fill_cart(app, headers, product, 2)
    created = checkout(app, headers)

    confirm_as_customer(localstripe, created["client_secret"])

    assert wait_for_status(db, created["uuid"], {"paid"}) == "paid"
    (message,) = mailbox.wait_for(1, to=customer.email)
    assert message["Subject"] == "Votre commande chez Test Shop"
    assert "Merci pour votre commande" in message.get_body(("plain",)).get_content()
    (attached,) = list(message.iter_attachments())
    assert attached.get_content_type() == "application/pdf"
    filename = invoice_of(app, headers, created["uuid"])
    pdf = app.get(f"/api/invoices/{filename}", headers=headers)
    assert pdf.content_type == "application/pdf"
    assert attached.get_content() == pdf.body
    text = pdf_text(pdf.body, tmp_path)
    assert f"Facture {date.today().year}-000001" in text
    assert "Amélie Dupont" in text and customer.email in text
    assert "Soirée jazz" in text
    assert "50,00" in text and "-5,00" in text and "45,00" in text  # price, sale, unit price
    assert "Total TTC" in text and "90,00" in text
    assert "TVA 20" in text and "15,00" in text  # 90.00 includes 15.00 of VAT at 20 %


def test_invoice_numbers_follow_each_other_and_list_per_user(app, auth, make_user, customer,
                                                             product, localstripe):
    first = pay(app, localstripe, auth(customer), product, 1)
    someone = make_user()
    pay(app, localstripe, auth(someone), product, 1)
    app.delete("/api/cart/items", headers=auth(customer))
    second = pay(app, localstripe, auth(customer), product, 3)
    year = date.today().year

    mine = app.get("/api/invoices/user", headers=auth(customer)).json
    found = app.get("/api/invoices/user", {"number": f"{year}-000001"},
                    headers=auth(customer)).json

    assert [(i["number"], i["payment_uuid"], i["total"]) for i in mine["data"]] == [
        (f"{year}-000003", second["uuid"], "135.00"), (f"{year}-000001", first["uuid"], "45.00")]
    assert mine["meta"]["total"] == 2
    assert set(mine["data"][0]) == {"number", "filename", "payment_uuid", "total",
                                    "refunded_amount", "currency", "created_at"}
    assert [i["payment_uuid"] for i in found["data"]] == [first["uuid"]]


def test_a_refund_regenerates_the_invoice(app, auth, admin, customer, product, localstripe,
                                          tmp_path):
    headers = auth(customer, **{"Accept-Language": "de"})
    created = pay(app, localstripe, headers, product, 2)
    before = invoice_of(app, headers, created["uuid"])
    for amount in ("10.00", "15.50"):
        app.post_json(f"/api/payments/{created['uuid']}/refund", {"amount": amount},
                      headers=auth(admin))

    after = invoice_of(app, headers, created["uuid"])
    (listed,) = app.get("/api/invoices/user", headers=headers).json["data"]

    assert after != before and listed["filename"] == after
    assert listed["refunded_amount"] == "25.50"
    app.get(f"/api/invoices/{before}", headers=headers, status=404)
    text = pdf_text(app.get(f"/api/invoices/{after}", headers=headers).body, tmp_path)
    assert "Erstattungen" in text  # the language the buyer paid in
    assert "-10,00" in text and "-15,50" in text
    assert "Verbleibender Gesamtbetrag" in text and "64,50" in text


def test_only_the_owner_and_admins_read_an_invoice(app, auth, make_user, admin, customer,
                                                   product, localstripe):
    created = pay(app, localstripe, auth(customer), product, 1)
    filename = invoice_of(app, auth(customer), created["uuid"])
    stranger = auth(make_user())

    app.get(f"/api/invoices/{filename}", headers=stranger, status=404)
    assert app.get("/api/invoices/user", headers=stranger).json["data"] == []
    app.get(f"/api/invoices/admin/{filename}", headers=stranger, status=403)
    assert app.get(f"/api/invoices/admin/{filename}", headers=auth(admin)).body.startswith(b"%PDF")
    for name in ("..%2F..%2Fetc%2Fpasswd", "%2e%2e", filename.upper(), filename[:-4] + ".png"):
        app.get(f"/api/invoices/{name}", headers=auth(customer), status=404)
    app.get(f"/api/invoices/{filename}", status=401)


def test_free_tickets_get_a_zero_invoice(app, db, customer, product, mailbox, tmp_path):
    registry = app.app.registry
    env = prepare(registry=registry, request=Request.blank("/"))
    request = env["request"]
    with request.tm:
        payment = registry.hook.ticketing_complimentary_payment(
            request=request, user=request.dbsession.get(User, customer.id),
            product_id=product.id, quantity=2, locale="de")
        assert (payment.status, payment.provider, payment.amount) == ("paid", "free", 0)
    env["closer"]()

    (message,) = mailbox.wait_for(1, to=customer.email)
    assert message["Subject"] == "Ihre Bestellung bei Test Shop"
    (attached,) = list(message.iter_attachments())
    text = pdf_text(attached.get_content(), tmp_path)
    assert "Rechnung" in text and "Jazzabend" in text and "0,00" in text
    assert stock(db, product) == 8
