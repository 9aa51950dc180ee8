"""Invoices: gap-free numbering, the PDF in the buyer's locale, regeneration on refund."""
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_percent
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ticketing.db import mark_changed, utcnow
from ticketing.interfaces import Attachment
from ticketing.pdf import render_pdf
from ticketing.templating import render

from .models import Invoice, InvoiceCounter

TEMPLATE = "ticketing_invoicing:templates/invoice.html"
STYLESHEET = "ticketing_invoicing:templates/invoice.css"


def next_number(request, year):
    """Bump the year's counter (the row stays locked until commit, which serialises
    invoice creation); an aborted transaction gives its number back."""
    session = request.dbsession
    while True:
        last = session.execute(
            update(InvoiceCounter).where(InvoiceCounter.year == year)
            .values(last=InvoiceCounter.last + 1).returning(InvoiceCounter.last)
        ).scalar()
        mark_changed(session)
        if last is not None:
            return f"{year}-{last:06d}"
        try:  # the year's first invoice; a concurrent first one makes us update instead
            with session.begin_nested():
                session.add(InvoiceCounter(year=year, last=1))
            return f"{year}-{1:06d}"
        except IntegrityError:
            continue


def invoice_of(request, payment_id, lock=False):
    statement = select(Invoice).where(Invoice.payment_id == payment_id)
    if lock:
        statement = statement.with_for_update()
    return request.dbsession.execute(statement).scalars().first()


def money(cents, currency, locale):
    return format_currency(Decimal(cents) / 100, currency, locale=locale)


def vat_breakdown(total, rate):
    """Prices include VAT: ``(net, vat)`` of ``total`` cents at ``rate``."""
    net = (Decimal(total) / (1 + rate)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(net), total - int(net)


def render_invoice(request, invoice, payment):
    settings = request.registry.settings
    locale = payment.locale
    rate = settings["ticketing.invoicing.vat_rate"]
    net, vat = vat_breakdown(payment.amount, rate)

    def amount(cents):
        return money(cents, payment.currency, locale)

    html = render(
        request.registry, TEMPLATE, locale,
        invoice=invoice, payment=payment, buyer=payment.user, amount=amount,
        date=lambda value: format_date(value, format="long", locale=locale),
        seller={"name": settings["ticketing.invoicing.seller_name"]
                or settings["ticketing.shop_name"],
                "address": settings["ticketing.invoicing.seller_address"].splitlines(),
                "vat_id": settings["ticketing.invoicing.seller_vat_id"]},
        vat_rate=format_percent(rate, locale=locale, decimal_quantization=False),
        net=net, vat=vat, refunds=payment.refunds,
        remaining=payment.amount - payment.refunded_amount,
    )
    return request.storage.save(render_pdf(html, STYLESHEET), "pdf")


def ensure_invoice(request, payment):
    """The payment's invoice, created with its PDF if missing."""
    invoice = invoice_of(request, payment.id)
    if invoice is None:
        created = utcnow()
        invoice = Invoice(number=next_number(request, created.year), payment_id=payment.id,
                          payment_uuid=payment.uuid, user_id=payment.user_id,
                          total=payment.amount, refunded_amount=payment.refunded_amount,
                          currency=payment.currency, created_at=created)
        invoice.filename = render_invoice(request, invoice, payment)
        request.dbsession.add(invoice)
        request.dbsession.flush()
    return invoice


def refresh_invoice(request, payment):
    """Render the invoice again after a refund: every refund and the remaining total."""
    invoice = invoice_of(request, payment.id, lock=True)
    if invoice is not None:
        invoice.refunded_amount = payment.refunded_amount
        invoice.filename = render_invoice(request, invoice, payment)


def attachment(invoice):
    return Attachment(filename=f"invoice-{invoice.number}.pdf",
                      content_type="application/pdf", stored_name=invoice.filename)
