"""Tickets, QR codes, ticket PDFs and delivery."""
from ticketing import hookimpl
from ticketing.settings import Setting, as_positive_int

from . import models  # noqa: F401  (tables join the metadata on import)
from .services import issue_tickets, mark_used, payment_tickets, ticket_info

requires = ("payments",)

TICKETS_ADMIN = "tickets:admin"


@hookimpl
def ticketing_settings():
    return [Setting("ticketing.tickets.default_product_id", as_positive_int, None,
                    "Product of free tickets ordered without a product_id (POST /api/tickets).")]


@hookimpl
def ticketing_permissions():
    return {TICKETS_ADMIN: set()}  # admins only


@hookimpl
def ticketing_migrations():
    return "ticketing_tickets:migrations"


@hookimpl
def ticketing_configure(config):
    config.include("ticketing_tickets")


@hookimpl
def ticketing_payment_paid(request, payment):
    return issue_tickets(request, payment)


@hookimpl
def ticketing_payment_documents(request, payment):
    return {"tickets": payment_tickets(request, payment)}


@hookimpl
def ticketing_ticket(request, token):
    return ticket_info(request, token)


@hookimpl
def ticketing_ticket_used(request, token, user):
    return mark_used(request, token, user)


def includeme(config):
    config.add_translation_dirs("ticketing_tickets:locale/")
    config.scan(".views")
