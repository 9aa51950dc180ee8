"""Request and response schemas of the catalogue."""
from urllib.parse import urlsplit

import colander

from ticketing.api import Request, StrictMapping, WholeNumber, text
from ticketing.i18n import LOCALES
from ticketing.money import Amount, Fraction
from ticketing.pagination import PageMeta, PageParams

from . import _, as_timezone

STRICT_BOOLEAN = colander.Boolean(false_choices=("false", "0"), true_choices=("true", "1"))

# -- building blocks ----------------------------------------------------------------------


def http_url(node, value):
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise colander.Invalid(node, _("Must be an http or https URL."))


def positive_amount(node, value):
    if value <= 0:
        raise colander.Invalid(node, _("Must be more than 0."))


def aware(node, value):
    if value.tzinfo is None:
        raise colander.Invalid(node, _("Must include a UTC offset, like 2026-06-01T20:00:00+02:00."))


def iana_timezone(node, value):
    try:
        as_timezone(value)
    except ValueError:
        raise colander.Invalid(node, _("Must be an IANA time zone, like Europe/Berlin.")) from None


class Texts(StrictMapping):
    name = text(200, description="Name in this language.", example="Summer Night Concert")
    description = text(5000, description="Description in this language.")


# one required entry per supported locale
Translations = type("Translations", (StrictMapping,), {code: Texts() for code in LOCALES})


class Images(colander.SequenceSchema):
    url = text(2000, validator=http_url)
    validator = colander.Length(max=20, max_err=_("At most ${max} images."))


class ProductBody(StrictMapping):
    category = text(50, description="Category slug, e.g. concert.", example="concert")
    translations = Translations(description="Name and description in every locale.")
    price = colander.SchemaNode(Amount(), validator=positive_amount,
                                description="Price before sale, e.g. \"25.00\".")
    sale = colander.SchemaNode(Fraction(), missing="0.00",
                               description="Discount fraction in [0, 1), e.g. 0.10.")
    stock_quantity = colander.SchemaNode(
        WholeNumber(), validator=colander.Range(min=0, min_err=_("Must be 0 or more.")),
    )
    images = Images(missing=[], description="Image URLs (http or https).")
    is_active = colander.SchemaNode(STRICT_BOOLEAN, missing=True)
    starts_at = colander.SchemaNode(
        colander.DateTime(default_tzinfo=None), validator=aware,
        description="Start of the event, ISO 8601 with offset.",
    )
    venue = text(200, description="Where the event takes place.")
    timezone = text(64, missing=colander.drop, validator=iana_timezone,
                    description="IANA time zone the tickets print times in; "
                                "defaults to the ticketing.catalog.timezone setting.")


class ProductPath(colander.MappingSchema):
    id = colander.SchemaNode(WholeNumber(), validator=colander.Range(min=1))


class ListFilters(PageParams):
    category = text(50, missing=colander.drop)
    search = text(100, missing=colander.drop, description="Part of the name, in any language.")
    min_price = colander.SchemaNode(Amount(), missing=colander.drop)
    max_price = colander.SchemaNode(Amount(), missing=colander.drop)
    in_stock = colander.SchemaNode(STRICT_BOOLEAN, missing=colander.drop)
    sort = colander.SchemaNode(
        colander.String(), missing="date",
        validator=colander.OneOf(["date", "price", "name"], msg_err=_("Must be one of: ${choices}.")),
    )
    direction = colander.SchemaNode(
        colander.String(), missing="asc",
        validator=colander.OneOf(["asc", "desc"], msg_err=_("Must be one of: ${choices}.")),
    )


class AdminListFilters(ListFilters):
    is_active = colander.SchemaNode(STRICT_BOOLEAN, missing=colander.drop)


class ListProducts(Request):
    querystring = ListFilters()


class ListAllProducts(Request):
    querystring = AdminListFilters()


class GetProduct(Request):
    path = ProductPath()


class CreateProduct(Request):
    body = ProductBody()


class ReplaceProduct(Request):
    path = ProductPath()
    body = ProductBody()


class PricingBody(StrictMapping):
    price = colander.SchemaNode(Amount(), validator=positive_amount, missing=colander.drop)
    sale = colander.SchemaNode(Fraction(), missing=colander.drop)

    def validator(self, node, value):
        if not value:
            raise colander.Invalid(node, _("Send price, sale or both."))


class ChangePricing(Request):
    path = ProductPath()
    body = PricingBody()


# -- responses ------------------------------------------------------------------------------


class ProductOut(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    category = colander.SchemaNode(colander.String())
    name = colander.SchemaNode(colander.String(), description="In the request's locale.")
    description = colander.SchemaNode(colander.String(), description="In the request's locale.")
    price = colander.SchemaNode(colander.String(), example="25.00")
    sale = colander.SchemaNode(colander.String(), example="0.10")
    final_price = colander.SchemaNode(colander.String(), example="22.50")
    currency = colander.SchemaNode(colander.String(), example="EUR")
    stock_quantity = colander.SchemaNode(colander.Integer())
    images = colander.SequenceSchema(colander.SchemaNode(colander.String(), name="url"))
    is_active = colander.SchemaNode(colander.Boolean())
    starts_at = colander.SchemaNode(colander.String(), example="2026-06-01T18:00:00+00:00")
    venue = colander.SchemaNode(colander.String())
    timezone = colander.SchemaNode(colander.String(), example="Europe/Berlin")


class AdminProductOut(ProductOut):
    translations = colander.SchemaNode(colander.Mapping(unknown="preserve"),
                                       description="{locale: {name, description}}")


class ProductList(colander.SequenceSchema):
    product = ProductOut()


class AdminProductList(colander.SequenceSchema):
    product = AdminProductOut()


class ProductPage(colander.MappingSchema):
    data = ProductList()
    meta = PageMeta()


class AdminProductPage(colander.MappingSchema):
    data = AdminProductList()
    meta = PageMeta()


class ProductBodyOut(colander.MappingSchema):
    data = ProductOut()


class AdminProductBodyOut(colander.MappingSchema):
    data = AdminProductOut()
