"""Cart endpoints, for guests (``X-Guest-Cart-ID``) and users (bearer token) alike.
Every answer is the whole cart, priced at the current effective prices."""
from pyramid.httpexceptions import HTTPUnauthorized
from pyramid.security import NO_PERMISSION_REQUIRED

from ticketing.api import Service, response
from ticketing.errors import APIError
from ticketing.money import format_cents

from . import _, cart_lines, priced_lines, products_of, schemas, services

GUEST_HEADER = "X-Guest-Cart-ID"

cart = Service(name="cart.cart", path="/api/cart",
               description="The caller's cart (guest or user).")
item = Service(name="cart.item", path=r"/api/cart/item/{product_id:\d+}",
               description="One line of the caller's cart.")
items = Service(name="cart.items", path="/api/cart/items",
                description="All lines of the caller's cart.")

DOCUMENTED = {"200": response("The whole cart", schemas.CartBody())}


def current_cart(request, lock):
    """The caller's cart: the user's (created on first use) or the guest cart named by
    the header; a guest without a known cart gets a new one."""
    user = request.identity
    if user is None and request.headers.get("Authorization"):
        raise HTTPUnauthorized()  # a stale token must not silently turn into a guest
    if user is not None:
        return services.user_cart(request.dbsession, user.id, lock=lock)
    cart_id = services.parse_cart_id(request.headers.get(GUEST_HEADER))
    found = services.guest_cart(request.dbsession, cart_id, lock=lock)
    return found or services.new_guest_cart(request.dbsession)


def cart_body(request, found, lines):
    meta = {} if found.user_id is not None else {"guest_cart_id": str(found.id)}
    return {
        "data": {
            "items": [
                {"product_id": line.product_id, "name": line.name, "quantity": line.quantity,
                 "unit_price": format_cents(line.unit_price),
                 "line_total": format_cents(line.line_total)}
                for line in lines
            ],
            "total": format_cents(sum(line.line_total for line in lines)),
            "currency": request.registry.settings["ticketing.currency"],
        },
        "meta": meta,
    }


@cart.get(permission=NO_PERMISSION_REQUIRED, response_schemas=DOCUMENTED,
          operation_id="get_cart", tags=["cart"])
def get_cart(request):
    """The cart; a guest without a known ``X-Guest-Cart-ID`` gets a new cart, whose id
    is in ``meta.guest_cart_id``."""
    found = current_cart(request, lock=False)
    return cart_body(request, found, cart_lines(request, found.id))


@item.patch(schema=schemas.SetItem(), permission=NO_PERMISSION_REQUIRED,
            response_schemas=DOCUMENTED, operation_id="set_cart_item", tags=["cart"])
def set_item(request):
    """Set the whole quantity of one product (0 removes it)."""
    product_id = request.validated["path"]["product_id"]
    quantity = request.validated["body"]["quantity"]
    found = current_cart(request, lock=True)
    wanted = services.quantities(request.dbsession, found.id)
    products = products_of(request, {*wanted, product_id})  # the answer's prices too
    if quantity > 0:
        info = products.get(product_id)
        if info is None:
            raise APIError(404, "product_not_found", _("This product is not on sale."))
        if quantity > info.stock:
            raise APIError(409, "insufficient_stock",
                           _("Only ${n} left.", mapping={"n": info.stock}),
                           available=info.stock)
    services.set_quantity(request.dbsession, found, product_id, quantity)
    wanted[product_id] = quantity
    wanted = {pid: n for pid, n in sorted(wanted.items()) if n > 0}
    return cart_body(request, found, priced_lines(wanted, products))


@items.delete(permission=NO_PERMISSION_REQUIRED, response_schemas=DOCUMENTED,
              operation_id="empty_cart", tags=["cart"])
def empty_cart(request):
    """Remove every line."""
    found = current_cart(request, lock=True)
    services.empty(request.dbsession, found)
    return cart_body(request, found, [])
