"""Tickets, QR codes, ticket PDFs and delivery."""
from ticketing import hookimpl

from . import models  # noqa: F401  (tables join the metadata on import)

requires = ("payments",)


@hookimpl
def ticketing_migrations():
    return "ticketing_tickets:migrations"


@hookimpl
def ticketing_configure(config):
    config.include("ticketing_tickets")


def includeme(config):
    config.add_translation_dirs("ticketing_tickets:locale/")
