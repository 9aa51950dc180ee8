"""Request and response schemas of the payments endpoints."""
import colander
from pyramid.i18n import TranslationStringFactory

from ticketing.api import Request, StrictMapping, WholeNumber, text
from ticketing.money import Amount
from ticketing.pagination import DatedPageParams, PageMeta

from .models import SOLD_STATUSES, STATUSES

_ = TranslationStringFactory("ticketing_payments")


def _string(description, **kwargs):
    return colander.SchemaNode(colander.String(), description=description, **kwargs)


def _positive(node, value):
    if value <= 0:
        raise colander.Invalid(node, _("Must be more than zero."))


class PaymentPath(colander.MappingSchema):
    uuid = text(36, description="The payment's uuid.")


class PaymentRequest(Request):
    path = PaymentPath()


class RefundBody(StrictMapping):
    amount = colander.SchemaNode(Amount(), validator=_positive,
                                 description="Amount to refund, e.g. 25.00.", example="25.00")


class RefundRequest(Request):
    path = PaymentPath()
    body = RefundBody()


class PaymentFilters(DatedPageParams):
    status = colander.SchemaNode(colander.String(), missing=colander.drop,
                                 validator=colander.OneOf(STATUSES), description="Payment status.")
    user_id = colander.SchemaNode(WholeNumber(), missing=colander.drop, description="Buyer's user id.")


class ListPaymentsRequest(Request):
    querystring = PaymentFilters()


class SalesFilters(DatedPageParams):
    status = colander.SchemaNode(colander.String(), missing=colander.drop,
                                 validator=colander.OneOf(SOLD_STATUSES),
                                 description="Status of the payment the line belongs to.")
    product_id = colander.SchemaNode(WholeNumber(), missing=colander.drop, description="Product id.")


class SalesRequest(Request):
    querystring = SalesFilters()


# -- responses --------------------------------------------------------------------------


class Line(colander.MappingSchema):
    product_id = colander.SchemaNode(colander.Integer())
    name = _string("Product name at checkout")
    quantity = colander.SchemaNode(colander.Integer())
    unit_price = _string("Effective unit price", example="25.00")
    line_total = _string("Quantity times unit price", example="50.00")


class Lines(colander.SequenceSchema):
    line = Line()


class Checkout(colander.MappingSchema):
    uuid = _string("Payment uuid")
    client_secret = _string("For stripe.confirmCardPayment in the browser")
    amount = _string("Amount charged", example="50.00")
    currency = _string("ISO currency code", example="EUR")
    status = _string("pending (or the state of a replayed payment)")


class Tickets(colander.SequenceSchema):
    ticket = colander.SchemaNode(colander.Mapping(unknown="preserve"),
                                 description="A ticket, as the tickets plugin shows it")


class PaymentBody(colander.MappingSchema):
    uuid = _string("Payment uuid")
    status = _string(" | ".join(STATUSES))
    amount = _string("Amount charged", example="50.00")
    refunded_amount = _string("Refunded so far", example="0.00")
    currency = _string("ISO currency code", example="EUR")
    created_at = _string("ISO 8601")
    paid_at = _string("ISO 8601, null until paid", nullable=True)
    lines = Lines()
    invoice_filename = _string("Invoice PDF (GET /api/invoices/{filename}), null until paid",
                               nullable=True)
    tickets = Tickets(description="Tickets (see GET /api/tickets/user), empty until paid")


class AdminPayment(PaymentBody):
    user_id = colander.SchemaNode(colander.Integer())
    email = _string("Buyer's e-mail")
    failure_reason = _string("Null, or why it failed: declined, canceled, expired, replaced, "
                             "provider_unavailable, sold_out", nullable=True)


class AdminPayments(colander.SequenceSchema):
    payment = AdminPayment()


class PaymentPage(colander.MappingSchema):
    data = AdminPayments()
    meta = PageMeta()


class SoldLine(Line):
    payment_uuid = _string("Payment uuid")
    status = _string(" | ".join(SOLD_STATUSES))
    paid_at = _string("ISO 8601")
    user_id = colander.SchemaNode(colander.Integer())
    refunded = _string("Share of the payment's refunds, in proportion to the line total")
    currency = _string("ISO currency code")


class SoldLines(colander.SequenceSchema):
    line = SoldLine()


class SalesTotals(colander.MappingSchema):
    gross = _string("Sum of line totals")
    refunded = _string("Refunds attributed to these lines")
    net = _string("gross - refunded")
    tickets_sold = colander.SchemaNode(colander.Integer())
    currency = _string("ISO currency code")


class SalesPage(colander.MappingSchema):
    data = SoldLines()
    meta = PageMeta()
    totals = SalesTotals(description="Totals of every line matching the filters")


class WebhookAck(colander.MappingSchema):
    received = colander.SchemaNode(colander.Boolean())
    duplicate = colander.SchemaNode(colander.Boolean())
