"""The gate: look up, admit once, refuse the rest; roles; concurrent scans."""
import json
import threading
import urllib.error
import urllib.request
import uuid
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from ticketing.errors import APIError
from ticketing.models import User
from ticketing.tasks import task_request
from ticketing_scanning.models import Scan
from ticketing_tickets.models import Ticket
from ticketing_tickets.services import change_status


@pytest.fixture
def gate(make_user, issue, db):
    buyer = make_user(first_name="Jana", last_name="Schulz")
    issue(buyer)
    return SimpleNamespace(
        ticket=db.execute(select(Ticket)).scalar_one(),
        buyer=buyer,
        employee=make_user(first_name="Erik", last_name="Gate", roles=("employee",)),
        admin=make_user(roles=("customer", "admin")),
        url=f"/api/tickets/scan/{db.execute(select(Ticket.token)).scalar_one()}",
    )


def test_lookup_shows_ticket_holder_event_and_status(app, auth, gate):
    data = app.get(gate.url, headers=auth(gate.employee, **{"Accept-Language": "fr"})).json["data"]
    assert data["token"] == str(gate.ticket.token)
    assert data["status"] == "issued" and data["holder"] == "Jana Schulz"
    assert data["event"] == {"name": "Concert de printemps",
                             "starts_at": "2030-03-16T19:00:00+00:00", "venue": "Stadthalle Bonn"}
    assert data["scans"] == [] and data["used_at"] is None


def test_admit_once_then_refuse_with_when_and_by_whom(app, auth, gate, db, probe):
    headers = auth(gate.employee, **{"Accept-Language": "de"})
    admitted = app.post(gate.url, headers=headers).json["data"]
    assert admitted["status"] == "used" and admitted["used_by"] == "Erik Gate"
    assert admitted["event"] == {  # as the admitting UPDATE returned it, in German
        "name": "Frühlingskonzert", "starts_at": "2030-03-16T19:00:00+00:00",
        "venue": "Stadthalle Bonn"}
    assert [s["scanned_by"] for s in admitted["scans"]] == ["Erik Gate"]
    assert probe.scanned == [(str(gate.ticket.token), gate.employee.id)]

    again = app.post(gate.url, headers=headers, status=409).json
    assert again["code"] == "already_used"
    assert again["message"] == "Dieses Ticket wurde bereits verwendet."
    assert again["used_at"] == admitted["used_at"] and again["used_by"] == "Erik Gate"

    looked_up = app.get(gate.url, headers=headers).json["data"]
    assert looked_up["status"] == "used" and len(looked_up["scans"]) == 1
    assert db.execute(select(Scan.scanned_by_id)).scalars().all() == [gate.employee.id]
    assert len(probe.scanned) == 1


@pytest.mark.parametrize("status,message", [
    ("cancelled", "Ce billet a été annulé."), ("refunded", "Ce billet a été remboursé.")])
def test_cancelled_and_refunded_tickets_are_refused(app, auth, gate, db, status, message):
    gate.ticket.status = status
    db.commit()
    refused = app.post(gate.url, headers=auth(gate.employee, **{"Accept-Language": "fr"}),
                       status=409).json
    assert (refused["code"], refused["message"], refused["status"]) == (status, message, status)
    db.refresh(gate.ticket)
    assert gate.ticket.status == status and gate.ticket.used_at is None
    assert db.execute(select(Scan)).first() is None


@pytest.mark.parametrize("token", [str(uuid.uuid4()), "not-a-uuid", "1' OR '1'='1", "0" * 200])
def test_unknown_or_malformed_token_is_404(app, auth, gate, token):
    headers = auth(gate.employee)
    assert app.get(f"/api/tickets/scan/{token}", headers=headers, status=404).json["code"] == "not_found"
    assert app.post(f"/api/tickets/scan/{token}", headers=headers, status=404).json["code"] == "not_found"


def test_roles(app, auth, gate, db):
    customer = auth(gate.buyer)
    assert app.get(gate.url, headers=customer, status=403).json["code"] == "forbidden"
    app.post(gate.url, headers=customer, status=403)
    assert app.post(gate.url, status=401).json["code"] == "authentication_required"
    db.refresh(gate.ticket)
    assert gate.ticket.status == "issued"

    employee = auth(gate.employee)
    app.put_json(f"/api/tickets/admin/{gate.ticket.id}/status", {"status": "cancelled"},
                 headers=employee, status=403)
    assert app.post(gate.url, headers=auth(gate.admin)).json["data"]["status"] == "used"


def test_the_gate_update_alone_is_committed(gate, db):
    """``ticketing_ticket_used`` is a core UPDATE: the transaction must still commit it."""
    with task_request() as request:
        assert request.hook.ticketing_ticket_used(
            request=request, token=str(gate.ticket.token), user=gate.employee)
    db.refresh(gate.ticket)
    assert (gate.ticket.status, gate.ticket.used_by_id) == ("used", gate.employee.id)


def test_admin_change_that_lost_the_race_to_a_scan_is_refused(app, auth, gate, db):
    """The admin read the ticket as issued; a scan lands before the admin's update."""
    with task_request() as request:
        stale = request.dbsession.get(Ticket, gate.ticket.id)
        app.post(gate.url, headers=auth(gate.employee))
        request.environ["ticketing.identity"] = request.dbsession.get(User, gate.admin.id)
        with pytest.raises(APIError) as refused:
            change_status(request, stale, "cancelled")
    assert refused.value.code == "status_changed"
    db.refresh(gate.ticket)
    assert gate.ticket.status == "used"


@pytest.mark.postgresql
def test_concurrent_scans_admit_exactly_once(live_server, auth, gate, db):
    headers = auth(gate.employee)
    url = live_server.url + gate.url
    barrier = threading.Barrier(4)
    statuses = []

    def scan():
        request = urllib.request.Request(url, method="POST", headers=headers)
        barrier.wait()
        try:
            with urllib.request.urlopen(request) as response:
                statuses.append((response.status, json.load(response)["data"]["status"]))
        except urllib.error.HTTPError as error:
            statuses.append((error.code, json.load(error)["code"]))

    threads = [threading.Thread(target=scan) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [(200, "used")] + [(409, "already_used")] * 3
    assert len(db.execute(select(Scan)).all()) == 1
