"""Request dependencies of cultivation-svc beyond the kit's (the business day)."""
from __future__ import annotations

import datetime as dt
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Request

from getihu_kit.pagination import check_limit
from getihu_kit.web import requires

CHINA = ZoneInfo("Asia/Shanghai")
STAFF = requires("county_staff", "prefecture_staff", "admin")
PREFECTURE = requires("prefecture_staff", "admin")
OPERATOR = requires("operator")
DEPARTMENT = requires("department")


def business_day(request: Request) -> dt.date:
    fixed = getattr(request.app.state.settings, "today", None)
    return fixed or dt.datetime.now(CHINA).date()


def page_limit(limit: int = 50) -> int:
    return check_limit(limit, 500)


TodayDep = Annotated[dt.date, Depends(business_day)]
LimitDep = Annotated[int, Depends(page_limit)]
