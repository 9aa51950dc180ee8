"""Request and response schemas of the cart."""
import colander

from ticketing.api import Request, StrictMapping, WholeNumber

from . import _


@colander.deferred
def quantity_range(node, kw):
    limit = kw["request"].registry.settings["ticketing.cart.max_per_line"]
    return colander.Range(min=0, max=limit, min_err=_("Must be 0 or more."),
                          max_err=_("At most ${max} per product."))


class ItemPath(colander.MappingSchema):
    product_id = colander.SchemaNode(WholeNumber(), validator=colander.Range(min=1))


class QuantityBody(StrictMapping):
    quantity = colander.SchemaNode(
        WholeNumber(), validator=quantity_range,
        description="The whole quantity wanted; 0 removes the line.", example=2,
    )


class SetItem(Request):
    path = ItemPath()
    body = QuantityBody()


class CartItemOut(colander.MappingSchema):
    product_id = colander.SchemaNode(colander.Integer())
    name = colander.SchemaNode(colander.String(), description="In the request's locale.")
    quantity = colander.SchemaNode(colander.Integer())
    unit_price = colander.SchemaNode(colander.String(), example="22.50")
    line_total = colander.SchemaNode(colander.String(), example="45.00")


class CartItems(colander.SequenceSchema):
    item = CartItemOut()


class CartData(colander.MappingSchema):
    items = CartItems()
    total = colander.SchemaNode(colander.String(), example="45.00")
    currency = colander.SchemaNode(colander.String(), example="EUR")


class CartMeta(colander.MappingSchema):
    guest_cart_id = colander.SchemaNode(
        colander.String(), missing=colander.drop,
        description="Guests only: send it back as X-Guest-Cart-ID.",
    )


class CartBody(colander.MappingSchema):
    data = CartData()
    meta = CartMeta()
