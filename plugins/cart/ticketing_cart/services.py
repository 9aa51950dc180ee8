"""Cart storage, free of Pyramid. Every change locks the cart row first
(``SELECT ... FOR UPDATE``), so that concurrent requests on one cart run one after the
other: no lost update, and the (cart, product) key forbids a duplicate line."""
import uuid

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from ticketing.db import mark_changed, utcnow

from .models import Cart, CartItem

INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def parse_cart_id(value):
    """The UUID in an ``X-Guest-Cart-ID`` header, or ``None`` when absent or malformed."""
    try:
        return uuid.UUID(str(value).strip()) if value else None
    except ValueError:
        return None


def guest_cart(dbsession, cart_id, lock=False):
    if cart_id is None:
        return None
    statement = select(Cart).where(Cart.id == cart_id, Cart.user_id.is_(None))
    if lock:
        statement = statement.with_for_update()
    return dbsession.execute(statement).scalar_one_or_none()


def new_guest_cart(dbsession):
    cart = Cart()
    dbsession.add(cart)
    dbsession.flush()
    return cart


def user_cart(dbsession, user_id, lock=False):
    """The user's cart, created when missing; concurrent first requests create one."""
    insert = INSERTS[dbsession.get_bind().dialect.name]
    dbsession.execute(
        insert(Cart).values(id=uuid.uuid4(), user_id=user_id, created_at=utcnow(),
                            updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["user_id"])
    )
    mark_changed(dbsession)
    statement = select(Cart).where(Cart.user_id == user_id)
    if lock:
        statement = statement.with_for_update()
    return dbsession.execute(statement).scalar_one()


def user_cart_id(dbsession, user_id):
    """The id of the user's cart, ``None`` when the user has none yet."""
    return dbsession.scalar(select(Cart.id).where(Cart.user_id == user_id))


def quantities(dbsession, cart_id):
    """``{product_id: quantity}`` of a cart, in product order."""
    rows = dbsession.execute(
        select(CartItem.product_id, CartItem.quantity)
        .where(CartItem.cart_id == cart_id)
        .order_by(CartItem.product_id)
    )
    return dict(rows.all())


def set_quantity(dbsession, cart, product_id, quantity):
    """Set a line's whole quantity (0 removes it); ``cart`` must be locked."""
    item = dbsession.get(CartItem, (cart.id, product_id))
    if quantity == 0:
        if item is not None:
            dbsession.delete(item)
    elif item is None:
        dbsession.add(CartItem(cart_id=cart.id, product_id=product_id, quantity=quantity))
    else:
        item.quantity = quantity
    cart.updated_at = utcnow()
    dbsession.flush()


def empty(dbsession, cart):
    dbsession.execute(delete(CartItem).where(CartItem.cart_id == cart.id))
    mark_changed(dbsession)
    cart.updated_at = utcnow()


def merge(dbsession, guest, target, caps):
    """Add the guest cart's lines to ``target`` (both locked), each capped at
    ``caps[product_id]`` (lines of products missing from ``caps`` are dropped), then
    delete the guest cart: merging twice is impossible."""
    current = quantities(dbsession, target.id)
    for product_id, quantity in quantities(dbsession, guest.id).items():
        if product_id in caps:
            total = min(current.get(product_id, 0) + quantity, caps[product_id])
            set_quantity(dbsession, target, product_id, max(total, 0))
    dbsession.delete(guest)
    dbsession.flush()


def purge_guest_carts(dbsession, untouched_since):
    """Delete guest carts not changed since ``untouched_since``; return how many."""
    result = dbsession.execute(
        delete(Cart).where(Cart.user_id.is_(None), Cart.updated_at < untouched_since)
    )
    mark_changed(dbsession)
    return result.rowcount
