"""Tables of the cart plugin (prefixed `cart_`).

A cart belongs to a user (``user_id``) or is a guest cart (``user_id`` is null), whose
id is the ``X-Guest-Cart-ID`` the client sends. One line per product and cart: the
primary key (cart, product) makes a duplicate line impossible."""
import uuid

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from ticketing.db import Base, UTCDateTime, utcnow


class Cart(Base):
    __tablename__ = "cart_cart"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), unique=True, nullable=True
    )
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    # guest carts are purged by age
    __table_args__ = (Index("ix_cart_cart_updated_at", "updated_at"),)


class CartItem(Base):
    __tablename__ = "cart_item"

    cart_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cart_cart.id", ondelete="CASCADE"), primary_key=True
    )
    product_id: Mapped[int] = mapped_column(
        ForeignKey("catalog_product.id", ondelete="CASCADE"), primary_key=True
    )
    quantity: Mapped[int] = mapped_column(Integer)

    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)
