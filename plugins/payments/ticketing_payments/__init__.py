"""Stripe payments, reservations, refunds and sales."""
from ticketing import hookimpl
from ticketing.settings import Setting, as_positive_int, as_str, as_url

from . import models  # noqa: F401  (tables join the metadata on import)
from . import tasks  # noqa: F401  (registers the Celery tasks)
from .gateway import StripeGateway
from .services import create_complimentary

requires = ("cart",)

PAYMENTS_ADMIN = "payments:admin"


def as_optional_url(value):
    return as_url(value) if as_str(value) else ""


@hookimpl
def ticketing_settings():
    return [
        Setting("ticketing.stripe.secret_key", as_str, doc="Stripe secret key (sk_...)."),
        Setting("ticketing.stripe.publishable_key", as_str, "",
                doc="Stripe publishable key (pk_...), used by the front end."),
        Setting("ticketing.stripe.webhook_secret", as_str,
                doc="Signing secret of the webhook endpoint (whsec_...)."),
        Setting("ticketing.stripe.api_base", as_optional_url, "",
                doc="Stripe API URL; empty for Stripe itself, localstripe in development."),
        Setting("ticketing.payments.reservation_minutes", as_positive_int, 15,
                doc="How long a pending payment holds its stock."),
    ]


@hookimpl
def ticketing_permissions():
    return {PAYMENTS_ADMIN: {"admin"}}


@hookimpl
def ticketing_migrations():
    return "ticketing_payments:migrations"


@hookimpl
def ticketing_configure(config):
    config.include("ticketing_payments")


@hookimpl
def ticketing_complimentary_payment(request, user, product_id, quantity, locale):
    return create_complimentary(request, user, product_id, quantity, locale)


def includeme(config):
    config.add_translation_dirs("ticketing_payments:locale/")
    config.registry["payments.gateway"] = StripeGateway(config.get_settings())
    # before /api/payments/{uuid}, which would take it otherwise
    config.add_route("payments.webhook", "/api/payments/webhook")
    config.scan(".views")
