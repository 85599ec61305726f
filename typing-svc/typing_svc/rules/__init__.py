"""Rulesets as versioned code, one module per version, selected by typing year.

A new year's standard is a new module appended to RULESETS; the old ones stay untouched.
"""
from __future__ import annotations

from getihu_kit.errors import InvalidInput
from typing_svc.rules import national_2024
from typing_svc.rules.model import TYPE_LABELS, TYPE_OF_RANK, TYPE_RANK, Condition, Params, Ruleset

RULESETS: list[Ruleset] = [national_2024.RULESET]

__all__ = ["RULESETS", "TYPE_LABELS", "TYPE_OF_RANK", "TYPE_RANK", "Condition", "Params", "Ruleset",
           "ruleset_for", "ruleset_by_version"]


def ruleset_for(year: int) -> Ruleset:
    for rs in sorted(RULESETS, key=lambda r: r.in_force_from, reverse=True):
        if rs.in_force_from <= year and (rs.in_force_to is None or year <= rs.in_force_to):
            return rs
    first = min(r.in_force_from for r in RULESETS)
    raise InvalidInput(f"{year}年没有适用的分型标准（最早适用于{first}年）", field="year")


def ruleset_by_version(version: str) -> Ruleset:
    for rs in RULESETS:
        if rs.version == version:
            return rs
    raise KeyError(version)
