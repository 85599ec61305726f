"""The shape of a ruleset: dated parameters (kit's DatedParameter) and named conditions (after OpenFisca).

A condition is a plain function `(inputs, params) -> SQLAlchemy Core boolean expression` whose
docstring quotes the seed clause it implements. The run composes every condition of the ruleset into
one set-based INSERT … SELECT; the bitmask of conditions met is stored with each result and the
explanation is rendered from it on read.
"""
from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.sql.elements import ColumnElement

from getihu_kit import clock
from getihu_kit.labels import TYPE_LABELS  # noqa: F401 - the platform's one list of type labels, re-exported
from getihu_kit.parameters import DatedParameter

# How a result stores its type (typing_result.type_code): the type's rank, excluded lowest. The codes
# and labels themselves are kit's (getihu_kit.labels); this is only their order, for storage and
# for telling a move up (生存型→成长型) from a move down.
TYPE_RANK = {"excluded": 0, "survival": 1, "growth": 2, "development": 3}
TYPE_OF_RANK = {rank: name for name, rank in TYPE_RANK.items()}


def numbered_paragraphs(text: str) -> list[str]:
    """The numbered items ("1. …", indented continuation lines) of a docstring, one string each."""
    items: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        head = stripped.split(".", 1)[0]
        if head.isdigit() and stripped[len(head):len(head) + 1] == ".":
            items.append(stripped)
        elif items and stripped and line.startswith(" "):
            items[-1] += ("" if not items[-1][-1].isascii() else " ") + stripped
        elif items and not stripped:
            break
    return items


@dataclass(frozen=True)
class Params:
    """What a run fixes: typing year Y, reference date R, prior year P = Y − 1, and the thresholds."""
    year: int
    reference_date: dt.date
    values: dict[str, Any]

    @property
    def prior_year(self) -> int:
        return self.year - 1

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def years_before_reference(self, years: int) -> dt.date:
        """R minus whole years; 29 February falls back to 28 February."""
        return clock.add_years(self.reference_date, -years)


Predicate = Callable[[Any, Params], ColumnElement[bool]]


@dataclass(frozen=True)
class Condition:
    code: str            # stable English code; also the reason code when a basic condition fails
    group: str           # basic | seniority | development | growth
    label: str           # Chinese, as a clerk reads it
    predicate: Predicate
    fact: str | None     # which stored fact decides it (rendered in the explanation)
    source: str          # registry | tax | social_insurance | trademark | patent

    @property
    def clause(self) -> str:
        return inspect.getdoc(self.predicate) or ""


@dataclass(frozen=True)
class Ruleset:
    version: str
    title: str
    in_force_from: int               # first typing year
    in_force_to: int | None          # last typing year (None: open)
    parameters: list[DatedParameter]  # each threshold, dated, with the clause that sets it
    units: dict[str, str]             # the unit each parameter is counted in (年, 人, 件, 元), for the public text
    conditions: list[Condition]
    default_reference: tuple[int, int]  # (month, day) of R in typing year Y
    decisions: list[str] = field(default_factory=list)
    description: str = ""

    def __post_init__(self):
        missing = [p.name for p in self.parameters if p.name not in self.units]
        if missing:
            raise ValueError(f"ruleset {self.version}: no unit for {', '.join(missing)}")

    def bit(self, code: str) -> int:
        for i, c in enumerate(self.conditions):
            if c.code == code:
                return 1 << i
        raise KeyError(code)

    def group(self, name: str) -> list[Condition]:
        return [c for c in self.conditions if c.group == name]

    def params(self, *, year: int, reference_date: dt.date | None) -> Params:
        r = reference_date or dt.date(year, *self.default_reference)
        return Params(year=year, reference_date=r, values={p.name: p.on(r) for p in self.parameters})

    def classify(self, met: int) -> str:
        """The type from the bitmask, the same composition as the SQL (used to render, never to decide)."""
        def holds(c: Condition) -> bool:
            return bool(met & self.bit(c.code))
        if not all(holds(c) for c in self.group("basic")):
            return "excluded"
        senior = all(holds(c) for c in self.group("seniority"))
        if senior and any(holds(c) for c in self.group("development")):
            return "development"
        if senior and any(holds(c) for c in self.group("growth")):
            return "growth"
        return "survival"

    def reasons(self, met: int) -> list[str]:
        """Reason codes: the basic conditions that failed (excluded), else the criteria met."""
        failed = [c.code for c in self.group("basic") if not met & self.bit(c.code)]
        if failed:
            return failed
        kind = self.classify(met)
        if kind in ("development", "growth"):
            return [c.code for c in self.group(kind) if met & self.bit(c.code)]
        return ["no_growth_criterion"] if all(met & self.bit(c.code) for c in self.group("seniority")) \
            else ["established_less_than_two_years"]
