"""The platform's codes and their Chinese labels, in one place (DESIGN: codes are stable English,
labels Chinese). Services, events, templates and the console show these labels, never a copy."""
from __future__ import annotations

# 附件1 一(四): the three types, and the result of failing the base conditions.
TYPE_LABELS: dict[str, str] = {"survival": "生存型", "growth": "成长型", "development": "发展型",
                               "excluded": "不符合分型条件"}
TYPE_CODES = tuple(TYPE_LABELS)
# 附件1 二: the four 名特优新 categories.
CATEGORY_LABELS: dict[str, str] = {"renowned": "知名", "distinctive": "特色", "quality": "优质", "emerging": "新兴"}
CATEGORY_CODES = tuple(CATEGORY_LABELS)
# 附件1 一(四)1: a business's registration status (登记在册, or 吊销/注销/撤销).
BUSINESS_STATUS_LABELS: dict[str, str] = {"registered": "登记在册", "revoked": "吊销", "cancelled": "注销",
                                          "withdrawn": "撤销"}


def type_label(code: str | None, default: str = "") -> str:
    return TYPE_LABELS.get(code or "", default or (code or ""))


def category_label(code: str | None, default: str = "") -> str:
    return CATEGORY_LABELS.get(code or "", default or (code or ""))
