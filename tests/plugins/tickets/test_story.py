"""The whole way of a ticket: bought through localstripe and Stripe's signed webhook,
delivered in one e-mail over real SMTP, admitted once at the gate. And free tickets
ordered by an admin."""
from tests.plugins.payments.helpers import checkout, fill_cart, listen, stock
from tests.support.documents import pdf_text, qr_text
from tests.support.localstripe import confirm_as_customer


def attachments_of(message):
    return {part.get_filename(): part.get_content() for part in message.iter_attachments()}


def test_bought_mailed_scanned_once(app, auth, make_user, concert, localstripe, live_server,
                                    mailbox, tmp_path):
    listen(localstripe, live_server)  # localstripe signs its events and posts them there
    buyer = make_user(first_name="Jana", last_name="Schulz", locale="de")
    employee = make_user(first_name="Erik", last_name="Gate", roles=("employee",))
    headers = auth(buyer)  # no Accept-Language: the account's language
    fill_cart(app, headers, concert, 2)
    created = checkout(app, headers)

    confirm_as_customer(localstripe, created["client_secret"])

    (message,) = mailbox.wait_for(1, to=buyer.email)
    assert message["Subject"] == "Ihre Bestellung bei Test Shop"
    payment = app.get(f"/api/payments/{created['uuid']}", headers=headers).json
    assert payment["status"] == "paid" and len(payment["tickets"]) == 2
    attached = attachments_of(message)
    (invoice_name,) = set(attached) - {"ticket-1.pdf", "ticket-2.pdf"}
    assert invoice_name.startswith("invoice-")
    invoice = pdf_text(attached[invoice_name], tmp_path)
    assert "Rechnung" in invoice and "Frühlingskonzert" in invoice and "50,00" in invoice

    gate = auth(employee, **{"Accept-Language": "de"})
    for position, ticket in enumerate(payment["tickets"], start=1):
        text = pdf_text(attached[f"ticket-{position}.pdf"], tmp_path)
        assert "Frühlingskonzert" in text and "Samstag, 16. März 2030" in text
        assert "20:00 (Europe/Berlin)" in text and "Jana Schulz" in text
        assert ticket["token"] in text
        png = app.get(f"/api/tickets/qr/{ticket['qr_filename']}", headers=headers)
        token = qr_text(png.body, tmp_path)
        assert token == ticket["token"]

        admitted = app.post(f"/api/tickets/scan/{token}", headers=gate).json["data"]
        assert (admitted["status"], admitted["used_by"]) == ("used", "Erik Gate")
        refused = app.post(f"/api/tickets/scan/{token}", headers=gate, status=409).json
        assert refused["code"] == "already_used"
        assert refused["message"] == "Dieses Ticket wurde bereits verwendet."
        assert (refused["used_at"], refused["used_by"]) == (admitted["used_at"], "Erik Gate")

    statuses = [t["status"] for t in app.get("/api/tickets/user", headers=headers).json["data"]]
    assert statuses == ["used", "used"]


def test_free_tickets_arrive_in_the_chosen_language(app, auth, make_user, db, concert,
                                                    mailbox, tmp_path):
    admin = auth(make_user(roles=("customer", "admin")))
    guest = make_user(first_name="Louise", last_name="Martin", locale="en")
    body = {"user_id": guest.id, "quantity": 2, "locale": "fr", "product_id": concert.id}

    result = app.post_json("/api/tickets", body, headers=admin, status=201).json["data"]

    assert (result["status"], result["quantity"], result["user_id"]) == ("paid", 2, guest.id)
    assert stock(db, concert) == 98
    (message,) = mailbox.wait_for(1, to=guest.email)
    assert message["Subject"] == "Votre commande chez Test Shop"
    attached = attachments_of(message)
    (invoice_name,) = set(attached) - {"ticket-1.pdf", "ticket-2.pdf"}
    invoice = pdf_text(attached[invoice_name], tmp_path)
    assert "Facture" in invoice and "Concert de printemps" in invoice and "0,00" in invoice
    ticket = pdf_text(attached["ticket-2.pdf"], tmp_path)
    assert "samedi 16 mars 2030" in ticket and "Louise Martin" in ticket
    tickets = app.get("/api/tickets", {"payment_uuid": result["payment_uuid"]},
                      headers=admin).json["data"]
    assert [(t["status"], t["holder"]) for t in tickets] == [("issued", "Louise Martin")] * 2


def test_free_tickets_beyond_the_stock_change_nothing(app, auth, make_user, db, concert,
                                                      mailbox):
    admin = auth(make_user(roles=("customer", "admin")), **{"Accept-Language": "de"})
    guest = make_user()
    body = {"user_id": guest.id, "quantity": 3, "locale": "de", "product_id": concert.id}
    concert.stock_quantity = 2
    db.commit()

    refused = app.post_json("/api/tickets", body, headers=admin, status=409).json

    assert (refused["code"], refused["available"]) == ("insufficient_stock", 2)
    assert stock(db, concert) == 2
    assert app.get("/api/tickets", headers=admin).json["data"] == []
    assert mailbox.messages == []
