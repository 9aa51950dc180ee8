"""Helpers for tests of any plugin: ``create_product(db, **overrides) -> Product``, and
``call_hook(registry, name, locale, **kwargs)`` to ask a hook with a real request.

Writes through the ``db`` fixture's session and commits, so the application sees the
row. Overrides are column values (``price`` in cents, ``sale`` a fraction, ...) plus
``names={locale: name}`` for the translated names; descriptions are derived from them.
"""
from datetime import datetime, timezone
from decimal import Decimal

from pyramid.request import Request
from pyramid.scripting import prepare

from ticketing.i18n import LOCALES
from ticketing_catalog.models import Product


def create_product(db, names=None, price=2500, sale=Decimal(0), **overrides):
    names = names or {locale: f"Concert ({locale})" for locale in LOCALES}
    values = {
        "category": "concert",
        "stock_quantity": 100,
        "images": [],
        "is_active": True,
        "starts_at": datetime(2030, 6, 1, 18, 0, tzinfo=timezone.utc),
        "venue": "Stadthalle",
        "timezone": "Europe/Berlin",
        **overrides,
    }
    product = Product(**values)
    product.set_pricing(price, sale)
    product.set_translations(
        {locale: {"name": name, "description": f"About {name}"} for locale, name in names.items()}
    )
    db.add(product)
    db.commit()
    return product


def call_hook(registry, name, locale="en", **kwargs):
    """Call hook ``name`` with a real request (``Accept-Language: locale``) in its own
    transaction, committed when the hook returns."""
    env = prepare(registry=registry,
                  request=Request.blank("/", headers={"Accept-Language": locale}))
    request = env["request"]
    try:
        with request.tm:
            return getattr(registry.hook, name)(request=request, **kwargs)
    finally:
        env["closer"]()
