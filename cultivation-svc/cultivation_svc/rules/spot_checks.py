"""Superior spot-checks (附件1 二(五)2：上级市场监管部门可以通过抽查方式进行监督，对认为不符合认定条件的个体工商户，
可以要求限期补充材料或者不予认定)."""
from __future__ import annotations

import datetime as dt
import hashlib
import math
from fractions import Fraction


def sample_size(population: int, rate: Fraction) -> int:
    """The number drawn: the rate of the county's recognitions, rounded up, at least one when there is any."""
    return 0 if population == 0 else min(population, max(1, math.ceil(population * rate)))


def draw(recognition_ids: list[str], rate: Fraction, seed: str) -> list[str]:
    """A reproducible random sample: each id ranked by sha256(seed, id); the same seed and recognitions give the same
    sample to whoever redraws it, and no one can pick the sample by choosing the order."""
    ranked = sorted(recognition_ids, key=lambda i: hashlib.sha256(f"{seed}\n{i}".encode()).hexdigest())
    return sorted(ranked[:sample_size(len(recognition_ids), rate)])


def material_lapsed(status: str | None, due_on: dt.date | None, on: dt.date) -> bool:
    """要求限期补充材料: the period ran out (the day after the due day) with nothing supplied."""
    return status == "material_requested" and due_on is not None and on > due_on
