"""Factories for notify-svc tests: valid USCCs and registry BusinessState events in one line."""
from __future__ import annotations

import datetime as dt

from getihu_kit.domain import id_number, uscc as uscc_code
from getihu_kit.events import make_event
from getihu_kit.schemas.registry import AnnualReportState, BusinessState, OperatorState

_serial = iter(range(700000, 799999))


def new_uscc(region: str = "232701") -> str:
    return uscc_code.make(region, serial=next(_serial))


def business_state(uscc: str, *, region: str = "232701", name: str = "兴安小吃店", phone: str | None = "13812345678",
                   email: str | None = "owner@example.cn", version: int = 1, report_years: tuple[int, ...] = (),
                   established_on: dt.date = dt.date(2018, 3, 1), status: str = "registered"):
    state = BusinessState(
        uscc=uscc, name=name, region_code=region, established_on=established_on, status=status,
        operator=OperatorState(name="张三", id_number=id_number.make(serial=next(_serial) % 999), phone=phone,
                               email=email),
        annual_reports=[AnnualReportState(year=y, submitted_on=dt.date(y + 1, 3, 1), employees=1)
                        for y in report_years],
        version=version)
    return make_event(state, source="registry", subject=uscc)
