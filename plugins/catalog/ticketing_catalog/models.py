"""Tables of the catalog plugin (prefixed `catalog_`): products and their translations.

Prices are integer cents; ``sale`` is an exact fraction. ``final_price`` (the effective
unit price) is stored beside them, kept in step by :meth:`Product.set_pricing`, so that
price filters and sorting use an index instead of recomputing per row."""
from decimal import Decimal

from sqlalchemy import (JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, Numeric,
                        String, Text)
from sqlalchemy.orm import Mapped, attribute_keyed_dict, mapped_column, relationship

from ticketing.db import Base, UTCDateTime, utcnow
from ticketing.money import effective_unit_price


class Product(Base):
    __tablename__ = "catalog_product"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(50))
    price: Mapped[int] = mapped_column(Integer)  # cents
    sale: Mapped[Decimal] = mapped_column(Numeric(5, 4), default=Decimal(0))
    final_price: Mapped[int] = mapped_column(Integer)  # cents, price * (1 - sale) half-up
    stock_quantity: Mapped[int] = mapped_column(Integer)
    images: Mapped[list] = mapped_column(JSON, default=list)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    starts_at = mapped_column(UTCDateTime, nullable=False)
    venue: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    translations: Mapped[dict[str, "ProductTranslation"]] = relationship(
        collection_class=attribute_keyed_dict("locale"),
        cascade="all, delete-orphan",
        lazy="raise",  # loaded explicitly (selectinload/joinedload): no N+1 by accident
    )

    __table_args__ = (
        CheckConstraint("price > 0", name="price_positive"),
        CheckConstraint("sale >= 0 AND sale < 1", name="sale_fraction"),
        CheckConstraint("stock_quantity >= 0", name="stock_not_negative"),
        Index("ix_catalog_product_active_category", "is_active", "category"),
        Index("ix_catalog_product_final_price", "final_price"),
        Index("ix_catalog_product_starts_at", "starts_at"),
    )

    def set_pricing(self, price, sale):
        self.price = price
        self.sale = Decimal(sale)
        self.final_price = effective_unit_price(price, sale)

    def set_translations(self, translations):
        """Replace the texts with ``{locale: {"name", "description"}}``."""
        for locale, texts in translations.items():
            row = self.translations.get(locale)
            if row is None:
                self.translations[locale] = ProductTranslation(locale=locale, **texts)
            else:
                row.name, row.description = texts["name"], texts["description"]

    def text(self, locale):
        """The translation in ``locale``; every product has one per supported locale."""
        return in_locale(self.translations, locale)


def in_locale(texts, locale):
    """``texts[locale]``, English when the locale is missing."""
    return texts.get(locale) or texts["en"]


class ProductTranslation(Base):
    __tablename__ = "catalog_product_translation"

    product_id: Mapped[int] = mapped_column(
        ForeignKey("catalog_product.id", ondelete="CASCADE"), primary_key=True
    )
    locale: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
