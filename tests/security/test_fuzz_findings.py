"""Faults the contract fuzzer found, each kept as a plain test of its input."""
import pytest

from tests.security.test_authorization_matrix import PRODUCT


@pytest.mark.parametrize("amount", [
    "0408361766167141713825850258",  # 28 digits: quantizing it raised InvalidOperation (500)
    "1e400", "-1E+30", "21474836.48",  # above what a money column holds
])
def test_an_amount_too_large_for_the_money_columns_is_422(app, world, amount):
    response = app.get("/api/products", {"max_price": amount}, status=422,
                       headers={"Accept-Language": "fr"})
    assert list(response.json["errors"]) == ["max_price"]
    created = app.post_json("/api/products", {**PRODUCT, "price": amount},
                            headers=world.headers["admin"], status=422)
    assert list(created.json["errors"]) == ["price"]


def test_the_largest_amount_a_column_holds_is_accepted(app, world):
    created = app.post_json("/api/products", {**PRODUCT, "price": "21474836.47"},
                            headers=world.headers["admin"], status=201)
    assert created.json["data"]["price"] == "21474836.47"


def test_fields_that_may_be_null_are_documented_nullable(app):
    """Responses carried null in fields documented as plain strings (used_at,
    email_verified_at, ...): the schema check of clients and fuzzers failed."""
    fields = set(nullable_properties(app.get("/api/openapi.json").json))
    assert {"used_at", "email_verified_at", "starts_at", "used_by", "scanned_by"} <= fields


def nullable_properties(document):
    if isinstance(document, dict):
        for name, spec in document.get("properties", {}).items():
            if spec.get("x-nullable"):
                yield name
        for value in document.values():
            yield from nullable_properties(value)
    elif isinstance(document, list):
        for value in document:
            yield from nullable_properties(value)
