"""The datasets agencies supply (CONTRACT.md: Data sharing) and row-level validation of their records.

Seed 四(二): 税务部门要配合提供缴纳不同幅度税款情况的个体工商户纳税人名单等情况，人社部门要配合提供人员缴纳
社保等情况，其他相关行业主管部门要……配合提供相关数据. Each dataset declares its fields, how a raw value
(a JSON value, or the text of a CSV/XLSX cell) becomes a normalised one, and which fields form the
record's key: a later record with the same dataset, year and key replaces the earlier one.

Validation is hand-written per field rather than a pydantic model per row: a 1,000,000-row file
passes through here, and every error must still name its row and field with a Chinese message.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from operator import mul
from typing import Any

from getihu_kit.domain import id_number as id_numbers
from getihu_kit.domain import uscc as usccs

TAX = "tax"
SOCIAL_INSURANCE = "social_insurance"
TRADEMARK = "trademark"
PATENT = "patent"
DISHONEST_DEBTOR = "dishonest_debtor"
CERTIFICATE = "certificate"

LABELS = {
    TAX: "税务（纳税、一般纳税人、非正常户）",
    SOCIAL_INSURANCE: "人社（单位缴纳社保人数）",
    TRADEMARK: "知识产权（商标）",
    PATENT: "知识产权（专利）",
    DISHONEST_DEBTOR: "法院（失信被执行人）",
    CERTIFICATE: "行业主管部门（证书：绿色食品、老字号、非遗等）",
}
DATASETS = tuple(LABELS)
HOLDERS = ("business", "operator")
MIN_YEAR, MAX_YEAR = 2000, 2100
MONEY_MAX = Decimal("1000000000000")  # 1e12 yuan: beyond any individual business; catches unit mistakes
MONEY_MAX_DIGITS = len(str(int(MONEY_MAX))) - 1  # whole yuan digits below MONEY_MAX
_MONEY = re.compile(r"^\d{1,13}(\.\d{1,2})?$")
_TRUE = {"true", "1", "是", "yes", "y", "t"}
_FALSE = {"false", "0", "否", "no", "n", "f"}


class FieldError(ValueError):
    """A bad value; the message is Chinese and says what to write instead."""


_USCC_VALUE = {c: i for i, c in enumerate(usccs.CHARSET)}
_USCC_WEIGHTS = usccs.WEIGHTS


def _uscc_fast(code: str) -> bool:
    """The common case of a well-formed 个体工商户 code, checked without raising (the check digit
    of GB 32100 as in getihu_kit.domain.uscc); anything else goes to the full validator."""
    if len(code) != 18 or not code.startswith(usccs.INDIVIDUAL_BUSINESS_PREFIX):
        return False
    value = _USCC_VALUE
    try:
        total = sum(map(mul, map(value.__getitem__, code[:17]), _USCC_WEIGHTS))
        return value[code[17]] == (31 - total % 31) % 31
    except KeyError:
        return False


def parse_uscc(v: Any) -> str:
    if not isinstance(v, str):
        raise FieldError("统一社会信用代码应为18位字符串")
    if _uscc_fast(v):
        return v
    try:
        return usccs.validate(v)
    except usccs.InvalidUSCC as exc:
        raise FieldError(str(exc)) from None


def parse_id_number(v: Any) -> str:
    if not isinstance(v, str):
        raise FieldError("身份证号码应为18位字符串")
    try:
        return id_numbers.validate(v)
    except id_numbers.InvalidIdNumber as exc:
        raise FieldError(str(exc)) from None


def parse_money(v: Any) -> str:
    """Yuan as a decimal string with at most 2 places, never negative ("123.45")."""
    if not isinstance(v, str):  # a JSON number may already have lost cents in the sender's float
        raise FieldError("金额应以字符串填写，如 \"123.45\"")
    s = v.strip()
    if s.startswith("-"):
        raise FieldError("金额不能为负数")
    if not _MONEY.match(s):
        try:
            Decimal(s)
        except InvalidOperation:
            raise FieldError(f"金额“{s}”格式不正确，应为数字，如 \"123.45\"") from None
        raise FieldError(f"金额“{s}”格式不正确：最多两位小数，单位为元，如 \"123.45\"")
    # the pattern holds: normalise as text (what f"{Decimal(s):.2f}" gives, without a Decimal per row)
    whole, _, cents = s.partition(".")
    whole = whole.lstrip("0") or "0"
    if len(whole) > MONEY_MAX_DIGITS:
        raise FieldError("金额过大，请核对单位是否为元")
    return f"{whole}.{(cents + '00')[:2]}"


_BOOL = {**{t: True for t in _TRUE}, **{f: False for f in _FALSE}}


def parse_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, str):
        exact = _BOOL.get(v)  # the usual spelling, already lower case and stripped
        if exact is not None:
            return exact
        s = v.strip().lower()
        if s in _TRUE:
            return True
        if s in _FALSE:
            return False
    raise FieldError("应为布尔值：true 或 false（表格中也可填 是/否、1/0）")


def parse_count(v: Any) -> int:
    if isinstance(v, bool):
        raise FieldError("应为不小于0的整数")
    if isinstance(v, int):
        n = v
    elif isinstance(v, str) and v.strip().isdigit():
        n = int(v.strip())
    else:
        raise FieldError("应为不小于0的整数")
    if n < 0:
        raise FieldError("应为不小于0的整数")
    if n > 100000:
        raise FieldError("人数过大，请核对")
    return n


def parse_date(v: Any) -> str:
    if not isinstance(v, str):
        raise FieldError("应为日期，格式 YYYY-MM-DD")
    s = v.strip()
    if len(s) > 10 and s[10] in "T ":  # a spreadsheet datetime at midnight: keep the date
        s = s[:10]
    try:
        return dt.date.fromisoformat(s).isoformat()
    except ValueError:
        raise FieldError(f"日期“{v}”无效，格式应为 YYYY-MM-DD") from None


def parse_holder(v: Any) -> str:
    if isinstance(v, str) and v.strip().lower() in HOLDERS:
        return v.strip().lower()
    raise FieldError("持有人应为 business（个体工商户）或 operator（经营者）")


def text_parser(max_len: int, what: str) -> Callable[[Any], str]:
    def parse_text(v: Any) -> str:
        if isinstance(v, (int,)) and not isinstance(v, bool):
            v = str(v)
        if not isinstance(v, str) or not v.strip():
            raise FieldError(f"{what}应为非空文字")
        s = v.strip()
        if len(s) > max_len:
            raise FieldError(f"{what}长度不能超过{max_len}个字符")
        return s
    return parse_text


@dataclass(frozen=True)
class Field:
    name: str
    parse: Callable[[Any], Any]
    required: bool = True


@dataclass(frozen=True)
class Dataset:
    name: str
    fields: tuple[Field, ...]
    key_fields: tuple[str, ...]  # with the year, what a later record replaces
    subject: str                 # "uscc" or "id_number": whom the record is about

    @property
    def required(self) -> set[str]:
        return {f.name for f in self.fields if f.required}

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


SPECS: dict[str, Dataset] = {
    TAX: Dataset(TAX, (Field("uscc", parse_uscc), Field("tax_paid", parse_money),
                       Field("general_taxpayer", parse_bool), Field("abnormal_taxpayer", parse_bool)),
                 ("uscc",), "uscc"),
    SOCIAL_INSURANCE: Dataset(SOCIAL_INSURANCE, (Field("uscc", parse_uscc), Field("insured_employees", parse_count)),
                              ("uscc",), "uscc"),
    TRADEMARK: Dataset(TRADEMARK, (Field("uscc", parse_uscc), Field("registration_no", text_parser(50, "商标注册号")),
                                   Field("holder", parse_holder), Field("in_use", parse_bool)),
                       ("uscc", "registration_no"), "uscc"),
    PATENT: Dataset(PATENT, (Field("uscc", parse_uscc), Field("patent_no", text_parser(50, "专利号")),
                             Field("holder", parse_holder)),
                    ("uscc", "patent_no"), "uscc"),
    DISHONEST_DEBTOR: Dataset(DISHONEST_DEBTOR, (Field("id_number", parse_id_number), Field("listed_on", parse_date),
                                                 Field("removed_on", parse_date, required=False)),
                              ("id_number", "listed_on"), "id_number"),
    CERTIFICATE: Dataset(CERTIFICATE, (Field("uscc", parse_uscc), Field("kind", text_parser(50, "证书类别")),
                                       Field("issued_on", parse_date), Field("expires_on", parse_date, required=False)),
                         ("uscc", "kind"), "uscc"),
}


@dataclass(slots=True)
class Record:
    """One valid row, normalised: what is stored and hashed."""
    row: int
    key: str
    uscc: str | None
    id_number: str | None
    data: dict[str, Any]
    content_hash: str


def check_dataset(name: str) -> Dataset:
    spec = SPECS.get(name)
    if spec is None:
        raise FieldError(f"未知的数据集“{name}”；可用：{', '.join(DATASETS)}")
    return spec


def check_year(year: int) -> int:
    if not (MIN_YEAR <= year <= MAX_YEAR):
        raise FieldError(f"年度应在 {MIN_YEAR} 到 {MAX_YEAR} 之间")
    return year


def validate_record(spec: Dataset, row: int, raw: Any) -> tuple[Record | None, list[dict]]:
    """Normalise one raw record; on any bad field return the errors (row, field, message) instead."""
    if not isinstance(raw, dict):
        return None, [{"row": row, "field": None, "message": "每条记录应为 JSON 对象"}]
    data: dict[str, Any] = {}
    errors: list[dict] = []
    for f in spec.fields:
        v = raw.get(f.name)
        if v is None or (isinstance(v, str) and not v.strip()):
            if f.required:
                errors.append({"row": row, "field": f.name, "message": "必填项缺失"})
            else:
                data[f.name] = None
            continue
        try:
            data[f.name] = f.parse(v)
        except FieldError as exc:
            errors.append({"row": row, "field": f.name, "message": str(exc)})
    if not errors:
        errors.extend(_cross_field_errors(spec, row, data))
    if errors:
        return None, errors
    key = "|".join(str(data[k]) for k in spec.key_fields)
    subject_uscc = data.pop("uscc", None)
    subject_id = data.get("id_number") if spec.subject == "id_number" else None
    if subject_id is not None:
        data.pop("id_number")
    return Record(row=row, key=key, uscc=subject_uscc, id_number=subject_id, data=data,
                  content_hash=content_hash(key, data)), []


def _cross_field_errors(spec: Dataset, row: int, data: dict) -> list[dict]:
    if spec.name == DISHONEST_DEBTOR and data.get("removed_on") and data["removed_on"] < data["listed_on"]:
        return [{"row": row, "field": "removed_on", "message": "移出日期不能早于列入日期"}]
    if spec.name == CERTIFICATE and data.get("expires_on") and data["expires_on"] < data["issued_on"]:
        return [{"row": row, "field": "expires_on", "message": "有效期截止日期不能早于发证日期"}]
    return []


def content_hash(key: str, data: dict[str, Any]) -> str:
    """Identity of a record's content: a resubmitted identical record changes nothing."""
    text = key + "\x1f" + "\x1f".join(f"{k}={data[k]}" for k in sorted(data))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
