"""kit.fields.SignedMoney: Money's rules for the magnitude, and a sign (a profit that is a loss)."""
from decimal import Decimal

import pytest
from pydantic import TypeAdapter, ValidationError

from getihu_kit.fields import SignedMoney

SIGNED = TypeAdapter(SignedMoney)


@pytest.mark.parametrize("given, expected", [("-1200.50", Decimal("-1200.50")), ("0", Decimal(0)), (-5, Decimal(-5)),
                                             ("86500.00", Decimal("86500.00")), (7.0, Decimal(7))])
def test_signed_money_takes_yuan_with_a_sign(given, expected):
    assert SIGNED.validate_python(given) == expected


@pytest.mark.parametrize("given", ["-1.234", "--1", "-", 1.5, "1e3", True, "-1e16"])
def test_signed_money_refuses_what_money_refuses(given):
    with pytest.raises(ValidationError):
        SIGNED.validate_python(given)
