"""Ticket endpoints: own tickets and files, admin list, files, statuses, free tickets."""
import pytest
from sqlalchemy import select

from tests.plugins.payments.helpers import checkout, fill_cart
from tests.support.documents import pdf_text, qr_text
from ticketing_tickets.models import StatusChange, Ticket


@pytest.fixture
def people(make_user):
    return {
        "buyer": make_user(first_name="Jana", last_name="Schulz"),
        "other": make_user(),
        "employee": make_user(roles=("customer", "employee")),
        "admin": make_user(roles=("customer", "admin")),
    }


def tickets_of(db, user):
    return db.execute(select(Ticket).where(Ticket.user_id == user.id).order_by(Ticket.id)).scalars().all()


def test_own_tickets_listed_with_filters_and_pagination(app, auth, issue, people, db, concert):
    buyer = people["buyer"]
    payment_uuid = issue(buyer, quantity=3)
    issue(people["other"])
    first = tickets_of(db, buyer)[0]
    first.status = "cancelled"
    db.commit()
    headers = auth(buyer)

    page = app.get("/api/tickets/user", {"per_page": 2}, headers=headers).json
    assert page["meta"] == {"page": 1, "per_page": 2, "total": 3, "last_page": 2}
    item = page["data"][0]
    assert set(item) >= {"id", "token", "status", "filename", "qr_filename", "product_id",
                         "payment_uuid", "holder", "event", "used_at"}
    assert item["payment_uuid"] == payment_uuid and item["holder"] == "Jana Schulz"
    assert item["event"] == {"name": "Spring Concert", "starts_at": "2030-03-16T19:00:00+00:00",
                             "timezone": "Europe/Berlin", "venue": "Stadthalle Bonn"}
    german = app.get("/api/tickets/user", headers={**headers, "Accept-Language": "de"}).json
    assert german["data"][0]["event"]["name"] == "Frühlingskonzert"

    def ids(**query):
        return [t["id"] for t in app.get("/api/tickets/user", query, headers=headers).json["data"]]

    assert ids(status="cancelled") == [first.id]
    assert len(ids(status="issued")) == 2
    assert len(ids(product_id=concert.id)) == 3 and ids(product_id=concert.id + 1) == []
    assert len(ids(date_from="2030-03-16", date_to="2030-03-16")) == 3
    assert ids(date_from="2030-03-17") == [] and ids(date_to="2030-03-15") == []


def test_the_paid_payment_lists_its_tickets(app, auth, issue, people, db):
    """GET /api/payments/{uuid} carries the tickets (``ticketing_payment_documents``)."""
    payment_uuid = issue(people["buyer"], quantity=2)
    headers = auth(people["buyer"], **{"Accept-Language": "de"})

    payment = app.get(f"/api/payments/{payment_uuid}", headers=headers).json
    own = app.get("/api/tickets/user", headers=headers).json["data"]
    by_admin = app.get(f"/api/payments/{payment_uuid}", headers=auth(people["admin"])).json

    assert payment["status"] == "paid"
    assert payment["tickets"] == sorted(own, key=lambda ticket: ticket["id"])
    assert [t["token"] for t in payment["tickets"]] == [
        str(t.token) for t in tickets_of(db, people["buyer"])]
    assert payment["tickets"][0]["event"]["name"] == "Frühlingskonzert"
    assert [t["id"] for t in by_admin["tickets"]] == [t["id"] for t in payment["tickets"]]
    app.get(f"/api/payments/{payment_uuid}", headers=auth(people["other"]), status=404)


def test_a_pending_payment_has_no_tickets_yet(app, auth, people, concert):
    headers = auth(people["buyer"])
    fill_cart(app, headers, concert, 1)
    payment_uuid = checkout(app, headers)["uuid"]
    payment = app.get(f"/api/payments/{payment_uuid}", headers=headers).json
    assert (payment["status"], payment["tickets"]) == ("pending", [])


def test_list_filters_are_validated_in_the_callers_language(app, auth, people):
    response = app.get("/api/tickets/user", {"status": "lost", "date_from": "tomorrow", "page": 0},
                       headers=auth(people["buyer"], **{"Accept-Language": "de"}), status=422)
    assert response.json["code"] == "validation_failed"
    assert set(response.json["errors"]) == {"status", "date_from", "page"}
    assert "Muss einer der Werte" in response.json["errors"]["status"][0]


def test_own_files_only(app, auth, issue, people, registry, tmp_path, db):
    issue(people["buyer"])
    issue(people["other"])
    mine, theirs = tickets_of(db, people["buyer"])[0], tickets_of(db, people["other"])[0]
    headers = auth(people["buyer"])

    pdf = app.get(f"/api/tickets/{mine.pdf_name}", headers=headers)
    assert pdf.content_type == "application/pdf"
    assert "Spring Concert" in pdf_text(pdf.body, tmp_path)
    png = app.get(f"/api/tickets/qr/{mine.qr_name}", headers=headers)
    assert png.content_type == "image/png"
    assert qr_text(png.body, tmp_path) == str(mine.token)

    for path in (f"/api/tickets/{theirs.pdf_name}", f"/api/tickets/qr/{theirs.qr_name}",
                 f"/api/tickets/{mine.qr_name}", f"/api/tickets/qr/{mine.pdf_name}",
                 f"/api/tickets/{'0' * 32}.pdf", f"/api/tickets/{mine.pdf_name.upper()}",
                 "/api/tickets/..%2f..%2fetc%2fpasswd", "/api/tickets/qr/..%2fsecret.png",
                 f"/api/tickets/{mine.pdf_name}.txt"):
        response = app.get(path, headers=headers, status=404)
        assert response.json["code"] == "not_found", path
    assert app.get(f"/api/tickets/{mine.pdf_name}", status=401).json["code"] == "authentication_required"


def test_admin_sees_and_filters_every_ticket(app, auth, issue, people, db, concert, tmp_path):
    payment_uuid = issue(people["buyer"], quantity=2)
    issue(people["other"])
    admin = auth(people["admin"])

    def ids(**query):
        return sorted(t["id"] for t in app.get("/api/tickets", query, headers=admin).json["data"])

    everyone = ids()
    assert len(everyone) == 3
    buyer_ids = [t.id for t in tickets_of(db, people["buyer"])]
    assert ids(user_id=people["buyer"].id) == buyer_ids
    assert ids(payment_uuid=payment_uuid) == buyer_ids
    assert ids(status="issued", product_id=concert.id) == everyone

    theirs = tickets_of(db, people["other"])[0]
    pdf = app.get(f"/api/tickets/admin/{theirs.pdf_name}", headers=admin)
    assert pdf.content_type == "application/pdf"
    png = app.get(f"/api/tickets/admin/qr/{theirs.qr_name}", headers=admin)
    assert qr_text(png.body, tmp_path) == str(theirs.token)
    assert app.get(f"/api/tickets/admin/{'f' * 32}.pdf", headers=admin, status=404)


@pytest.mark.parametrize("role", ["buyer", "employee"])
def test_admin_endpoints_refuse_other_roles(app, auth, issue, people, db, concert, role):
    issue(people["buyer"])
    ticket = tickets_of(db, people["buyer"])[0]
    headers = auth(people[role])
    assert app.get("/api/tickets", headers=headers, status=403).json["code"] == "forbidden"
    app.get(f"/api/tickets/admin/{ticket.pdf_name}", headers=headers, status=403)
    app.get(f"/api/tickets/admin/qr/{ticket.qr_name}", headers=headers, status=403)
    app.put_json(f"/api/tickets/admin/{ticket.id}/status", {"status": "cancelled"},
                 headers=headers, status=403)
    app.post_json("/api/tickets", {"user_id": people["buyer"].id, "quantity": 1, "locale": "en",
                                   "product_id": concert.id}, headers=headers, status=403)
    assert tickets_of(db, people["buyer"])[0].status == "issued"


def test_status_changes_follow_the_allowed_transitions_and_are_recorded(app, auth, issue, people, db):
    issue(people["buyer"])
    ticket = tickets_of(db, people["buyer"])[0]
    admin = auth(people["admin"], **{"Accept-Language": "de"})
    url = f"/api/tickets/admin/{ticket.id}/status"

    used = app.put_json(url, {"status": "used"}, headers=admin).json["data"]
    assert used["status"] == "used" and used["used_at"] is not None
    back = app.put_json(url, {"status": "issued"}, headers=admin).json["data"]
    assert back["status"] == "issued" and back["used_at"] is None
    assert app.put_json(url, {"status": "refunded"}, headers=admin).json["data"]["status"] == "refunded"

    refused = app.put_json(url, {"status": "issued"}, headers=admin, status=409).json
    assert refused["code"] == "invalid_transition"
    assert refused["message"] == "Diese Statusänderung ist nicht erlaubt."
    assert refused["status"] == "refunded" and refused["allowed"] == []

    history = db.execute(select(StatusChange).order_by(StatusChange.id)).scalars().all()
    assert [(h.old_status, h.new_status, h.changed_by_id) for h in history] == [
        ("issued", "used", people["admin"].id), ("used", "issued", people["admin"].id),
        ("issued", "refunded", people["admin"].id)]
    assert all(h.changed_at is not None for h in history)


def test_status_change_input_errors(app, auth, issue, people, db):
    issue(people["buyer"])
    ticket = tickets_of(db, people["buyer"])[0]
    admin = auth(people["admin"])
    url = f"/api/tickets/admin/{ticket.id}/status"
    assert app.put_json(url, {"status": "lost"}, headers=admin, status=422).json["errors"].keys() == {"status"}
    assert app.put_json(url, {"status": "used", "x": 1}, headers=admin, status=422)
    assert app.put_json(url, {"status": "issued"}, headers=admin, status=409).json["code"] == "invalid_transition"
    assert app.put_json("/api/tickets/admin/999999/status", {"status": "used"}, headers=admin,
                        status=404).json["code"] == "not_found"
    assert app.put_json("/api/tickets/admin/abc/status", {"status": "used"}, headers=admin,
                        status=422).json["errors"].keys() == {"id"}
    db.refresh(ticket)
    assert ticket.status == "issued"
    assert db.execute(select(StatusChange)).first() is None


def test_free_tickets_input_errors(app, auth, people, db, concert):
    admin = auth(people["admin"], **{"Accept-Language": "de"})
    good = {"user_id": people["other"].id, "quantity": 1, "locale": "de"}

    def errors(**changes):
        body = {key: value for key, value in {**good, **changes}.items() if value is not None}
        response = app.post_json("/api/tickets", body, headers=admin, status=422).json
        assert response["code"] == "validation_failed"
        return response["errors"]

    assert errors() == {"product_id": ["Erforderlich: Bitte die Veranstaltung angeben."]}
    assert errors(product_id=99) == {"product_id": ["Es gibt keine Veranstaltung im Verkauf mit dieser ID."]}
    assert errors(product_id=concert.id, user_id=999999) == {
        "user_id": ["Es gibt keinen aktiven Benutzer mit dieser ID."]}
    assert errors(product_id=concert.id, quantity=0).keys() == {"quantity"}
    assert errors(product_id=concert.id, quantity=101).keys() == {"quantity"}
    assert errors(product_id=concert.id, locale="it").keys() == {"locale"}
    assert errors(product_id=concert.id, user_id=None, quantity=None).keys() == {"user_id", "quantity"}
    assert db.execute(select(Ticket)).first() is None


def test_free_tickets_default_to_the_configured_product(app, registry, auth, people, db,
                                                        concert, monkeypatch):
    monkeypatch.setitem(registry.settings, "ticketing.tickets.default_product_id", concert.id)
    body = {"user_id": people["other"].id, "quantity": 1, "locale": "en"}
    app.post_json("/api/tickets", body, headers=auth(people["admin"]), status=201)
    assert tickets_of(db, people["other"])[0].product_id == concert.id


def test_openapi_documents_the_ticket_and_scan_endpoints(app):
    from openapi_spec_validator import validate

    spec = app.get("/api/openapi.json").json
    validate(spec)
    assert {"/api/tickets", "/api/tickets/user", "/api/tickets/{filename}",
            "/api/tickets/qr/{filename}", "/api/tickets/admin/{filename}",
            "/api/tickets/admin/qr/{filename}", "/api/tickets/admin/{id}/status",
            "/api/tickets/scan/{token}"} <= set(spec["paths"])
