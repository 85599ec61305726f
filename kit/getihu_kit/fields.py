"""Request fields carrying the seed's codes: the validation and its OpenAPI description in one place.

A route or request model annotates `uscc: USCC` (or `IdNumber`, `RegionCode`, `Text`) and gets both
the check (with the Chinese message a clerk can act on) and a schema that says the same thing, so a
client generator and schemathesis see the constraints the server applies. Check digits cannot be a
pattern: they are the custom formats "uscc" and "id-number" (GB 32100-2015, GB 11643-1999).
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

from getihu_kit.domain import id_number, regions, uscc
from getihu_kit.labels import CATEGORY_CODES, TYPE_CODES


def _checked(validate, error: type[Exception]):
    """A pydantic validator from a domain check: its Chinese message becomes the field's error."""
    def check(v: str) -> str:
        try:
            return validate(v)
        except error as e:
            raise ValueError(str(e)) from None
    return AfterValidator(check)


def _text(v: str) -> str:
    if any(ord(c) < 32 or c == "\x7f" for c in v):
        raise ValueError("含有不可见的控制字符，请删除后重试")
    return v


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?", re.I)


def _iso(pattern: re.Pattern, message: str):
    # pydantic reads a number as a Unix time; the schema says an ISO string, so only that is taken.
    def check(v):
        if isinstance(v, (dt.date, dt.datetime)):
            return v
        if not isinstance(v, str) or not pattern.fullmatch(v.strip()):
            raise ValueError(message)
        return v.strip()
    return BeforeValidator(check)


USCC_PATTERN = "^92[0-9A-HJ-NPQRTUWXY]{16}$"
USCC_SCHEMA = {"type": "string", "format": "uscc", "pattern": USCC_PATTERN, "minLength": 18, "maxLength": 18,
               "description": "个体工商户统一社会信用代码（18位，以92开头，末位为校验码）"}
ID_NUMBER_PATTERN = "^[0-9]{17}[0-9X]$"
ID_NUMBER_SCHEMA = {"type": "string", "format": "id-number", "pattern": ID_NUMBER_PATTERN,
                    "minLength": 18, "maxLength": 18, "description": "公民身份号码（18位，末位为校验码）"}
# Older codes of the same units (regions.ALIASES) are accepted too and stored as the current code;
# the schema lists the current ones, which is what a client should send.
REGION_SCHEMA = {"type": "string", "enum": list(regions.COUNTIES),
                 "description": "大兴安岭地区县级单位的行政区划代码：" + "、".join(
                     f"{c} {n}" for c, n in regions.COUNTIES.items())}
# Control characters are refused in every address and query (kit.web); the schema says so.
TEXT_PATTERN = "^[^\\u0000-\\u001f\\u007f]*$"

USCC = Annotated[str, _checked(uscc.validate, uscc.InvalidUSCC), WithJsonSchema(USCC_SCHEMA)]
IdNumber = Annotated[str, _checked(id_number.validate, id_number.InvalidIdNumber), WithJsonSchema(ID_NUMBER_SCHEMA)]
RegionCode = Annotated[str, _checked(regions.canonical, regions.UnknownRegion), WithJsonSchema(REGION_SCHEMA)]
Date = Annotated[dt.date, _iso(_ISO_DATE, "应为日期，格式 YYYY-MM-DD")]
DateTime = Annotated[dt.datetime, _iso(_ISO_DATETIME, "应为日期时间（ISO 8601，如 2026-12-01T08:00:00Z）")]


MONEY_PATTERN = "^[0-9]{1,16}(\\.[0-9]{1,2})?$"
MONEY_LIMIT = Decimal("1e16")


def _money(v):
    """DESIGN: money in yuan as decimal strings; a whole number is exact too, a float is not. The same
    rules for a Decimal handed over by code (an import row, a stored value)."""
    if isinstance(v, float) and v.is_integer():  # JSON's 5.0 is the integer 5
        v = int(v)
    if isinstance(v, (bool, float)):
        raise ValueError('金额应为字符串形式的元，如 "123.45"')
    if isinstance(v, str):
        if not re.fullmatch(MONEY_PATTERN, v.strip()):
            raise ValueError('金额应为非负的元，最多两位小数，如 "123.45"')
        v = Decimal(v.strip())
    elif isinstance(v, int):
        v = Decimal(v)
    elif not isinstance(v, Decimal):
        raise ValueError('金额应为字符串形式的元，如 "123.45"')
    if v < 0:
        raise ValueError("金额不能为负数")
    if v.as_tuple().exponent < -2:
        raise ValueError("金额以元为单位，最多保留两位小数")
    if v >= MONEY_LIMIT:
        raise ValueError("金额过大，请核对")
    return v


Money = Annotated[Decimal, BeforeValidator(_money), WithJsonSchema({
    "anyOf": [{"type": "string", "pattern": MONEY_PATTERN}, {"type": "integer", "minimum": 0, "maximum": 10**15}],
    "description": "金额（元）：非负，最多两位小数，以字符串表示，如 \"12345.60\""})]
SIGNED_MONEY_PATTERN = "^-?[0-9]{1,16}(\\.[0-9]{1,2})?$"


def _signed_money(v):
    """Money that may be negative (a profit that is a loss): Money's rules for its magnitude."""
    if isinstance(v, str) and v.strip().startswith("-"):
        return -_money(v.strip()[1:])
    if isinstance(v, (int, Decimal)) and not isinstance(v, bool) and v < 0:
        return -_money(-v)
    return _money(v)


SignedMoney = Annotated[Decimal, BeforeValidator(_signed_money), WithJsonSchema({
    "anyOf": [{"type": "string", "pattern": SIGNED_MONEY_PATTERN},
              {"type": "integer", "minimum": -10**15, "maximum": 10**15}],
    "description": "金额（元），可为负（如亏损），最多两位小数，以字符串表示，如 \"-1200.50\""})]
Text = Annotated[str, AfterValidator(_text), WithJsonSchema({"type": "string", "pattern": TEXT_PATTERN})]

# The platform's codes as enums (labels.py has their Chinese labels).
TypeCode = Literal["survival", "growth", "development"]
TypeOrExcluded = Literal["survival", "growth", "development", "excluded"]
CategoryCode = Literal["renowned", "distinctive", "quality", "emerging"]
assert set(TypeOrExcluded.__args__) == set(TYPE_CODES) and set(CategoryCode.__args__) == set(CATEGORY_CODES)
