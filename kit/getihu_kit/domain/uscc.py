"""统一社会信用代码 (USCC), GB 32100-2015.

18 characters: registration authority (1), organisation type (1), administrative division of the
first registration (6), organisation code (9), check character (1). 个体工商户 codes start with
``92`` (authority 9 = market regulation, type 2 = individual business).
"""
from __future__ import annotations

import random
from operator import mul

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters; I, O, Z, S, V are never used
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
INDIVIDUAL_BUSINESS_PREFIX = "92"
_INDEX = {ch: i for i, ch in enumerate(CHARSET)}


class InvalidUSCC(ValueError):
    pass


def check_character(first17: str) -> str:
    # One dict lookup per character through map (a bulk import checks every row's code); the loop
    # below only finds the illegal character for the message.
    try:
        total = sum(map(mul, map(_INDEX.__getitem__, first17), WEIGHTS))
    except KeyError:
        ch = next(c for c in first17 if c not in _INDEX)
        raise InvalidUSCC(f"统一社会信用代码含有非法字符“{ch}”") from None
    return CHARSET[(31 - total % 31) % 31]


def validate(code: str, *, individual_business: bool = True) -> str:
    """Return the normalised code or raise InvalidUSCC with a Chinese message a clerk can act on."""
    if not isinstance(code, str):
        raise InvalidUSCC("统一社会信用代码应为字符串")
    code = code.strip().upper()
    if len(code) != 18:
        raise InvalidUSCC(f"统一社会信用代码应为18位，实际为{len(code)}位")
    expected = check_character(code[:17])
    if code[17] != expected:
        raise InvalidUSCC(f"统一社会信用代码校验位错误（应为“{expected}”），请核对后重新填写")
    if individual_business and not code.startswith(INDIVIDUAL_BUSINESS_PREFIX):
        raise InvalidUSCC("个体工商户的统一社会信用代码应以“92”开头")
    return code


def is_valid(code: str, *, individual_business: bool = True) -> bool:
    try:
        validate(code, individual_business=individual_business)
        return True
    except InvalidUSCC:
        return False


def registration_division(code: str) -> str:
    """Digits 3–8: where the business was FIRST registered — not where it is now (DESIGN: Regions)."""
    return code[2:8]


def make(division: str = "232701", serial: int | None = None, rng: random.Random | None = None) -> str:
    """Build a valid 个体工商户 USCC (for factories, fixtures and benchmarks)."""
    rng = rng or random.Random()
    if serial is None:
        body = "".join(rng.choice(CHARSET[:10] + "ABCDEFGH") for _ in range(9))
    else:
        body = f"{'L'}{serial:08d}"[-9:]
    first17 = INDIVIDUAL_BUSINESS_PREFIX + division + body
    return first17 + check_character(first17)
