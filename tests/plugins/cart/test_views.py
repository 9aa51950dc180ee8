"""Cart endpoints for guests and users, in every role and locale."""
import uuid

import pytest
from sqlalchemy import func, select

from ticketing_cart.models import Cart, CartItem
from tests.plugins.catalog.factories import create_product

ROLES = {"customer": ("customer",), "employee": ("customer", "employee"),
         "admin": ("customer", "admin")}


@pytest.fixture
def headers_for(make_user, auth, app):
    """``headers_for(role)`` → headers of a caller in that role; a guest gets a fresh
    guest cart id."""
    def build(role, **extra):
        if role == "guest":
            cart_id = app.get("/api/cart").json["meta"]["guest_cart_id"]
            return {"X-Guest-Cart-ID": cart_id, **extra}
        return auth(make_user(roles=ROLES[role]), **extra)
    return build


def test_a_guest_without_a_cart_gets_a_new_one(app, db):
    first = app.get("/api/cart")
    assert first.json["data"] == {"items": [], "total": "0.00", "currency": "EUR"}
    cart_id = first.json["meta"]["guest_cart_id"]
    assert uuid.UUID(cart_id)
    again = app.get("/api/cart", headers={"X-Guest-Cart-ID": cart_id}).json
    assert again["meta"]["guest_cart_id"] == cart_id
    for bad in ("not-a-uuid", str(uuid.uuid4()), "", "x" * 5000):
        fresh = app.get("/api/cart", headers={"X-Guest-Cart-ID": bad}).json["meta"]
        assert fresh["guest_cart_id"] not in (cart_id, bad)


@pytest.mark.parametrize("role", ["guest", "customer", "employee", "admin"])
@pytest.mark.parametrize("locale, name", [("de", "Galaabend"), ("fr", "Soirée"), ("it", "Gala")])
def test_everyone_fills_and_empties_a_cart(app, db, headers_for, role, locale, name):
    gala = create_product(db, names={"en": "Gala", "de": "Galaabend", "fr": "Soirée"},
                          price=1999, sale="0.25")
    other = create_product(db, price=1000)
    headers = headers_for(role, **{"Accept-Language": locale})
    app.patch_json(f"/api/cart/item/{other.id}", {"quantity": 1}, headers=headers)
    body = app.patch_json(f"/api/cart/item/{gala.id}", {"quantity": 3}, headers=headers).json
    assert body["data"]["items"][0] == {"product_id": gala.id, "name": name, "quantity": 3,
                                        "unit_price": "14.99", "line_total": "44.97"}
    assert (body["data"]["total"], body["data"]["currency"]) == ("54.97", "EUR")
    assert ("guest_cart_id" in body["meta"]) == (role == "guest")

    body = app.patch_json(f"/api/cart/item/{gala.id}", {"quantity": 1}, headers=headers).json
    assert [i["quantity"] for i in body["data"]["items"]] == [1, 1]  # whole quantity, not +1
    body = app.patch_json(f"/api/cart/item/{other.id}", {"quantity": 0}, headers=headers).json
    assert [i["product_id"] for i in body["data"]["items"]] == [gala.id]
    assert app.get("/api/cart", headers=headers).json["data"]["total"] == "14.99"

    body = app.delete("/api/cart/items", headers=headers).json
    assert body["data"] == {"items": [], "total": "0.00", "currency": "EUR"}
    assert db.scalar(select(func.count()).select_from(CartItem)) == 0


def test_prices_are_the_current_ones_and_inactive_products_drop_out(app, db):
    product = create_product(db, price=1000)
    gone = create_product(db)
    headers = {"X-Guest-Cart-ID": app.get("/api/cart").json["meta"]["guest_cart_id"]}
    app.patch_json(f"/api/cart/item/{product.id}", {"quantity": 2}, headers=headers)
    app.patch_json(f"/api/cart/item/{gone.id}", {"quantity": 2}, headers=headers)
    product.set_pricing(1200, "0.5")
    gone.is_active = False
    db.commit()
    body = app.get("/api/cart", headers=headers).json["data"]
    assert body["items"] == [{"product_id": product.id, "name": "Concert (en)", "quantity": 2,
                              "unit_price": "6.00", "line_total": "12.00"}]
    assert body["total"] == "12.00"
    # a line of a product taken off sale can still be removed
    app.patch_json(f"/api/cart/item/{gone.id}", {"quantity": 0}, headers=headers)
    assert db.scalar(select(func.count()).select_from(CartItem)) == 1


@pytest.mark.parametrize("locale, message", [("en", "Only 2 left."),
                                             ("de", "Nur noch 2 verfügbar."),
                                             ("fr", "Plus que 2 disponible(s).")])
def test_more_than_the_stock_is_a_conflict(app, db, locale, message):
    product = create_product(db, stock_quantity=2)
    headers = {"X-Guest-Cart-ID": app.get("/api/cart").json["meta"]["guest_cart_id"],
               "Accept-Language": locale}
    response = app.patch_json(f"/api/cart/item/{product.id}", {"quantity": 3},
                              headers=headers, status=409)
    assert response.json == {"message": message, "code": "insufficient_stock", "available": 2}
    assert db.scalar(select(func.count()).select_from(CartItem)) == 0


def test_unknown_and_inactive_products_are_not_found(app, db):
    hidden = create_product(db, is_active=False)
    headers = {"Accept-Language": "de"}
    for product_id in (hidden.id, 987654):
        response = app.patch_json(f"/api/cart/item/{product_id}", {"quantity": 1},
                                  headers=headers, status=404)
        assert response.json == {"message": "Dieses Produkt ist nicht im Verkauf.",
                                 "code": "product_not_found"}
    app.patch_json("/api/cart/item/abc", {"quantity": 1}, status=404)


@pytest.mark.parametrize("quantity", [-1, 1.5, "2", "two", None, True, 11, 2**40])
def test_bad_quantities_are_422(app, db, quantity):
    product = create_product(db)
    response = app.patch_json(f"/api/cart/item/{product.id}", {"quantity": quantity},
                              headers={"Accept-Language": "fr"}, status="*")
    if quantity == "2":  # a numeric string is accepted as the number
        assert response.status_int == 200
        return
    assert response.status_int == 422
    assert response.json["code"] == "validation_failed"
    assert list(response.json["errors"]) == ["quantity"]
    assert db.scalar(select(func.count()).select_from(CartItem)) == 0


def test_the_line_limit_is_a_setting(make_app, db):
    app = make_app(plugins=("catalog", "cart"), **{"ticketing.cart.max_per_line": "3"})
    product = create_product(db)
    response = app.patch_json(f"/api/cart/item/{product.id}", {"quantity": 4},
                              headers={"Accept-Language": "de"}, status=422)
    assert response.json["errors"] == {"quantity": ["Höchstens 3 pro Produkt."]}
    app.patch_json(f"/api/cart/item/{product.id}", {"quantity": 3})


def test_bodies_must_be_json_objects_with_quantity_only(app, db):
    product = create_product(db)
    url = f"/api/cart/item/{product.id}"
    assert app.patch_json(url, {}, status=422).json["errors"] == {"quantity": ["Required"]}
    assert app.patch_json(url, {"quantity": 1, "x": 1}, status=422).json["code"] == \
        "validation_failed"
    assert app.patch(url, "quantity=1", status=415).json["code"] == "unsupported_media_type"
    assert app.patch(url, "{", content_type="application/json", status=400).json["code"] == \
        "invalid_json"


def test_a_stale_token_is_401_not_a_guest_cart(app, db):
    response = app.get("/api/cart", headers={"Authorization": "Bearer nope"}, status=401)
    assert response.json["code"] == "invalid_token"
    assert db.scalar(select(func.count()).select_from(Cart)) == 0


def test_a_user_never_sees_a_guest_cart_through_the_header(app, db, make_user, auth):
    product = create_product(db)
    guest_id = app.get("/api/cart").json["meta"]["guest_cart_id"]
    app.patch_json(f"/api/cart/item/{product.id}", {"quantity": 2},
                   headers={"X-Guest-Cart-ID": guest_id})
    headers = auth(make_user(), **{"X-Guest-Cart-ID": guest_id})
    assert app.get("/api/cart", headers=headers).json == {
        "data": {"items": [], "total": "0.00", "currency": "EUR"}, "meta": {}}
