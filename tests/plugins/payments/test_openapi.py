"""The payment and invoice endpoints appear in a valid OpenAPI document, and their
messages exist in every language."""
from importlib import resources

import pytest
from babel.messages.pofile import read_po
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV2SpecValidator


def test_payment_and_invoice_endpoints_are_documented(app):
    spec = app.get("/api/openapi.json").json

    validate(spec, cls=OpenAPIV2SpecValidator)
    for path in ("/api/payments", "/api/payments/webhook", "/api/payments/{uuid}",
                 "/api/payments/{uuid}/refund", "/api/admin/sales", "/api/invoices/user",
                 "/api/invoices/{filename}", "/api/invoices/admin/{filename}"):
        assert path in spec["paths"], path


@pytest.mark.parametrize("domain", ["ticketing_payments", "ticketing_invoicing"])
def test_de_and_fr_translate_every_message(domain):
    for locale in ("de", "fr"):
        po = resources.files(domain).joinpath(f"locale/{locale}/LC_MESSAGES/{domain}.po")
        with po.open("rb") as file:
            catalog = read_po(file)
        missing = [message.id for message in catalog
                   if message.id and (not message.string or message.fuzzy)]
        assert len(catalog) > 10 and missing == [], locale
