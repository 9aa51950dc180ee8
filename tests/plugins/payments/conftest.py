import pytest

from tests.plugins.catalog.factories import create_product

PLUGINS = ("catalog", "cart", "payments", "invoicing")


@pytest.fixture
def app(make_app):
    return make_app(plugins=PLUGINS)


@pytest.fixture
def product(db):
    """45.00 after a 10 % sale, 10 in stock."""
    return create_product(db, price=5000, sale="0.10", stock_quantity=10,
                          names={"en": "Jazz night", "de": "Jazzabend", "fr": "Soirée jazz"})


@pytest.fixture
def customer(make_user):
    return make_user(first_name="Amélie", last_name="Dupont", locale="fr")


@pytest.fixture
def admin(make_user):
    return make_user(roles=("customer", "admin"))
