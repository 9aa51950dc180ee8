"""Gate scanning of tickets."""
from ticketing import hookimpl

from . import models  # noqa: F401  (tables join the metadata on import)

requires = ("tickets",)

TICKETS_SCAN = "tickets:scan"


@hookimpl
def ticketing_permissions():
    return {TICKETS_SCAN: {"employee"}}


@hookimpl
def ticketing_migrations():
    return "ticketing_scanning:migrations"


@hookimpl
def ticketing_configure(config):
    config.include("ticketing_scanning")


def includeme(config):
    config.add_translation_dirs("ticketing_scanning:locale/")
    config.scan(".views")
