"""The catalogue and cart document their operations and translate every message."""
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV2SpecValidator

import ticketing_cart
import ticketing_catalog


def test_operations_are_documented(app):
    spec = app.get("/api/openapi.json").json
    validate(spec, cls=OpenAPIV2SpecValidator)
    operations = {op["operationId"] for path in spec["paths"].values()
                  for op in path.values() if isinstance(op, dict) and "operationId" in op}
    assert {"list_products", "list_all_products", "get_product", "create_product",
            "replace_product", "change_product_pricing", "get_cart", "set_cart_item",
            "empty_cart"} <= operations


@pytest.mark.parametrize("package", [ticketing_catalog, ticketing_cart])
@pytest.mark.parametrize("locale", ["de", "fr"])
def test_every_message_is_translated(package, locale):
    domain = package.__name__
    path = Path(package.__file__).parent / "locale" / locale / "LC_MESSAGES" / f"{domain}.po"
    with path.open("rb") as po:
        catalog = read_po(po)
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert len(catalog) > 0 and untranslated == []
