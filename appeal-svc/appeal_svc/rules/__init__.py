"""Rules of objection handling: dated parameters and named functions quoting the seed."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Generic, TypeVar

V = TypeVar("V")


@dataclass(frozen=True)
class DatedParameter(Generic[V]):
    """A threshold with the date it is in force from and the clause (or decision) behind it."""
    value: V
    in_force_from: dt.date
    reference: str
