"""Invoice endpoints: the caller's invoices and PDFs, and any PDF for an admin."""
import colander
from pyramid.response import Response
from sqlalchemy import select

from ticketing.api import Request, Service, response
from ticketing.errors import APIError
from ticketing.money import format_cents
from ticketing.pagination import DatedPageParams, PageMeta, paginate, within_days
from ticketing.security import Perm
from ticketing.storage import NAME

from . import INVOICES_ADMIN
from .models import Invoice

own = Service(name="invoicing.own", pyramid_route="invoicing.own", description="My invoices")
own_pdf = Service(name="invoicing.pdf", path="/api/invoices/{filename}",
                  description="One of my invoices as PDF")
admin_pdf = Service(name="invoicing.admin_pdf", path="/api/invoices/admin/{filename}",
                    description="Any invoice as PDF (admin)")


class InvoiceFilters(DatedPageParams):
    number = colander.SchemaNode(colander.String(), missing=colander.drop,
                                 description="Exact invoice number, e.g. 2026-000001.")


class ListInvoicesRequest(Request):
    querystring = InvoiceFilters()


class InvoiceBody(colander.MappingSchema):
    number = colander.SchemaNode(colander.String(), example="2026-000001")
    filename = colander.SchemaNode(colander.String(), description="GET /api/invoices/{filename}")
    payment_uuid = colander.SchemaNode(colander.String())
    total = colander.SchemaNode(colander.String(), example="50.00")
    refunded_amount = colander.SchemaNode(colander.String(), example="0.00")
    currency = colander.SchemaNode(colander.String(), example="EUR")
    created_at = colander.SchemaNode(colander.String(), description="ISO 8601")


class InvoiceList(colander.SequenceSchema):
    invoice = InvoiceBody()


class InvoicePage(colander.MappingSchema):
    data = InvoiceList()
    meta = PageMeta()


PDF = {"200": response("The invoice PDF (application/pdf)")}


def invoice_body(invoice):
    return {"number": invoice.number, "filename": invoice.filename,
            "payment_uuid": invoice.payment_uuid, "total": format_cents(invoice.total),
            "refunded_amount": format_cents(invoice.refunded_amount),
            "currency": invoice.currency, "created_at": invoice.created_at.isoformat()}


@own.get(schema=ListInvoicesRequest(), permission=Perm.AUTHENTICATED,
         operation_id="list_my_invoices", tags=["invoices"],
         response_schemas={"200": response("One page of my invoices", InvoicePage())})
def list_my_invoices(request):
    """The caller's invoices, newest first, by creation day and number."""
    query = request.validated["querystring"]
    statement = (select(Invoice).where(Invoice.user_id == request.identity.id)
                 .order_by(Invoice.created_at.desc(), Invoice.id.desc()))
    if query.get("number"):
        statement = statement.where(Invoice.number == query["number"])
    statement = within_days(statement, Invoice.created_at, query)
    return paginate(request.dbsession, statement, query["page"], query["per_page"], invoice_body)


def pdf_response(request, owner):
    """The PDF named in the path, if it is the current file of an invoice of ``owner``
    (anyone's when ``None``); anything else, path tricks included, is a 404."""
    filename = request.matchdict["filename"]
    invoice = None
    if NAME.match(filename) and filename.endswith(".pdf"):
        statement = select(Invoice).where(Invoice.filename == filename)
        if owner is not None:
            statement = statement.where(Invoice.user_id == owner.id)
        invoice = request.dbsession.execute(statement).scalars().first()
    if invoice is None:
        raise APIError(404)
    return Response(body=request.storage.read(invoice.filename), content_type="application/pdf",
                    content_disposition=f'inline; filename="invoice-{invoice.number}.pdf"')


@own_pdf.get(permission=Perm.AUTHENTICATED, operation_id="get_my_invoice_pdf",
             tags=["invoices"], response_schemas=PDF)
def get_my_invoice_pdf(request):
    """One of the caller's invoices as PDF."""
    return pdf_response(request, request.identity)


@admin_pdf.get(permission=INVOICES_ADMIN, operation_id="get_invoice_pdf", tags=["invoices"],
               response_schemas=PDF)
def get_invoice_pdf(request):
    """Any invoice as PDF (admin)."""
    return pdf_response(request, None)
