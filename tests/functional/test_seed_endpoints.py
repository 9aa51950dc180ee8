"""Every endpoint of the seed API page (../shared/seed-api.txt) is routed to a view for its
method, asks for a token unless the page makes it public, and is documented in
/api/openapi.json, with all plugins enabled."""
import re

import pytest

PUBLIC, TOKEN = "public", "token"

SEED_ENDPOINTS = [
    # catalogue and cart
    ("GET", "/api/products", PUBLIC),
    ("GET", "/api/products/{id}", PUBLIC),
    ("GET", "/api/cart", PUBLIC),
    ("PATCH", "/api/cart/item/{product_id}", PUBLIC),
    ("DELETE", "/api/cart/items", PUBLIC),
    # accounts
    ("POST", "/api/auth/register", PUBLIC),
    ("GET", "/api/auth/email/{id}/{hash}", PUBLIC),
    ("POST", "/api/auth/email/resend", PUBLIC),
    ("POST", "/api/auth/login", PUBLIC),
    ("POST", "/api/auth/2fa/enable", TOKEN),
    ("POST", "/api/auth/2fa/confirm", TOKEN),
    ("POST", "/api/auth/2fa/disable", TOKEN),
    ("POST", "/api/auth/password/forgot", PUBLIC),
    ("POST", "/api/auth/password/reset", PUBLIC),
    ("POST", "/api/auth/password", TOKEN),
    ("GET", "/api/users/me", TOKEN),
    ("PATCH", "/api/users/me", TOKEN),
    ("PATCH", "/api/auth/email", TOKEN),
    ("GET", "/api/auth/email/change/verify", PUBLIC),
    ("GET", "/api/auth/email/cancel/{token}/{old_email}", PUBLIC),
    ("POST", "/api/auth/logout", TOKEN),
    # payments and invoices
    ("POST", "/api/payments", TOKEN),
    ("POST", "/api/payments/webhook", PUBLIC),
    ("GET", "/api/payments/{uuid}", TOKEN),
    ("POST", "/api/payments/{uuid}/refund", TOKEN),
    ("GET", "/api/payments", TOKEN),
    ("GET", "/api/invoices/user", TOKEN),
    ("GET", "/api/invoices/{filename}", TOKEN),
    ("GET", "/api/invoices/admin/{filename}", TOKEN),
    # tickets and scanning
    ("GET", "/api/tickets/user", TOKEN),
    ("GET", "/api/tickets/{filename}", TOKEN),
    ("GET", "/api/tickets/qr/{filename}", TOKEN),
    ("GET", "/api/tickets", TOKEN),
    ("GET", "/api/tickets/admin/{filename}", TOKEN),
    ("GET", "/api/tickets/admin/qr/{filename}", TOKEN),
    ("PUT", "/api/tickets/admin/{id}/status", TOKEN),
    ("POST", "/api/tickets", TOKEN),
    ("GET", "/api/tickets/scan/{token}", TOKEN),
    ("POST", "/api/tickets/scan/{token}", TOKEN),
    # administration
    ("GET", "/api/products/all", TOKEN),
    ("POST", "/api/products", TOKEN),
    ("PUT", "/api/products/{id}", TOKEN),
    ("PATCH", "/api/products/{id}/pricing", TOKEN),
    ("GET", "/api/users", TOKEN),
    ("GET", "/api/users/{id}", TOKEN),
    ("PATCH", "/api/users/{id}", TOKEN),
    ("GET", "/api/users/email/{id}", TOKEN),
    ("POST", "/api/users/employees", TOKEN),
    ("GET", "/api/admin/sales", TOKEN),
]

# A plausible value for each placeholder (file names as the storage makes them).
SAMPLES = {
    "id": "7", "product_id": "7", "hash": "0f" * 20, "old_email": "old@example.com",
    "token": "6f1c1a7e-4b8e-4d0e-9c3e-3b1f5f7a2d10", "uuid": "6f1c1a7e-4b8e-4d0e-9c3e-3b1f5f7a2d10",
}
PLACEHOLDER = re.compile(r"\{(\w+)(:[^/]*)?\}")


def shape(path):
    """``/api/x/{id:\\d+}`` and ``/api/x/{id}`` alike: ``/api/x/{}``."""
    return PLACEHOLDER.sub("{}", path)


def concrete(path):
    extension = "png" if "/qr/" in path else "pdf"
    return PLACEHOLDER.sub(
        lambda m: SAMPLES.get(m.group(1)) or "0123456789abcdef" * 2 + "." + extension, path)


@pytest.fixture
def documented(app):
    paths = app.get("/api/openapi.json").json["paths"]
    return {shape(path): operations for path, operations in paths.items()}


@pytest.mark.parametrize(("method", "path", "access"), SEED_ENDPOINTS,
                         ids=[f"{m} {p}" for m, p, _ in SEED_ENDPOINTS])
def test_the_seed_endpoint_is_routed_and_documented(app, documented, method, path, access):
    body = {} if method in ("GET", "DELETE") else {"body": b"{}",
                                                   "content_type": "application/json"}
    response = app.request(concrete(path), method=method, expect_errors=True, **body)
    code = response.json.get("code") if response.content_type == "application/json" else None
    assert response.status_int != 405 and code != "not_found", f"{method} {path} is not routed"
    if access == TOKEN:
        assert (response.status_int, code) == (401, "authentication_required")
    else:
        assert response.status_int != 401

    operation = documented[shape(path)][method.lower()]
    assert operation.get("summary") or operation.get("description")
    assert any(status.startswith(("2", "3")) for status in operation["responses"])
