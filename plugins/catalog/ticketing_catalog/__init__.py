"""Products, translations and pricing. Answers the other plugins' questions about
products (name, effective price, stock) and takes and releases stock."""
from pyramid.i18n import TranslationStringFactory

from ticketing import hookimpl
from ticketing.settings import Setting

from . import models  # noqa: F401  (tables join the metadata on import)
from . import demo, services

_ = TranslationStringFactory("ticketing_catalog")

ADMIN = "catalog:admin"


def as_timezone(value):
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = str(value).strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}") from None
    return name


@hookimpl
def ticketing_settings():
    return [
        Setting("ticketing.catalog.timezone", as_timezone, "Europe/Berlin",
                "IANA time zone of events created without one (tickets print local times)."),
    ]


@hookimpl
def ticketing_permissions():
    return {ADMIN: {"admin"}}


@hookimpl
def ticketing_migrations():
    return "ticketing_catalog:migrations"


@hookimpl
def ticketing_configure(config):
    config.include("ticketing_catalog")


@hookimpl
def ticketing_demo_data(request):
    demo.load(request.dbsession)


@hookimpl
def ticketing_product(request, product_id):
    return services.product_infos(request.dbsession, [product_id],
                                  request.locale_name).get(product_id)


@hookimpl
def ticketing_products(request, product_ids):
    return services.product_infos(request.dbsession, product_ids, request.locale_name)


@hookimpl
def ticketing_stock_taken(request, product_id, quantity):
    return services.take_stock(request.dbsession, product_id, quantity)


@hookimpl
def ticketing_stock_released(request, product_id, quantity):
    return services.release_stock(request.dbsession, product_id, quantity)


def includeme(config):
    config.add_translation_dirs("ticketing_catalog:locale/")
    config.scan(".views")
