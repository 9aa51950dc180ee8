"""What the cart answers through hooks: lines, emptying, and the guest → login merge."""
import uuid

from sqlalchemy import func, select

from ticketing.interfaces import CartLine
from ticketing_cart.models import Cart, CartItem
from tests.conftest import PASSWORD
from tests.plugins.catalog.factories import call_hook, create_product


def guest_cart(app, lines):
    """A guest cart filled through the API with ``{product: quantity}``; its id."""
    cart_id = app.get("/api/cart").json["meta"]["guest_cart_id"]
    for product, quantity in lines.items():
        app.patch_json(f"/api/cart/item/{product.id}", {"quantity": quantity},
                       headers={"X-Guest-Cart-ID": cart_id})
    return cart_id


def user_quantities(app, headers):
    items = app.get("/api/cart", headers=headers).json["data"]["items"]
    return {item["product_id"]: item["quantity"] for item in items}


def test_cart_lines_are_priced_now_in_the_request_locale(app, db, registry, make_user, auth):
    user = make_user()
    assert call_hook(registry, "ticketing_cart_lines", user=user) == []
    product = create_product(db, names={"en": "Gala", "de": "Galaabend", "fr": "Gala FR"},
                             price=2000, sale="0.1")
    app.patch_json(f"/api/cart/item/{product.id}", {"quantity": 2}, headers=auth(user))
    lines = call_hook(registry, "ticketing_cart_lines", locale="de", user=user)
    assert lines == [CartLine(product_id=product.id, name="Galaabend", quantity=2,
                              unit_price=1800)]
    assert lines[0].line_total == 3600


def test_cart_emptied(app, db, registry, make_user, auth):
    user = make_user()
    product = create_product(db)
    app.patch_json(f"/api/cart/item/{product.id}", {"quantity": 2}, headers=auth(user))
    assert call_hook(registry, "ticketing_cart_emptied", user=user) is True
    assert call_hook(registry, "ticketing_cart_lines", user=user) == []


def test_guest_cart_merges_into_the_user_cart_once(app, db, registry, make_user, auth):
    plenty = create_product(db, stock_quantity=50)
    scarce = create_product(db, stock_quantity=4)
    withdrawn = create_product(db)
    only_user = create_product(db)
    user = make_user()
    headers = auth(user)
    app.patch_json(f"/api/cart/item/{scarce.id}", {"quantity": 3}, headers=headers)
    app.patch_json(f"/api/cart/item/{only_user.id}", {"quantity": 1}, headers=headers)
    guest_id = guest_cart(app, {plenty: 3, scarce: 2, withdrawn: 1})
    withdrawn.is_active = False
    db.commit()

    call_hook(registry, "ticketing_user_logged_in", user=user, guest_cart_id=guest_id)
    merged = {plenty.id: 3, scarce.id: 4, only_user.id: 1}  # 3 + 2 capped at the stock of 4
    assert user_quantities(app, headers) == merged
    assert db.get(Cart, uuid.UUID(guest_id)) is None

    # the same header again (a second login) changes nothing
    call_hook(registry, "ticketing_user_logged_in", user=user, guest_cart_id=guest_id)
    assert user_quantities(app, headers) == merged
    fresh = app.get("/api/cart", headers={"X-Guest-Cart-ID": guest_id}).json["meta"]
    assert fresh["guest_cart_id"] != guest_id


def test_login_with_the_guest_cart_header_merges_it_once(app, db, make_user):
    """The merge through the real endpoint: POST /api/auth/login with X-Guest-Cart-ID."""
    concert, gala = create_product(db), create_product(db)
    user = make_user()
    guest_id = guest_cart(app, {concert: 2, gala: 1})

    def log_in():
        body = {"email": user.email, "password": PASSWORD}
        token = app.post_json("/api/auth/login", body,
                              headers={"X-Guest-Cart-ID": guest_id}).json["token"]
        return {"Authorization": f"Bearer {token}"}

    assert user_quantities(app, log_in()) == {concert.id: 2, gala.id: 1}
    assert db.get(Cart, uuid.UUID(guest_id)) is None
    assert user_quantities(app, log_in()) == {concert.id: 2, gala.id: 1}


def test_quantities_merge_up_to_the_line_limit(app, db, registry, make_user, auth):
    product = create_product(db, stock_quantity=100)
    user = make_user()
    headers = auth(user)
    app.patch_json(f"/api/cart/item/{product.id}", {"quantity": 8}, headers=headers)
    guest_id = guest_cart(app, {product: 5})
    call_hook(registry, "ticketing_user_logged_in", user=user, guest_cart_id=guest_id)
    assert user_quantities(app, headers) == {product.id: 10}


def test_missing_or_malformed_guest_ids_are_ignored(app, db, registry, make_user):
    product = create_product(db)
    guest_id = guest_cart(app, {product: 1})
    user = make_user()
    for value in (None, "", "not-a-uuid", "00000000-0000-0000-0000-000000000000", 42):
        call_hook(registry, "ticketing_user_logged_in", user=user, guest_cart_id=value)
    assert call_hook(registry, "ticketing_cart_lines", user=user) == []
    assert db.scalar(select(func.count()).select_from(CartItem)) == 1  # the guest's line
    assert db.get(Cart, uuid.UUID(guest_id)) is not None
