"""Invoices and their PDFs."""
from ticketing import hookimpl
from ticketing.settings import Setting, as_decimal, as_str

from . import models  # noqa: F401  (tables join the metadata on import)
from . import services

requires = ("payments",)

INVOICES_ADMIN = "invoices:admin"


def as_vat_rate(value):
    rate = as_decimal(value)
    if not 0 <= rate < 1:
        raise ValueError(f"expected a fraction from 0 to below 1, got {value!r}")
    return rate


@hookimpl
def ticketing_settings():
    return [
        Setting("ticketing.invoicing.seller_name", as_str, "",
                "Seller's legal name on invoices (default: the shop name)."),
        Setting("ticketing.invoicing.seller_address", as_str, "",
                "Seller's postal address; one line per line (use \\n in env values)."),
        Setting("ticketing.invoicing.seller_vat_id", as_str, "", "Seller's VAT number."),
        Setting("ticketing.invoicing.vat_rate", as_vat_rate, as_vat_rate("0.20"),
                "VAT rate included in the prices, as a fraction (0.20 = 20 %)."),
    ]


@hookimpl
def ticketing_permissions():
    return {INVOICES_ADMIN: {"admin"}}


@hookimpl
def ticketing_migrations():
    return "ticketing_invoicing:migrations"


@hookimpl
def ticketing_configure(config):
    config.include("ticketing_invoicing")


@hookimpl
def ticketing_payment_paid(request, payment):
    return [services.attachment(services.ensure_invoice(request, payment))]


@hookimpl
def ticketing_payment_refunded(request, payment, refund):
    services.refresh_invoice(request, payment)


@hookimpl
def ticketing_payment_documents(request, payment):
    invoice = services.invoice_of(request, payment.id)
    return {"invoice_filename": invoice.filename} if invoice is not None else None


def includeme(config):
    config.add_translation_dirs("ticketing_invoicing:locale/")
    # before /api/invoices/{filename}, which would take it otherwise
    config.add_route("invoicing.own", "/api/invoices/user")
    config.scan(".views")
