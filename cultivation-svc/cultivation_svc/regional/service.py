"""Per-region settings: the parameters a county varies, laid over the seed's defaults."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from getihu_kit import clock
from getihu_kit.auth import Principal
from getihu_kit.domain import regions
from getihu_kit.errors import InvalidInput
from cultivation_svc.regional import repository
from cultivation_svc.regional.models import RegionSetting
from cultivation_svc.rules.parameters import CultivationRules, ratio_text, rules_for, validate_overrides


def county(code: str, field: str = "region_code") -> str:
    try:
        return regions.canonical(code)
    except regions.UnknownRegion as exc:
        raise InvalidInput(str(exc), field=field) from None


def rules_in(session: Session, region_code: str, on: dt.date) -> CultivationRules:
    row = repository.get(session, region_code)
    return rules_for(on, row.overrides if row else None, region_code)


def put_settings(session: Session, *, region_code: str, overrides: dict, principal: Principal,
                 today: dt.date | None = None) -> RegionSetting:
    region_code = county(region_code)
    errors = validate_overrides(overrides, today)
    if errors:
        raise InvalidInput("地区参数设置有误：" + "；".join(f"{e['field']}：{e['message']}" for e in errors),
                           errors=errors)
    row = repository.get(session, region_code)
    now = clock.now()
    if row is None:
        row = RegionSetting(region_code=region_code, overrides=overrides, updated_by=principal.audit_name(), updated_at=now)
        session.add(row)
    else:
        row.overrides, row.updated_by, row.updated_at = overrides, principal.audit_name(), now
    session.flush()
    return row


def view(session: Session, *, region_code: str, on: dt.date) -> dict:
    region_code = county(region_code)
    row = repository.get(session, region_code)
    r = rules_in(session, region_code, on)
    return {
        "region_code": region_code, "region_name": regions.name(region_code), "ruleset": r.version,
        "overrides": row.overrides if row else {},
        "effective": {
            "penalty_window_years": r.penalty_window_years, "fraud_bar_years": r.fraud_bar_years,
            "quota_ratio": ratio_text(r.quota_ratio), "validity_years": r.validity_years,
            "extension_years": r.extension_years, "window_opens": list(r.window_opens),
            "window_closes": list(r.window_closes), "benefits_from": list(r.benefits_from),
            "info_report_due": list(r.info_report_due), "public_notice_days": r.public_notice_days,
            "clear_growth_ratio": ratio_text(r.clear_growth_ratio),
            "extra_bars": [{"kind": b.kind, "years": b.years, "label": b.label} for b in r.extra_bars],
            "recognitions_by": list(r.recognitions_by), "restored_by": list(r.restored_by),
            "calendar_reason": r.calendar_reason,
            "relaxed_groups": r.relaxed_group_labels(),
        },
    }
