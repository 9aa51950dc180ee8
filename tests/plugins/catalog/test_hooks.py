"""The answers the catalogue gives other plugins through hooks."""
from sqlalchemy import select

from ticketing_catalog.models import Product

from .factories import call_hook, create_product


def test_product_is_described_in_the_request_locale(db, registry):
    product = create_product(db, names={"en": "Gala", "de": "Galaabend", "fr": "Soirée"},
                             price=1999, sale="0.25", stock_quantity=7)
    info = call_hook(registry, "ticketing_product", locale="de", product_id=product.id)
    assert info.name == "Galaabend"
    assert info.names == {"en": "Gala", "de": "Galaabend", "fr": "Soirée"}
    assert info.unit_price == 1499  # 1999 * 0.75 = 1499.25
    assert (info.stock, info.category, info.venue) == (7, "concert", "Stadthalle")
    assert info.timezone == "Europe/Berlin"
    assert info.starts_at == product.starts_at


def test_inactive_and_unknown_products_are_none(db, registry):
    hidden = create_product(db, is_active=False)
    assert call_hook(registry, "ticketing_product", product_id=hidden.id) is None
    assert call_hook(registry, "ticketing_product", product_id=hidden.id + 1000) is None


def test_products_are_answered_in_one_statement(db, registry):
    from sqlalchemy import event

    shown = [create_product(db) for _ in range(3)]
    hidden = create_product(db, is_active=False)
    statements = []
    engine = registry["db_engine"]
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        infos = call_hook(registry, "ticketing_products",
                     product_ids=[p.id for p in shown] + [hidden.id, 999999])
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert sorted(infos) == sorted(p.id for p in shown)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


def test_stock_is_taken_only_when_it_suffices(db, registry):
    product = create_product(db, stock_quantity=3)
    assert call_hook(registry, "ticketing_stock_taken", product_id=product.id, quantity=2) is True
    assert call_hook(registry, "ticketing_stock_taken", product_id=product.id, quantity=2) is False
    assert call_hook(registry, "ticketing_stock_released", product_id=product.id, quantity=4) is True
    db.expire_all()
    assert db.scalar(select(Product.stock_quantity).where(Product.id == product.id)) == 5


def test_admin_holds_the_catalog_permission(registry):
    assert "catalog:admin" in registry["role_permissions"]["admin"]
    assert "catalog:admin" not in registry["role_permissions"]["customer"]
