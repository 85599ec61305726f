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


def type_label(code: str | None, default: str = "") -> str:
    return TYPE_LABELS.get(code or "", default or (code or ""))


def category_label(code: str | None, default: str = "") -> str:
    return CATEGORY_LABELS.get(code or "", default or (code or ""))

# The status of a job (kit.jobs) and of a typing run, as the command line and the console show them.
STATUS_LABELS: dict[str, str] = {"queued": "排队中", "waiting_for_data": "等待数据到齐", "running": "处理中",
                                 "completed": "已完成", "failed": "失败", "publishing": "发布中", "published": "已发布"}


def status_label(code: str | None) -> str:
    return STATUS_LABELS.get(code or "", code or "未知")
