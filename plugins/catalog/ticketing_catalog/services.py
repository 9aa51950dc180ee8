"""Catalogue queries and changes, free of Pyramid: they take a session and plain values."""
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import selectinload

from ticketing.db import mark_changed
from ticketing.interfaces import ProductInfo

from .models import Product, ProductTranslation, in_locale

# Built once on the tables (the other plugins ask on every cart request): one row per
# product and locale, plain columns; a Core statement costs about half the Python time
# of the same one on mapped classes.
PRODUCTS, TRANSLATIONS = Product.__table__.c, ProductTranslation.__table__.c
ACTIVE_PRODUCTS = (
    select(PRODUCTS.id, PRODUCTS.price, PRODUCTS.final_price, PRODUCTS.stock_quantity,
           PRODUCTS.category, PRODUCTS.starts_at, PRODUCTS.venue, PRODUCTS.timezone,
           TRANSLATIONS.locale, TRANSLATIONS.name)
    .join(ProductTranslation.__table__, TRANSLATIONS.product_id == PRODUCTS.id)
    .where(PRODUCTS.id.in_(bindparam("ids", expanding=True)), PRODUCTS.is_active.is_(True))
)
SORT_COLUMNS = {"date": PRODUCTS.starts_at, "price": PRODUCTS.final_price}

# Checkout's stock changes, built once on the table like ACTIVE_PRODUCTS.
TAKE_STOCK = (
    update(Product.__table__)
    .where(PRODUCTS.id == bindparam("product_id"),
           PRODUCTS.stock_quantity >= bindparam("quantity"))
    .values(stock_quantity=PRODUCTS.stock_quantity - bindparam("quantity"))
)
RELEASE_STOCK = (
    update(Product.__table__).where(PRODUCTS.id == bindparam("product_id"))
    .values(stock_quantity=PRODUCTS.stock_quantity + bindparam("quantity"))
)


def product_infos(dbsession, product_ids, locale):
    """``{id: ProductInfo}`` of the active products among ``product_ids``, names in
    ``locale`` (English when missing), in one statement."""
    ids = [pid for pid in product_ids if isinstance(pid, int) and not isinstance(pid, bool)]
    if not ids:
        return {}
    rows, names = {}, {}
    for row in dbsession.execute(ACTIVE_PRODUCTS, {"ids": ids}):
        rows[row.id] = row
        names.setdefault(row.id, {})[row.locale] = row.name
    return {
        pid: ProductInfo(
            id=pid, name=in_locale(names[pid], locale), unit_price=row.final_price,
            list_price=row.price, stock=row.stock_quantity, category=row.category,
            starts_at=row.starts_at, venue=row.venue, timezone=row.timezone, names=names[pid],
        )
        for pid, row in rows.items()
    }


def get_product(dbsession, product_id, active_only):
    statement = select(Product).options(selectinload(Product.translations))
    statement = statement.where(Product.id == product_id)
    if active_only:
        statement = statement.where(Product.is_active.is_(True))
    return dbsession.execute(statement).scalar_one_or_none()


def take_stock(dbsession, product_id, quantity):
    """One conditional update: the row lock it takes serialises concurrent buyers, and
    the ``WHERE`` makes overselling impossible."""
    result = dbsession.execute(TAKE_STOCK, {"product_id": product_id, "quantity": quantity})
    mark_changed(dbsession)
    return result.rowcount == 1


def release_stock(dbsession, product_id, quantity):
    dbsession.execute(RELEASE_STOCK, {"product_id": product_id, "quantity": quantity})
    mark_changed(dbsession)
    return True


def like_pattern(text):
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _public_base():
    own = ProductTranslation.__table__.alias("own")
    english = ProductTranslation.__table__.alias("english")
    return (
        select(*Product.__table__.c,
               func.coalesce(own.c.name, english.c.name).label("name"),
               func.coalesce(own.c.description, english.c.description).label("description"))
        .outerjoin(own, (own.c.product_id == PRODUCTS.id) & (own.c.locale == bindparam("locale")))
        .outerjoin(english, (english.c.product_id == PRODUCTS.id) & (english.c.locale == "en"))
        .where(PRODUCTS.is_active.is_(True))
    )


# Built once, on the tables like the other public statements: a request adds its filters
# and binds its locale.
PUBLIC_BASE = _public_base()


def public_listing(filters, locale):
    """The ``SELECT`` of active products, filtered and sorted: rows of the product's
    columns with ``name`` and ``description`` in the ``locale`` parameter (English when
    missing); the other locales are not loaded."""
    return _filtered(PUBLIC_BASE, filters, locale)


def admin_listing(filters, locale):
    """The ``SELECT`` of every product, filtered and sorted; all translations come with
    the page in one more statement (``selectinload``), whatever the page size."""
    statement = select(Product).options(selectinload(Product.translations))
    if filters.get("is_active") is not None:
        statement = statement.where(PRODUCTS.is_active.is_(filters["is_active"]))
    return _filtered(statement, filters, locale)


def _filtered(statement, filters, locale):
    if filters.get("category"):
        statement = statement.where(PRODUCTS.category == filters["category"])
    if filters.get("min_price") is not None:
        statement = statement.where(PRODUCTS.final_price >= filters["min_price"])
    if filters.get("max_price") is not None:
        statement = statement.where(PRODUCTS.final_price <= filters["max_price"])
    if filters.get("in_stock") is not None:
        in_stock = PRODUCTS.stock_quantity > 0
        statement = statement.where(in_stock if filters["in_stock"] else ~in_stock)
    if filters.get("search"):
        matching = select(TRANSLATIONS.product_id).where(
            func.lower(TRANSLATIONS.name).like(
                func.lower(like_pattern(filters["search"])), escape="\\"
            )
        )
        statement = statement.where(PRODUCTS.id.in_(matching))
    return statement.order_by(*_ordering(filters, locale))


def _ordering(filters, locale):
    descending = filters.get("direction") == "desc"
    if filters.get("sort") == "name":
        own = ProductTranslation.__table__.alias("sort_name")
        column = (
            select(func.lower(own.c.name))
            .where(own.c.product_id == PRODUCTS.id, own.c.locale == locale)
            .scalar_subquery()
        )
    else:
        column = SORT_COLUMNS[filters.get("sort") or "date"]
    primary = column.desc() if descending else column.asc()
    return primary, (PRODUCTS.id.desc() if descending else PRODUCTS.id.asc())


def save_product(dbsession, product, values):
    """Create (``product`` is ``None``) or replace a product from validated values."""
    if product is None:
        product = Product(translations={})
        dbsession.add(product)
    product.set_pricing(values["price"], values["sale"])
    product.set_translations(values["translations"])
    for name in ("category", "stock_quantity", "images", "is_active", "starts_at", "venue",
                 "timezone"):
        setattr(product, name, values[name])
    dbsession.flush()
    return product
