"""Masking of confidential fields for public views (seed 四(四): 严格保密)."""
from __future__ import annotations


def mask_id_number(value: str | None) -> str | None:
    if not value:
        return value
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def mask_phone(value: str | None) -> str | None:
    if not value:
        return value
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) >= 7 else "*" * len(value)


def mask_name(value: str | None) -> str | None:
    """张三 → 张*; 欧阳娜娜 → 欧***. Used where a person's name is not itself public."""
    if not value:
        return value
    return value[0] + "*" * (len(value) - 1)
