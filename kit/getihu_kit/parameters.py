"""Dated parameters (after OpenFisca): a named value that changes over time, each value with the
date it is in force from and the clause or decision behind it.

A later change of the law is one more entry in the series, never an edit of the old value, so a
result computed for an earlier period can be recomputed with the values of that period.

    QUOTA = DatedParameter.of("quota_ratio", Fraction(5, 100), dt.date(2024, 1, 1), "二(四)3：……5%以内")
    QUOTA.on(reference_date)          # the value in force that day
    QUOTA.entry_on(day).clause        # and the clause it rests on
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

V = TypeVar("V")


@dataclass(frozen=True)
class Dated(Generic[V]):
    """One value of a series: in force from `in_force_from` until the next entry starts."""
    value: V
    in_force_from: dt.date
    clause: str


@dataclass(frozen=True)
class DatedParameter(Generic[V]):
    name: str
    series: tuple[Dated[V], ...]
    description: str = ""

    def __post_init__(self):
        if not self.series:
            raise ValueError(f"parameter {self.name} has no value")
        starts = [e.in_force_from for e in self.series]
        if len(set(starts)) != len(starts):
            raise ValueError(f"parameter {self.name} has two values in force from one date")
        object.__setattr__(self, "series", tuple(sorted(self.series, key=lambda e: e.in_force_from)))

    @classmethod
    def of(cls, name: str, value: V, in_force_from: dt.date, clause: str, description: str = "") -> DatedParameter[V]:
        """A parameter with a single value (the common case: the seed's value since it took effect)."""
        return cls(name, (Dated(value, in_force_from, clause),), description)

    def then(self, value: V, in_force_from: dt.date, clause: str) -> DatedParameter[V]:
        """The same parameter with one more value in force from a later date."""
        return DatedParameter(self.name, (*self.series, Dated(value, in_force_from, clause)), self.description)

    def entry_on(self, day: dt.date) -> Dated[V]:
        """The entry in force on `day`: the newest that started on or before it. Before the first
        entry the first one applies (a period earlier than our records is judged by the oldest rule)."""
        chosen = self.series[0]
        for entry in self.series:
            if entry.in_force_from <= day:
                chosen = entry
        return chosen

    def on(self, day: dt.date) -> V:
        return self.entry_on(day).value

    @property
    def current(self) -> Dated[V]:
        return self.series[-1]

    def describe(self, render=str) -> dict[str, Any]:
        """The public form served at a service's standards path."""
        return {"name": self.name, "description": self.description,
                "series": [{"value": render(e.value), "in_force_from": e.in_force_from.isoformat(),
                            "clause": e.clause} for e in self.series]}


def by_name(parameters: Iterable[DatedParameter]) -> dict[str, DatedParameter]:
    out: dict[str, DatedParameter] = {}
    for p in parameters:
        if p.name in out:
            raise ValueError(f"two parameters named {p.name}")
        out[p.name] = p
    return out
