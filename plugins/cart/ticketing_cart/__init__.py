"""Guest and user carts, stored in the database. Prices, names and stock come from the
catalogue through hooks; at login the guest cart merges into the user's cart."""
from pyramid.i18n import TranslationStringFactory

from ticketing import hookimpl
from ticketing.interfaces import CartLine
from ticketing.settings import Setting, as_positive_int

from . import models  # noqa: F401  (tables join the metadata on import)
from . import services

_ = TranslationStringFactory("ticketing_cart")

requires = ("catalog",)


def priced_lines(wanted, products):
    """The lines of ``wanted`` (``{product_id: quantity}``) at the effective prices of
    ``products`` (``{product_id: ProductInfo}``, names in the request's locale); lines of
    products no longer on sale are left out."""
    return [
        CartLine(product_id=pid, name=products[pid].name, quantity=quantity,
                 unit_price=products[pid].unit_price)
        for pid, quantity in wanted.items() if pid in products
    ]


def products_of(request, product_ids):
    return request.hook.ticketing_products(request=request, product_ids=list(product_ids)) or {}


def cart_lines(request, cart_id):
    """The cart's lines at the current effective prices."""
    wanted = services.quantities(request.dbsession, cart_id)
    return priced_lines(wanted, products_of(request, wanted))


@hookimpl
def ticketing_settings():
    return [
        Setting("ticketing.cart.max_per_line", as_positive_int, 10,
                "Largest quantity of one product in a cart."),
        Setting("ticketing.cart.guest_days", as_positive_int, 30,
                "Guest carts unchanged for this many days are deleted."),
    ]


@hookimpl
def ticketing_migrations():
    return "ticketing_cart:migrations"


@hookimpl
def ticketing_configure(config):
    config.include("ticketing_cart")


@hookimpl
def ticketing_cart_lines(request, user):
    cart_id = services.user_cart_id(request.dbsession, user.id)
    return [] if cart_id is None else cart_lines(request, cart_id)


@hookimpl
def ticketing_cart_emptied(request, user):
    services.empty(request.dbsession, services.user_cart(request.dbsession, user.id, lock=True))
    return True


@hookimpl
def ticketing_user_logged_in(request, user, guest_cart_id):
    """Merge the guest cart sent at login into the user's cart: quantities add, capped
    at the stock and the per-line limit; the guest cart is deleted."""
    guest_id = services.parse_cart_id(guest_cart_id)
    if guest_id is None:
        return
    dbsession = request.dbsession
    target = services.user_cart(dbsession, user.id, lock=True)
    guest = services.guest_cart(dbsession, guest_id, lock=True)
    if guest is None:  # unknown, or merged already
        return
    products = products_of(request, services.quantities(dbsession, guest.id))
    limit = request.registry.settings["ticketing.cart.max_per_line"]
    caps = {pid: min(info.stock, limit) for pid, info in products.items()}
    services.merge(dbsession, guest, target, caps)


def includeme(config):
    config.add_translation_dirs("ticketing_cart:locale/")
    config.include(".tasks")
    config.scan(".views")
