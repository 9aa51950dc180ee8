"""Money is integer cents everywhere; ``Decimal`` strings only at the JSON edges."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import colander

from .i18n import _

CENT = Decimal("0.01")
MAX_CENTS = 2**31 - 1  # money columns are 32-bit integers
MAX_AMOUNT = Decimal(MAX_CENTS) / 100


def effective_unit_price(price_cents, sale):
    """``price * (1 - sale)`` rounded half-up to cents: the one unit price used by carts,
    payments, invoices and Stripe alike."""
    value = (Decimal(price_cents) * (Decimal(1) - Decimal(sale))).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    return int(value)


def format_cents(cents):
    return str((Decimal(cents) / 100).quantize(CENT))


def parse_amount(value):
    """A JSON number or decimal string with at most two decimals, as cents."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ValueError("not a number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not number.is_finite():
        raise ValueError("not a number")
    # the size first: quantizing a number of more than 28 digits raises InvalidOperation
    if abs(number) > MAX_AMOUNT or number != number.quantize(CENT):
        raise ValueError("too large or too precise")
    return int(number * 100)


class Amount(colander.SchemaType):
    """Colander type: ``"25.00"`` or ``25`` or ``25.5`` → cents (int)."""

    def serialize(self, node, appstruct):
        if appstruct is colander.null:
            return colander.null
        return format_cents(appstruct)

    def deserialize(self, node, cstruct):
        if cstruct is colander.null or cstruct == "":
            return colander.null
        try:
            return parse_amount(cstruct)
        except ValueError:
            raise colander.Invalid(
                node, _("Must be an amount with at most two decimals, like 25.00.")
            ) from None


class Fraction(colander.SchemaType):
    """Colander type for ``sale``: a decimal in [0, 1) with at most 4 decimals."""

    def serialize(self, node, appstruct):
        if appstruct is colander.null:
            return colander.null
        return str(appstruct)

    def deserialize(self, node, cstruct):
        if cstruct is colander.null or cstruct == "":
            return colander.null
        message = _("Must be a decimal fraction from 0 up to but excluding 1, like 0.10.")
        if isinstance(cstruct, bool) or not isinstance(cstruct, (int, float, str)):
            raise colander.Invalid(node, message)
        try:
            value = Decimal(str(cstruct).strip())
        except InvalidOperation:
            raise colander.Invalid(node, message) from None
        if not value.is_finite() or not 0 <= value < 1 or value != value.quantize(Decimal("0.0001")):
            raise colander.Invalid(node, message)
        return value
