"""The public standards of the cultivation cycle (附件1 二; 四(四) 公正公开): every dated parameter with the clause or
decision behind it, the relaxed groups in force, the refusal reasons, and — for a county — what it or the prefecture
changed and why."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

from sqlalchemy.orm import Session

from getihu_kit.domain import regions
from getihu_kit.labels import CULTIVATION_REASON_LABELS
from cultivation_svc.regional import repository as regional_repo
from cultivation_svc.regional.service import county, rules_in
from cultivation_svc.rules.parameters import PARAMETERS, RULESET, ratio_text


def _plain(value):
    if isinstance(value, Fraction):
        return ratio_text(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def seed_standards(on: dt.date) -> dict:
    """The standards without a county: the seed's values and the prefecture's dated entries."""
    return {
        "ruleset": RULESET, "on": on.isoformat(),
        "parameters": [{"name": p.name, "value": _plain(p.on(on)), "in_force_from": p.entry_on(on).in_force_from.isoformat(),
                        "clause": p.entry_on(on).clause, "series": p.describe(_plain)["series"]}
                       for p in PARAMETERS.values()],
        "refusal_reasons": [{"code": k, "label": v} for k, v in CULTIVATION_REASON_LABELS.items()],
        "region": None,
    }


def standards(session: Session, *, region_code: str | None, on: dt.date) -> dict:
    out = seed_standards(on)
    if region_code:
        code = county(region_code)
        row = regional_repo.get(session, code)
        rules = rules_in(session, code, on)
        overrides = row.overrides if row else {}
        out["region"] = {
            "region_code": code, "region_name": regions.name(code), "ruleset": rules.version,
            "overrides": overrides, "calendar_reason": rules.calendar_reason,
            "updated_at": row.updated_at.isoformat() if row else None,
            "relaxed_groups": [{"code": k, "label": v} for k, v in rules.relaxed_group_labels().items()],
            "relaxed_groups_added": [{"code": g.code, "label": g.label, "in_force_from": g.in_force_from.isoformat(),
                                      "reason": g.reason, "in_force": g.in_force_from <= on}
                                     for g in rules.relaxed_groups_added],
        }
    return out
