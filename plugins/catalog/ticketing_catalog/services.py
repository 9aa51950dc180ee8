"""Catalogue queries and changes, free of Pyramid: they take a session and plain values."""
from sqlalchemy import func, select, update
from sqlalchemy.orm import aliased, joinedload, selectinload

from ticketing.db import mark_changed
from ticketing.interfaces import ProductInfo

from .models import Product, ProductTranslation

SORT_COLUMNS = {"date": Product.starts_at, "price": Product.final_price}


def product_info(product, locale):
    return ProductInfo(
        id=product.id,
        name=product.text(locale).name,
        unit_price=product.final_price,
        list_price=product.price,
        stock=product.stock_quantity,
        category=product.category,
        starts_at=product.starts_at,
        venue=product.venue,
        timezone=product.timezone,
        names={code: row.name for code, row in product.translations.items()},
    )


def active_products(dbsession, product_ids):
    """``{id: Product}`` of the active products among ``product_ids``, translations
    included, in one statement."""
    ids = [pid for pid in product_ids if isinstance(pid, int) and not isinstance(pid, bool)]
    if not ids:
        return {}
    rows = dbsession.execute(
        select(Product)
        .options(joinedload(Product.translations))
        .where(Product.id.in_(ids), Product.is_active.is_(True))
    ).unique().scalars()
    return {product.id: product for product in rows}


def get_product(dbsession, product_id, active_only):
    statement = select(Product).options(selectinload(Product.translations))
    statement = statement.where(Product.id == product_id)
    if active_only:
        statement = statement.where(Product.is_active.is_(True))
    return dbsession.execute(statement).scalar_one_or_none()


def take_stock(dbsession, product_id, quantity):
    """One conditional update: the row lock it takes serialises concurrent buyers, and
    the ``WHERE`` makes overselling impossible."""
    result = dbsession.execute(
        update(Product)
        .where(Product.id == product_id, Product.stock_quantity >= quantity)
        .values(stock_quantity=Product.stock_quantity - quantity)
        .execution_options(synchronize_session=False)
    )
    mark_changed(dbsession)
    return result.rowcount == 1


def release_stock(dbsession, product_id, quantity):
    dbsession.execute(
        update(Product)
        .where(Product.id == product_id)
        .values(stock_quantity=Product.stock_quantity + quantity)
        .execution_options(synchronize_session=False)
    )
    mark_changed(dbsession)
    return True


def like_pattern(text):
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def product_listing(filters, locale, active_only):
    """The ``SELECT`` for a filtered, sorted list; translations come with the page in one
    more statement (``selectinload``), whatever the page size."""
    statement = select(Product).options(selectinload(Product.translations))
    if active_only:
        statement = statement.where(Product.is_active.is_(True))
    elif filters.get("is_active") is not None:
        statement = statement.where(Product.is_active.is_(filters["is_active"]))
    if filters.get("category"):
        statement = statement.where(Product.category == filters["category"])
    if filters.get("min_price") is not None:
        statement = statement.where(Product.final_price >= filters["min_price"])
    if filters.get("max_price") is not None:
        statement = statement.where(Product.final_price <= filters["max_price"])
    if filters.get("in_stock") is not None:
        in_stock = Product.stock_quantity > 0
        statement = statement.where(in_stock if filters["in_stock"] else ~in_stock)
    if filters.get("search"):
        matching = select(ProductTranslation.product_id).where(
            func.lower(ProductTranslation.name).like(
                func.lower(like_pattern(filters["search"])), escape="\\"
            )
        )
        statement = statement.where(Product.id.in_(matching))
    return statement.order_by(*_ordering(filters, locale))


def _ordering(filters, locale):
    descending = filters.get("direction") == "desc"
    if filters.get("sort") == "name":
        own = aliased(ProductTranslation)
        column = (
            select(func.lower(own.name))
            .where(own.product_id == Product.id, own.locale == locale)
            .scalar_subquery()
        )
    else:
        column = SORT_COLUMNS[filters.get("sort") or "date"]
    primary = column.desc() if descending else column.asc()
    return primary, (Product.id.desc() if descending else Product.id.asc())


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
