"""Bad input everywhere: every JSON-body endpoint gets broken bodies and broken fields,
the download routes get path tricks, every route odd headers. Each answer is a JSON
error in the request's language, and the database is exactly as before.

The JSON-body endpoints are read from the OpenAPI document, so a new one is covered
(its valid body comes from the authorization matrix, which every route must have)."""
import hashlib
import json

import pytest

from ticketing.errors import DEFAULTS
from tests.security.test_authorization_matrix import MATRIX, PLACEHOLDER, fill, int_fields
from tests.support.database import table_rows


def body_operations(app):
    """``{(METHOD, documented path): body schema}`` of operations taking a JSON body."""
    operations = {}
    for path, item in app.get("/api/openapi.json").json["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else ():
                if parameter["in"] == "body":
                    operations[(method.upper(), path)] = parameter["schema"]
    return operations


def matrix_row(method, documented_path):
    for (row_method, pattern), row in MATRIX.items():
        if row_method == method and PLACEHOLDER.sub(r"{\1}", pattern) == documented_path:
            return row
    raise AssertionError(f"{method} {documented_path} has no row in the authorization matrix")


def database_state(engine):
    """One digest per table of all its rows: any insert, update or delete shows."""
    return {name: hashlib.sha256("\n".join(rows).encode()).hexdigest()
            for name, rows in table_rows(engine).items()}


BROKEN_BODIES = {  # raw body, content type -> status, code
    "oversize": (b'{"x": "' + b"a" * (1024 * 1024 + 1) + b'"}', "application/json", 413,
                 "payload_too_large"),
    "text/plain": (b'{"quantity": 1}', "text/plain", 415, "unsupported_media_type"),
    "form": (b"quantity=1", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    "malformed": (b'{"quantity": 1,', "application/json", 400, "invalid_json"),
    "not utf-8": (b'{"first_name": "\xff\xfe\xc3"}', "application/json", 400, "invalid_json"),
    "NaN": (b'{"quantity": NaN}', "application/json", 400, "invalid_json"),
    "Infinity": (b'{"price": -Infinity}', "application/json", 400, "invalid_json"),
    "deep nesting": (b"[" * 100_000 + b"]" * 100_000, "application/json", 400, "invalid_json"),
    "5000-digit number": (b'{"quantity": ' + b"9" * 5000 + b"}", "application/json", 400,
                          "invalid_json"),
    "array": (b"[1, 2]", "application/json", 422, "validation_failed"),
    "string": (b'"hello"', "application/json", 422, "validation_failed"),
}

TEXT = ["x" * 10_240, "a\x00b"]
WHOLE_NUMBERS = [-1, 1.5, "1e400", 2**63, True, None, [], {}]  # "1e400": raw literal
AMOUNTS = ["-5.00", "1.005", 1.005, "NaN", "Infinity", "1e400", "0x10", True, 99999999999]
FRACTIONS = ["-0.10", "1", "1.5", "0.123456", "NaN", "1e400", True]


def field_values(field, spec):
    if spec.get("type") == "integer":
        return WHOLE_NUMBERS
    if "pattern" in spec:  # decimal strings: the sale fraction, else amounts
        return FRACTIONS if field == "sale" else AMOUNTS
    if spec.get("type") == "string":
        return TEXT + [12, False]
    return ["text", 12]


def encode(body):
    """JSON of ``body``; a string value "1e400" becomes that raw number literal."""
    text = json.dumps(body)
    return text.replace('"1e400"', "1e400").encode("utf-8")


def assert_translated_error(response, status, code=None):
    assert response.status_int == status, response.text[:300]
    assert response.content_type == "application/json"
    assert response.headers["Content-Language"] == "fr"
    body = response.json
    assert code is None or body["code"] == code
    english = DEFAULTS.get(status, (None, None))[1]
    assert body["message"] and body["message"] != english, body


@pytest.fixture
def state(engine):
    return lambda: database_state(engine)


def test_every_json_body_endpoint_has_a_valid_body_in_the_matrix(app):
    for method, path in body_operations(app):
        assert matrix_row(method, path)[1] is not None, f"{method} {path}: no body"


def json_operations():
    """The documented JSON-body operations, read without a database at collection."""
    from tests.security.test_fuzz import collection_app

    import webtest
    return [pytest.param(method, path, id=f"{method} {path}")
            for method, path in sorted(body_operations(webtest.TestApp(collection_app())))]


@pytest.mark.parametrize("method,path", json_operations())
def test_broken_bodies_and_fields_change_nothing(app, world, state, method, path):
    url, body, _statuses = matrix_row(method, path)
    url, body = fill(url, world.values), int_fields(fill(body, world.values))
    headers = {**world.headers["admin"], "Accept-Language": "fr;q=0.9, en;q=0.1"}
    schema = body_operations(app)[(method, path)]
    before = state()
    for name, (raw, content_type, status, code) in BROKEN_BODIES.items():
        response = app.request(url, method=method, body=raw, headers=headers,
                               content_type=content_type, status="*", expect_errors=True)
        assert response.status_int == status, (name, response.text[:300])
        assert_translated_error(response, status, code)
    unknown = app.request(url, method=method, body=encode({**body, "is_admin": True}),
                          headers=headers, content_type="application/json", status="*")
    assert_translated_error(unknown, 422, "validation_failed")
    assert list(unknown.json["errors"]) == ["is_admin"]
    for field, spec in schema.get("properties", {}).items():
        for value in field_values(field, spec):
            response = app.request(url, method=method, body=encode({**body, field: value}),
                                   headers=headers, content_type="application/json",
                                   status="*", expect_errors=True)
            assert response.status_int == 422, (field, value, response.text[:300])
            assert_translated_error(response, 422, "validation_failed")
            assert field in response.json["errors"], (field, value, response.json)
    assert state() == before


DOWNLOADS = ["/api/tickets/{}", "/api/tickets/qr/{}", "/api/tickets/admin/{}",
             "/api/tickets/admin/qr/{}", "/api/invoices/{}", "/api/invoices/admin/{}"]
TRICKS = [
    "..%2f..%2f..%2fetc%2fpasswd", "..%2F{pdf}", "%2e%2e%2f{pdf}", "..%5c..%5c{pdf}",
    "{pdf}%00.png", "%00{pdf}", "%2fetc%2fpasswd", "/etc/passwd", "../../../../etc/passwd",
    "./{pdf}", "{pdf}/..", "{PDF}", "{pdf}.pdf", "{stem}.PDF", "{stem}.pdf%20",
    "%c0%ae%c0%ae%2f{pdf}", "..\\..\\{pdf}", "C:%5cwindows%5cwin.ini", "~root",
]


@pytest.mark.parametrize("route", DOWNLOADS)
def test_path_tricks_on_download_routes_are_json_errors(app, world, route):
    name = world.values["invoice" if "/invoices/" in route else "pdf"]
    values = {"pdf": name, "PDF": name.upper(), "stem": name[:-4]}
    for role in ("customer", "admin"):
        headers = {**world.headers[role], "Accept-Language": "fr"}
        for trick in TRICKS:
            path = route.format(trick.format(**values))
            response = app.get(path, headers=headers, status="*", expect_errors=True)
            wrong_role = role == "customer" and "/admin/" in route
            assert response.status_int in ((400, 403, 404) if wrong_role else (400, 404)), (
                path, response.status)
            assert_translated_error(response, response.status_int)


@pytest.mark.parametrize("path", [
    "/api/tickets/scan/not-a-uuid", "/api/tickets/scan/%00", "/api/tickets/scan/" + "f" * 5000,
    "/api/tickets/scan/00000000-0000-0000-0000-00000000000g",
    "/api/users/99999999999999999999", "/api/users/email/99999999999999999999",
    "/api/products/99999999999999999999", "/api/products/-1", "/api/products/1e3",
    "/api/tickets/admin/99999999999999999999/status", "/api/tickets/admin/abc/status",
    "/api/auth/email/99999999999999999999/x", "/api/cart/item/99999999999999999999",
])
def test_malformed_identifiers_are_json_errors(app, world, state, path):
    before = state()
    headers = {**world.headers["admin"], "Accept-Language": "fr"}
    for method in ("GET", "POST", "PUT", "PATCH"):
        response = app.request(path, method=method, body=b"{}", headers=headers,
                               content_type="application/json", status="*", expect_errors=True)
        if response.status_int == 302:  # e-mail links always redirect to the result page
            assert response.location.endswith("/verification-result/invalid")
            continue
        assert response.status_int in (404, 405, 422), (method, path, response.status)
        assert_translated_error(response, response.status_int)
    assert state() == before


def test_malformed_guest_cart_ids_get_a_fresh_cart(app, world):
    for cart_id in ("nope", "%00", "0" * 5000, "00000000-0000-0000-0000-000000000000", "'; --"):
        response = app.get("/api/cart", headers={"X-Guest-Cart-ID": cart_id})
        assert response.json["meta"]["guest_cart_id"] != cart_id


@pytest.mark.parametrize("header,expected", [
    ("de;q=abc, fr;q=0.5", "fr"),
    ("de;q=0, fr", "fr"),
    ("de ; q = 0.5 , fr ; q = 0.9", "fr"),
    ("*", "en"),
    ("*;q=0.1, de;q=0.2", "de"),
    ("de;q=1.5, fr;q=nan, en;q=-1", "en"),
    ("x" * 8192, "en"),
    (", ".join(f"zz-{i};q=0.{i % 10}" for i in range(1200))[:8192] + ", fr;q=1", "en"),
    ("de;q=0.001;q=0.9," * 480, "de"),
])
def test_odd_accept_language_headers(app, header, expected):
    """Huge headers (8 kB), odd q-values, spaces and ``*``: a supported language by weight,
    else English; never an error. (Entries past the 50th are not read.)"""
    response = app.get("/api/products?page=0", headers={"Accept-Language": header}, status=422)
    assert response.headers["Content-Language"] == expected
    assert response.json["code"] == "validation_failed"
