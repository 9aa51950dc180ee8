"""Stripe payments, reservations, refunds and sales."""
from ticketing import hookimpl

from . import models  # noqa: F401  (tables join the metadata on import)

requires = ("cart",)


@hookimpl
def ticketing_migrations():
    return "ticketing_payments:migrations"


@hookimpl
def ticketing_configure(config):
    config.include("ticketing_payments")


def includeme(config):
    config.add_translation_dirs("ticketing_payments:locale/")
