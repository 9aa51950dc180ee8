"""Cart storage, free of Pyramid. Every change locks the cart row first, so that
concurrent requests on one cart run one after the other: no lost update, and the
(cart, product) key forbids a duplicate line. The lock is taken by the ``UPDATE`` that
marks the cart changed (``updated_at``), one statement for both.

Every request of a shopper runs these statements, so they are Core statements on the
tables (about half the Python time of the ORM's); a cart is a row with ``id`` and
``user_id``."""
import uuid

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ticketing.db import mark_changed, utcnow

from .models import Cart, CartItem

UPSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
CARTS, ITEMS = Cart.__table__, CartItem.__table__


def parse_cart_id(value):
    """The UUID in an ``X-Guest-Cart-ID`` header, or ``None`` when absent or malformed."""
    try:
        return uuid.UUID(str(value).strip()) if value else None
    except ValueError:
        return None


def _find(dbsession, lock, *where):
    """The cart matching ``where``; with ``lock``, locked and marked changed now."""
    if not lock:
        return dbsession.execute(select(CARTS.c.id, CARTS.c.user_id).where(*where)).one_or_none()
    cart = dbsession.execute(
        update(CARTS).where(*where).values(updated_at=utcnow())
        .returning(CARTS.c.id, CARTS.c.user_id)
    ).one_or_none()
    mark_changed(dbsession)
    return cart


def guest_cart(dbsession, cart_id, lock=False):
    if cart_id is None:
        return None
    return _find(dbsession, lock, CARTS.c.id == cart_id, CARTS.c.user_id.is_(None))


def new_guest_cart(dbsession):
    now = utcnow()
    cart = dbsession.execute(
        insert(CARTS).values(id=uuid.uuid4(), user_id=None, created_at=now, updated_at=now)
        .returning(CARTS.c.id, CARTS.c.user_id)
    ).one()
    mark_changed(dbsession)
    return cart


def user_cart(dbsession, user_id, lock=False):
    """The user's cart, created when missing; concurrent first requests create one."""
    found = _find(dbsession, lock, CARTS.c.user_id == user_id)
    if found is None:
        now = utcnow()
        dbsession.execute(
            UPSERTS[dbsession.get_bind().dialect.name](CARTS)
            .values(id=uuid.uuid4(), user_id=user_id, created_at=now, updated_at=now)
            .on_conflict_do_nothing(index_elements=["user_id"])
        )
        mark_changed(dbsession)
        found = _find(dbsession, lock, CARTS.c.user_id == user_id)
    return found


def user_cart_id(dbsession, user_id):
    """The id of the user's cart, ``None`` when the user has none yet."""
    return dbsession.scalar(select(CARTS.c.id).where(CARTS.c.user_id == user_id))


def quantities(dbsession, cart_id):
    """``{product_id: quantity}`` of a cart, in product order."""
    rows = dbsession.execute(
        select(ITEMS.c.product_id, ITEMS.c.quantity)
        .where(ITEMS.c.cart_id == cart_id)
        .order_by(ITEMS.c.product_id)
    )
    return dict(rows.all())


def set_quantity(dbsession, cart, product_id, quantity):
    """Set a line's whole quantity (0 removes it) in one statement; ``cart`` must be
    locked."""
    if quantity == 0:
        dbsession.execute(delete(ITEMS).where(ITEMS.c.cart_id == cart.id,
                                              ITEMS.c.product_id == product_id))
    else:
        dbsession.execute(
            UPSERTS[dbsession.get_bind().dialect.name](ITEMS)
            .values(cart_id=cart.id, product_id=product_id, quantity=quantity)
            .on_conflict_do_update(index_elements=["cart_id", "product_id"],
                                   set_={"quantity": quantity})
        )
    mark_changed(dbsession)


def empty(dbsession, cart):
    """Remove every line; ``cart`` must be locked."""
    dbsession.execute(delete(ITEMS).where(ITEMS.c.cart_id == cart.id))
    mark_changed(dbsession)


def merge(dbsession, guest, target, caps):
    """Add the guest cart's lines to ``target`` (both locked), each capped at
    ``caps[product_id]`` (lines of products missing from ``caps`` are dropped), then
    delete the guest cart: merging twice is impossible."""
    current = quantities(dbsession, target.id)
    for product_id, quantity in quantities(dbsession, guest.id).items():
        if product_id in caps:
            total = min(current.get(product_id, 0) + quantity, caps[product_id])
            set_quantity(dbsession, target, product_id, max(total, 0))
    dbsession.execute(delete(CARTS).where(CARTS.c.id == guest.id))
    mark_changed(dbsession)


def purge_guest_carts(dbsession, untouched_since):
    """Delete guest carts not changed since ``untouched_since``; return how many."""
    result = dbsession.execute(
        delete(CARTS).where(CARTS.c.user_id.is_(None), CARTS.c.updated_at < untouched_since)
    )
    mark_changed(dbsession)
    return result.rowcount
