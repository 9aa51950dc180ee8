from decimal import Decimal

import pytest

from ticketing.money import effective_unit_price, format_cents, parse_amount


@pytest.mark.parametrize("price, sale, expected", [
    (2500, "0", 2500), (2500, "0.10", 2250), (999, "0.15", 849),  # 849.15
    (1005, "0.5", 503),  # 502.5 rounds half up
    (1, "0.5", 1), (333, "0.3333", 222),
])
def test_effective_unit_price_rounds_half_up(price, sale, expected):
    assert effective_unit_price(price, Decimal(sale)) == expected


@pytest.mark.parametrize("raw, cents", [(25, 2500), ("25.5", 2550), (0.1, 10), ("0.01", 1)])
def test_amounts_parse_to_cents(raw, cents):
    assert parse_amount(raw) == cents


@pytest.mark.parametrize("raw", ["1.234", "abc", float("nan"), "Infinity", True, None, "1e12",
                                 [1]])
def test_bad_amounts_are_refused(raw):
    with pytest.raises(ValueError):
        parse_amount(raw)


def test_cents_format_with_two_decimals():
    assert format_cents(2500) == "25.00" and format_cents(5) == "0.05"
