"""Request dependencies of cultivation-svc beyond the kit's: who may call, and the business day."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from getihu_kit.pagination import page_params
from getihu_kit.web import requires

STAFF = requires("county_staff", "prefecture_staff", "admin")
PREFECTURE = requires("prefecture_staff", "admin")
OPERATOR = requires("operator")
DEPARTMENT = requires("department")
OPERATOR_OR_DEPARTMENT = requires("operator", "department")
# A case's parties: the operator, staff of its county (or the prefecture) and the recommending department;
# which case each may see is the service's fine check.
PARTIES = requires("operator", "department", "county_staff", "prefecture_staff", "admin")
PageDep = page_params(500)


def business_day(request: Request) -> dt.date:
    return request.app.state.settings.business_day()


TodayDep = Annotated[dt.date, Depends(business_day)]


def quota_base_ready(request: Request) -> Callable[[], dict | None]:
    """Waits, when called, until the quota's base holds what typing had committed (kit.barrier); returns what it
    waited for (None where no barrier is configured). Called by the service before it counts, outside its locks."""
    barrier = request.app.state.quota_barrier
    return (lambda: barrier.wait()) if barrier is not None else (lambda: None)


QuotaBaseDep = Annotated[Callable[[], dict | None], Depends(quota_base_ready)]
