"""Request and response schemas of the ticket endpoints."""
import colander
from pyramid.i18n import TranslationStringFactory

from ticketing.api import Request, StrictMapping, WholeNumber
from ticketing.i18n import LOCALES
from ticketing.i18n import _ as core_  # messages the core already translates
from ticketing.pagination import PageMeta, PageParams

from .models import STATUSES

_ = TranslationStringFactory("ticketing_tickets")


def positive_id(**kwargs):
    return colander.SchemaNode(
        WholeNumber(), validator=colander.Range(min=1, min_err=core_("Must be 1 or more.")), **kwargs
    )


def status_node(**kwargs):
    return colander.SchemaNode(
        colander.String(),
        validator=colander.OneOf(STATUSES, msg_err=_("Must be one of: issued, used, cancelled, refunded.")),
        **kwargs,
    )


# -- requests ---------------------------------------------------------------------------


class OwnTicketFilters(PageParams):
    status = status_node(missing=colander.drop, description="issued, used, cancelled or refunded")
    product_id = positive_id(missing=colander.drop, description="Tickets of this product.")
    date_from = colander.SchemaNode(
        colander.Date(), missing=colander.drop,
        description="Events on or after this day (YYYY-MM-DD, the event's local date).")
    date_to = colander.SchemaNode(
        colander.Date(), missing=colander.drop,
        description="Events on or before this day (YYYY-MM-DD, the event's local date).")


class ListOwnTickets(Request):
    querystring = OwnTicketFilters()


class AdminTicketFilters(OwnTicketFilters):
    user_id = positive_id(missing=colander.drop, description="Tickets of this user.")
    payment_uuid = colander.SchemaNode(
        colander.String(), validator=colander.Length(max=36), missing=colander.drop,
        description="Tickets of this payment.")


class ListTickets(Request):
    querystring = AdminTicketFilters()


class TicketIdPath(colander.MappingSchema):
    id = positive_id(description="Ticket id.")


class StatusBody(StrictMapping):
    status = status_node(description="The new status.")


class ChangeStatus(Request):
    path = TicketIdPath()
    body = StatusBody()


class FreeTicketsBody(StrictMapping):
    user_id = positive_id(description="Who receives the tickets.")
    quantity = colander.SchemaNode(
        WholeNumber(), validator=colander.Range(
            min=1, max=100, min_err=core_("Must be 1 or more."), max_err=core_("Must be at most 100.")),
        description="How many tickets (1 to 100).")
    locale = colander.SchemaNode(
        colander.String(), validator=colander.OneOf(LOCALES, msg_err=_("Must be one of: en, de, fr.")),
        description="Language of the e-mail and the tickets.")
    product_id = positive_id(
        missing=colander.drop,
        description="The event; defaults to the setting ticketing.tickets.default_product_id.")


class IssueFreeTickets(Request):
    body = FreeTicketsBody()


# -- responses --------------------------------------------------------------------------


class EventBody(colander.MappingSchema):
    name = colander.SchemaNode(colander.String(), description="In the request's locale.")
    starts_at = colander.SchemaNode(colander.DateTime(), missing=colander.drop, nullable=True,
                                    description="null when the event has no date.")
    timezone = colander.SchemaNode(colander.String(), description="The event's time zone.")
    venue = colander.SchemaNode(colander.String())


class TicketBody(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    token = colander.SchemaNode(colander.String(), description="The UUID in the QR code.")
    status = colander.SchemaNode(colander.String(), description="issued, used, cancelled, refunded")
    filename = colander.SchemaNode(colander.String(), description="The ticket PDF.")
    qr_filename = colander.SchemaNode(colander.String(), description="The QR code PNG.")
    product_id = colander.SchemaNode(colander.Integer())
    payment_uuid = colander.SchemaNode(colander.String())
    holder = colander.SchemaNode(colander.String(), description="Name of the holder.")
    event = EventBody()
    used_at = colander.SchemaNode(colander.DateTime(), missing=colander.drop, nullable=True,
                                  description="null until admitted.")
    created_at = colander.SchemaNode(colander.DateTime())


class TicketList(colander.SequenceSchema):
    ticket = TicketBody()


class TicketPage(colander.MappingSchema):
    data = TicketList()
    meta = PageMeta()


class TicketEnvelope(colander.MappingSchema):
    data = TicketBody()


class FreeTicketsResult(colander.MappingSchema):
    payment_uuid = colander.SchemaNode(colander.String(), description="The zero-amount payment.")
    status = colander.SchemaNode(colander.String())
    user_id = colander.SchemaNode(colander.Integer())
    product_id = colander.SchemaNode(colander.Integer())
    quantity = colander.SchemaNode(colander.Integer())


class FreeTicketsEnvelope(colander.MappingSchema):
    data = FreeTicketsResult()
