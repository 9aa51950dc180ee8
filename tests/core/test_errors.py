"""The JSON error envelope for every failure, in the request's language."""
import json
import logging

import pytest


def test_unknown_route_answers_german_json_404(sample_app):
    response = sample_app.get("/api/nope", headers={"Accept-Language": "de"}, status=404)
    assert response.content_type == "application/json"
    assert response.json == {"message": "Nicht gefunden.", "code": "not_found"}
    assert response.headers["Content-Language"] == "de"


def test_wrong_method_is_json_405_with_allow(sample_app):
    response = sample_app.delete("/api/sample/echo", status=405)
    assert response.json["code"] == "method_not_allowed"
    assert "POST" in response.headers["Allow"]


@pytest.mark.parametrize("body", [b"{", b"{'a': 1}", b'{"name": NaN}', b'{"a": Infinity}',
                                  b"[" * 100_000])
def test_malformed_json_is_400(sample_app, body):
    response = sample_app.post("/api/sample/echo", body, content_type="application/json",
                               headers={"Accept-Language": "fr"}, status=400)
    assert response.json == {"message": "Le corps de la requête n’est pas un JSON valide.",
                             "code": "invalid_json"}


def test_non_utf8_body_is_400(sample_app):
    response = sample_app.post("/api/sample/echo", b'{"name": "\xff"}',
                               content_type="application/json", status=400)
    assert response.json["code"] == "invalid_json"


def test_json_that_is_not_an_object_is_422(sample_app):
    response = sample_app.post_json("/api/sample/echo", [1, 2], status=422)
    assert response.json["errors"] == {"body": ["Must be a JSON object."]}


def test_wrong_content_type_is_415(sample_app):
    response = sample_app.post("/api/sample/echo", b"name=x", status=415,
                               content_type="application/x-www-form-urlencoded")
    assert response.json["code"] == "unsupported_media_type"


def test_oversize_body_is_413(make_app):
    from tests.core import sample_plugin

    small = make_app(plugins=("sample",), plugin_modules={"sample": sample_plugin},
                     **{"ticketing.max_body_bytes": "100"})
    response = small.post("/api/sample/echo", b'{"name": "' + b"x" * 200 + b'"}',
                          content_type="application/json", status=413)
    assert response.json["code"] == "payload_too_large"


def test_validation_errors_are_422_per_field_and_translated(sample_app):
    response = sample_app.post_json(
        "/api/sample/echo", {"quantity": 2.5, "price": "1.234", "extra": 1},
        headers={"Accept-Language": "de"}, status=422,
    )
    assert response.json["code"] == "validation_failed"
    assert response.json["message"] == "Die gesendeten Daten sind ungültig."
    errors = response.json["errors"]
    assert errors["quantity"] == ["Muss eine ganze Zahl sein."]
    assert errors["price"] == [
        "Muss ein Betrag mit höchstens zwei Nachkommastellen sein, z. B. 25.00."]
    assert errors["extra"] == ["Unbekanntes Feld."]
    assert errors["name"] == ["Pflichtangabe"]  # colander's own catalog
    assert set(errors) == {"name", "quantity", "price", "extra"}


@pytest.mark.parametrize("quantity", [True, "1e3", 2**40, -1, 11, None, [1], "ten"])
def test_bad_whole_numbers_are_refused(sample_app, quantity):
    response = sample_app.post_json("/api/sample/echo", {"name": "a", "quantity": quantity},
                                    status=422)
    assert list(response.json["errors"]) == ["quantity"]


def test_nul_bytes_and_long_strings_are_refused(sample_app):
    response = sample_app.post_json("/api/sample/echo", {"name": "a\x00b", "quantity": 1},
                                    status=422)
    assert response.json["errors"]["name"] == ["Must not contain NUL characters."]
    response = sample_app.post_json("/api/sample/echo", {"name": "x" * 10_000, "quantity": 1},
                                    status=422)
    assert response.json["errors"]["name"] == ["At most 20 characters."]


def test_valid_body_passes(sample_app):
    response = sample_app.post_json("/api/sample/echo",
                                    {"name": " Ada ", "quantity": "3", "price": 12.5})
    assert response.json == {"name": "Ada", "quantity": 3, "price": 1250}


def test_unexpected_error_is_logged_json_500_with_request_id(sample_app, caplog):
    with caplog.at_level(logging.ERROR, logger="ticketing.errors"):
        response = sample_app.get("/api/sample/boom", headers={"X-Request-ID": "abc-123"},
                                  status=500)
    assert response.json["code"] == "internal_error"
    assert response.json["request_id"] == "abc-123" == response.headers["X-Request-ID"]
    assert "Traceback" not in response.text
    assert any("abc-123" in record.getMessage() for record in caplog.records)


def test_request_id_is_generated_when_absent_or_malformed(sample_app):
    response = sample_app.get("/api/health", headers={"X-Request-ID": "bad id\n"})
    assert len(response.headers["X-Request-ID"]) == 32


def test_security_headers_on_every_response(sample_app):
    for response in (sample_app.get("/api/health"), sample_app.get("/api/x", status=404)):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_error_bodies_are_valid_json_even_for_odd_paths(sample_app):
    for path in ("/api/%2e%2e/etc/passwd", "/api/..%2f..%2f", "/api/%00", "/api/%5c..%5c"):
        response = sample_app.get(path, status=404)
        assert json.loads(response.text)["code"] == "not_found"
    assert sample_app.get("/api/%ff", status=400).json["code"] == "bad_request"


def test_non_utf8_query_string_is_400(app):
    response = app.get("/api/products?search=%FC", headers={"Accept-Language": "de"}, status=400)
    assert response.json == {"message": "Der Query-String ist kein gültiges UTF-8.",
                             "code": "bad_request"}
