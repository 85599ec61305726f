"""Chinese messages for pydantic validation errors: one table for the API and for bulk imports.

Plain functions (no FastAPI), so a worker that validates file rows words its errors exactly as the
HTTP edge words a 422.
"""
from __future__ import annotations

MESSAGES: dict[str, str] = {
    "missing": "必填项缺失",
    "string_type": "应为字符串",
    "int_type": "应为整数", "int_parsing": "应为整数", "int_from_float": "应为整数",
    "float_type": "应为数字", "float_parsing": "应为数字",
    "bool_type": "应为布尔值 true 或 false", "bool_parsing": "应为布尔值 true 或 false",
    "date_type": "应为日期，格式 YYYY-MM-DD", "date_parsing": "应为日期，格式 YYYY-MM-DD",
    "date_from_datetime_parsing": "应为日期，格式 YYYY-MM-DD", "date_from_datetime_inexact": "应为日期，格式 YYYY-MM-DD",
    "datetime_type": "应为日期时间（ISO 8601）", "datetime_parsing": "应为日期时间（ISO 8601）",
    "datetime_from_date_parsing": "应为日期时间（ISO 8601）",
    "decimal_type": "应为金额（如 \"123.45\"）", "decimal_parsing": "应为金额（如 \"123.45\"）",
    "decimal_max_places": "小数位数不能超过{decimal_places}位",
    "decimal_max_digits": "数字位数不能超过{max_digits}位",
    "literal_error": "取值应为以下之一：{expected}", "enum": "取值应为以下之一：{expected}",
    "string_too_short": "长度不能少于{min_length}个字符", "string_too_long": "长度不能超过{max_length}个字符",
    "too_short": "至少需要{min_length}项", "too_long": "最多{max_length}项",
    "greater_than_equal": "应不小于{ge}", "greater_than": "应大于{gt}",
    "less_than_equal": "应不大于{le}", "less_than": "应小于{lt}",
    "json_invalid": "请求体不是合法的 JSON", "json_type": "应为 JSON",
    "model_attributes_type": "应为对象", "dict_type": "应为对象", "model_type": "应为对象",
    "list_type": "应为数组", "extra_forbidden": "不允许的字段",
    "string_pattern_mismatch": "格式不正确",
    "uuid_parsing": "应为 UUID", "uuid_type": "应为 UUID",
}


def message(err: dict) -> str:
    kind = err.get("type", "")
    if kind in ("value_error", "assertion_error"):
        msg = str(err.get("msg", ""))
        for prefix in ("Value error, ", "Assertion failed, "):
            if msg.startswith(prefix):
                msg = msg[len(prefix):]
        return msg
    template = MESSAGES.get(kind)
    if template is None:  # a type without a wording of its own: still Chinese, never pydantic's English
        return "格式不正确"
    try:
        return template.format(**(err.get("ctx") or {}))
    except (KeyError, IndexError):
        return template
