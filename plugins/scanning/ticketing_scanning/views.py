"""The gate: look a ticket up by the token in its QR code, and admit it once."""
import colander
from pyramid.i18n import TranslationStringFactory
from sqlalchemy import bindparam, insert, select

from ticketing.api import Service, response
from ticketing.db import mark_changed
from ticketing.errors import APIError
from ticketing.models import User, display_name

from . import TICKETS_SCAN
from .models import Scan

_ = TranslationStringFactory("ticketing_scanning")

REFUSALS = {
    "used": ("already_used", _("This ticket has already been used.")),
    "cancelled": ("cancelled", _("This ticket was cancelled.")),
    "refunded": ("refunded", _("This ticket was refunded.")),
}

scan = Service(name="scanning.scan", path="/api/tickets/scan/{token}",
               description="A ticket at the gate, by the UUID in its QR code.")


class EventBody(colander.MappingSchema):
    name = colander.SchemaNode(colander.String())
    starts_at = colander.SchemaNode(colander.DateTime(), missing=colander.drop, nullable=True,
                                    description="null when the event has no date.")
    venue = colander.SchemaNode(colander.String())


class ScanBody(colander.MappingSchema):
    scanned_at = colander.SchemaNode(colander.DateTime())
    scanned_by = colander.SchemaNode(colander.String(), missing=colander.drop, nullable=True,
                                     description="Name; null if the account is gone.")


class Scans(colander.SequenceSchema):
    scan = ScanBody()


class GateTicket(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    token = colander.SchemaNode(colander.String())
    status = colander.SchemaNode(colander.String(), description="Only issued admits.")
    holder = colander.SchemaNode(colander.String())
    product_id = colander.SchemaNode(colander.Integer())
    payment_uuid = colander.SchemaNode(colander.String())
    event = EventBody()
    used_at = colander.SchemaNode(colander.DateTime(), missing=colander.drop, nullable=True,
                                  description="null until admitted.")
    used_by = colander.SchemaNode(colander.String(), missing=colander.drop, nullable=True,
                                  description="Who admitted it (name), or null.")
    scans = Scans(description="Admissions so far, oldest first.")


class GateEnvelope(colander.MappingSchema):
    data = GateTicket()


def isoformat(moment):
    return moment.isoformat() if moment is not None else None


# Built once on the tables (Core, as the tickets plugin's gate statements): a scan only
# binds values.
SCANS_TABLE, USERS = Scan.__table__, User.__table__
RECORD = insert(SCANS_TABLE).returning(SCANS_TABLE.c.id, SCANS_TABLE.c.scanned_at,
                                       SCANS_TABLE.c.scanned_by_id)
SCANS = (
    select(SCANS_TABLE.c.scanned_at, USERS.c.first_name, USERS.c.last_name)
    .outerjoin(USERS, SCANS_TABLE.c.scanned_by_id == USERS.c.id)
    .where(SCANS_TABLE.c.ticket_id == bindparam("ticket_id")).order_by(SCANS_TABLE.c.id)
)


def gate_body(request, ticket):
    scans = request.dbsession.execute(SCANS, {"ticket_id": ticket.id})
    return {"data": {
        "id": ticket.id, "token": ticket.token, "status": ticket.status,
        "holder": ticket.holder, "product_id": ticket.product_id,
        "payment_uuid": ticket.payment_uuid,
        "event": {"name": ticket.event_name, "starts_at": isoformat(ticket.starts_at),
                  "venue": ticket.venue},
        "used_at": isoformat(ticket.used_at), "used_by": ticket.used_by,
        "scans": [{"scanned_at": isoformat(row.scanned_at),
                   "scanned_by": None if row.first_name is None
                   else display_name(row.first_name, row.last_name)}
                  for row in scans],
    }}


def find_ticket(request):
    ticket = request.hook.ticketing_ticket(request=request, token=request.matchdict["token"])
    if ticket is None:
        raise APIError(404)
    return ticket


GATE = {"200": response("The ticket at the gate", GateEnvelope())}


@scan.get(permission=TICKETS_SCAN, response_schemas=GATE, operation_id="get_scan",
          tags=["scanning"])
def get_scan(request):
    """The ticket, its holder, event, status and past admissions; unknown or malformed
    token → 404."""
    return gate_body(request, find_ticket(request))


@scan.post(permission=TICKETS_SCAN, response_schemas=GATE, operation_id="scan_ticket",
           tags=["scanning"])
def post_scan(request):
    """Admit an ``issued`` ticket (it becomes ``used``). Otherwise 409: ``already_used``
    (with ``used_at`` and ``used_by``), ``cancelled`` or ``refunded``."""
    employee = request.identity
    ticket = request.hook.ticketing_ticket_used(
        request=request, token=request.matchdict["token"], user=employee)
    if ticket is None:
        ticket = find_ticket(request)
        code, message = REFUSALS.get(ticket.status, (None, None))  # None: generic 409
        raise APIError(409, code, message, status=ticket.status,
                       used_at=isoformat(ticket.used_at), used_by=ticket.used_by)
    record = request.dbsession.execute(RECORD, {
        "ticket_id": ticket.id, "scanned_by_id": employee.id, "scanned_at": ticket.used_at,
    }).one()
    mark_changed(request.dbsession)
    request.hook.ticketing_ticket_scanned(request=request, ticket=ticket, scan=record)
    return gate_body(request, ticket)
