"""Products, translations and pricing."""
from ticketing import hookimpl

from . import models  # noqa: F401  (tables join the metadata on import)




@hookimpl
def ticketing_migrations():
    return "ticketing_catalog:migrations"


@hookimpl
def ticketing_configure(config):
    config.include("ticketing_catalog")


def includeme(config):
    config.add_translation_dirs("ticketing_catalog:locale/")
