"""Guest and user carts."""
from ticketing import hookimpl

from . import models  # noqa: F401  (tables join the metadata on import)

requires = ("catalog",)


@hookimpl
def ticketing_migrations():
    return "ticketing_cart:migrations"


@hookimpl
def ticketing_configure(config):
    config.include("ticketing_cart")


def includeme(config):
    config.add_translation_dirs("ticketing_cart:locale/")
