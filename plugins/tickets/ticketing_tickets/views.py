"""Ticket endpoints: the buyer's tickets and files, the admin's list, files, status
changes and free tickets."""
from pyramid.response import Response
from sqlalchemy import select

from ticketing.api import Service, response
from ticketing.errors import APIError
from ticketing.models import User
from ticketing.pagination import paginate
from ticketing.security import Perm

from . import TICKETS_ADMIN
from .models import Ticket
from .schemas import (
    ChangeStatus, FreeTicketsEnvelope, IssueFreeTickets, ListOwnTickets, ListTickets,
    TicketEnvelope, TicketPage, _,
)
from .services import change_status, ticket_body

# A file route only matches names of the storage pattern, so that /api/tickets/user or
# ../ never reach a file view: anything else is a plain 404.
PDF_NAME = r"[0-9a-f]{32}\.pdf$"
PNG_NAME = r"[0-9a-f]{32}\.png$"


def file_service(name, path, pattern, description):
    return Service(name=name, path=path, path_info="^" + path.split("{")[0] + pattern,
                   description=description, depth=3)


own_tickets = Service(name="tickets.own", path="/api/tickets/user",
                      description="The caller's tickets.")
own_pdf = file_service("tickets.own_pdf", "/api/tickets/{filename}", PDF_NAME,
                       "One of the caller's ticket PDFs.")
own_qr = file_service("tickets.own_qr", "/api/tickets/qr/{filename}", PNG_NAME,
                      "One of the caller's QR codes.")
all_tickets = Service(name="tickets.collection", path="/api/tickets",
                      description="Every ticket (admin); free tickets.")
admin_pdf = file_service("tickets.admin_pdf", "/api/tickets/admin/{filename}", PDF_NAME,
                         "Any ticket PDF (admin).")
admin_qr = file_service("tickets.admin_qr", "/api/tickets/admin/qr/{filename}", PNG_NAME,
                        "Any QR code (admin).")
ticket_status = Service(name="tickets.status", path="/api/tickets/admin/{id}/status",
                        description="Change a ticket's status (admin).")


def filtered(query, filters):
    column_filters = {
        "status": Ticket.status, "product_id": Ticket.product_id, "user_id": Ticket.user_id,
        "payment_uuid": Ticket.payment_uuid,
    }
    statement = select(Ticket)
    for name, column in column_filters.items():
        if name in query:
            statement = statement.where(column == query[name])
    if "date_from" in query:
        statement = statement.where(Ticket.event_date >= query["date_from"])
    if "date_to" in query:
        statement = statement.where(Ticket.event_date <= query["date_to"])
    return statement.where(*filters).order_by(Ticket.id.desc())


def ticket_page(request, *filters):
    query = request.validated["querystring"]
    return paginate(request.dbsession, filtered(query, filters), query["page"],
                    query["per_page"], lambda ticket: ticket_body(ticket, request.locale_name))


def file_response(request, column, content_type, *filters):
    """The file named in the path, once the database says the caller may read it."""
    name = request.matchdict["filename"]
    found = request.dbsession.execute(
        select(Ticket.id).where(column == name, *filters)
    ).first()
    if found is None:
        raise APIError(404)
    try:
        data = request.storage.read(name)
    except KeyError:
        raise APIError(404) from None
    result = Response(body=data, content_type=content_type)
    result.headers["Content-Disposition"] = f'inline; filename="{name}"'
    result.headers["Cache-Control"] = "private, no-store"
    return result


PAGE = {"200": response("One page of tickets", TicketPage())}
PDF = {"response_schemas": {"200": response("The PDF")}, "produces": ["application/pdf"]}
PNG = {"response_schemas": {"200": response("The PNG")}, "produces": ["image/png"]}


@own_tickets.get(schema=ListOwnTickets(), permission=Perm.AUTHENTICATED, response_schemas=PAGE,
                 operation_id="list_own_tickets", tags=["tickets"])
def list_own_tickets(request):
    """The caller's tickets, newest first; filters: status, product, event dates."""
    return ticket_page(request, Ticket.user_id == request.identity.id)


@own_pdf.get(permission=Perm.AUTHENTICATED, **PDF,
             operation_id="get_own_ticket_pdf", tags=["tickets"])
def get_own_pdf(request):
    """Download one of the caller's ticket PDFs; any other name is 404."""
    return file_response(request, Ticket.pdf_name, "application/pdf",
                         Ticket.user_id == request.identity.id)


@own_qr.get(permission=Perm.AUTHENTICATED, **PNG,
            operation_id="get_own_ticket_qr", tags=["tickets"])
def get_own_qr(request):
    """Download the QR code of one of the caller's tickets; any other name is 404."""
    return file_response(request, Ticket.qr_name, "image/png",
                         Ticket.user_id == request.identity.id)


@all_tickets.get(schema=ListTickets(), permission=TICKETS_ADMIN, response_schemas=PAGE,
                 operation_id="list_tickets", tags=["tickets"])
def list_tickets(request):
    """Every ticket, newest first; filters: status, user, product, payment, event dates."""
    return ticket_page(request)


@admin_pdf.get(permission=TICKETS_ADMIN, **PDF,
               operation_id="get_ticket_pdf", tags=["tickets"])
def get_admin_pdf(request):
    """Download any ticket PDF."""
    return file_response(request, Ticket.pdf_name, "application/pdf")


@admin_qr.get(permission=TICKETS_ADMIN, **PNG,
              operation_id="get_ticket_qr", tags=["tickets"])
def get_admin_qr(request):
    """Download any ticket QR code."""
    return file_response(request, Ticket.qr_name, "image/png")


@ticket_status.put(schema=ChangeStatus(), permission=TICKETS_ADMIN,
                   response_schemas={"200": response("The ticket", TicketEnvelope())},
                   operation_id="change_ticket_status", tags=["tickets"])
def put_status(request):
    """Set a ticket's status. Allowed: issued → used, cancelled, refunded; used → issued
    (undo a mistaken scan), refunded; cancelled → issued, refunded; refunded is final."""
    ticket = request.dbsession.get(Ticket, request.validated["path"]["id"])
    if ticket is None:
        raise APIError(404)
    ticket = change_status(request, ticket, request.validated["body"]["status"])
    return {"data": ticket_body(ticket, request.locale_name)}


@all_tickets.post(schema=IssueFreeTickets(), permission=TICKETS_ADMIN,
                  response_schemas={"201": response("Free tickets ordered", FreeTicketsEnvelope())},
                  operation_id="issue_free_tickets", tags=["tickets"])
def post_free_tickets(request):
    """Issue free tickets: a paid zero-amount payment fulfilled like any other (tickets,
    zero invoice, e-mail in ``locale``). Without ``product_id`` the deployment's
    ``ticketing.tickets.default_product_id`` is used, else 422."""
    body = request.validated["body"]
    product_id = body.get("product_id") or request.registry.settings[
        "ticketing.tickets.default_product_id"]
    if product_id is None:
        raise APIError(422, errors={"product_id": [_("Required: name the event.")]})
    user = request.dbsession.get(User, body["user_id"])
    if user is None or not user.is_active:
        raise APIError(422, errors={"user_id": [_("No active user has this id.")]})
    if request.hook.ticketing_product(request=request, product_id=product_id) is None:
        raise APIError(422, errors={"product_id": [_("No event on sale has this id.")]})
    payment = request.hook.ticketing_complimentary_payment(
        request=request, user=user, product_id=product_id, quantity=body["quantity"],
        locale=body["locale"],
    )
    request.response.status_int = 201
    return {"data": {"payment_uuid": str(payment.uuid), "status": payment.status,
                     "user_id": user.id, "product_id": product_id,
                     "quantity": body["quantity"]}}
