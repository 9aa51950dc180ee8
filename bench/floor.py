"""The floor: what Pyramid 2 and the SQLAlchemy ORM cost without the product around
them (no Cornice, no security policy, no transaction manager, no validation). Served
by the same gunicorn configuration from the same database as the product.

``/products``: the first 20 active products with their 3 translations (two statements,
like the product's list without its count), in German. ``/hello``: a bare JSON answer.
"""
import os
from pathlib import Path

from pyramid.config import Configurator
from pyramid.paster import get_appsettings
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, selectinload

from ticketing_catalog.models import Product


def product_json(product, locale):
    texts = product.translations[locale]
    return {
        "id": product.id, "category": product.category, "name": texts.name,
        "description": texts.description, "price": f"{product.price / 100:.2f}",
        "sale": str(product.sale), "final_price": f"{product.final_price / 100:.2f}",
        "currency": "EUR", "stock_quantity": product.stock_quantity,
        "images": list(product.images), "is_active": product.is_active,
        "starts_at": product.starts_at.isoformat(), "venue": product.venue,
        "timezone": product.timezone,
    }


def products(request):
    with Session(request.registry["engine"]) as session:
        rows = session.execute(
            select(Product).options(selectinload(Product.translations))
            .where(Product.is_active.is_(True))
            .order_by(Product.starts_at, Product.id).limit(20)
        ).scalars().all()
        return {"data": [product_json(row, "de") for row in rows]}


def hello(request):
    return {"hello": "world"}


def main(global_config, **settings):
    """App factory; the database is the one ``bench.ini`` (or ``$BENCH_INI``) names."""
    ini = os.environ.get("BENCH_INI", Path(global_config["here"]) / "bench.ini")
    app_settings = get_appsettings(str(ini))
    config = Configurator()
    config.registry["engine"] = create_engine(app_settings["sqlalchemy.url"], pool_size=2)
    config.add_route("products", "/products")
    config.add_route("hello", "/hello")
    config.add_view(products, route_name="products", renderer="json")
    config.add_view(hello, route_name="hello", renderer="json")
    return config.make_wsgi_app()
