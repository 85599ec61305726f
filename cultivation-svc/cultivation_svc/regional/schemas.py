"""The request body of a region's settings: the parameters a county may adjust (rules.parameters)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cultivation_svc.rules.parameters import KNOWN_EXTRA_BARS

# [月, 日]; a day the month lacks (e.g. [2, 30]) is refused by the rules with its own message.
MonthDay = list[int]


class ExtraBarIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal[tuple(KNOWN_EXTRA_BARS)] = Field(description="限制情形：" + "、".join(
        f"{k} {v}" for k, v in KNOWN_EXTRA_BARS.items()))
    years: int = Field(ge=1, le=20, description="限制年限")
    label: str | None = Field(default=None, max_length=100)


class AddedGroupIn(BaseModel):
    """二(四)1 “等”: a relaxed group the county adds, in force from a date, with its reason."""
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,39}$", description="群体代码（小写英文），如 poverty_relieved")
    label: str = Field(min_length=1, max_length=50, description="群体名称，如 脱贫户")
    in_force_from: dt.date = Field(description="施行日期")
    reason: str = Field(min_length=1, max_length=500, description="增设理由（县级市场监管部门的依据）")


class RegionOverrides(BaseModel):
    """省略的参数沿用文件规定值；null 表示恢复规定值。"""
    model_config = ConfigDict(extra="forbid")
    penalty_window_years: int | None = Field(default=None, ge=1, le=20, description="行政处罚的回溯年限")
    fraud_bar_years: int | None = Field(default=None, ge=1, le=20, description="弄虚作假的限制年限")
    public_notice_days: int | None = Field(default=None, ge=0, le=30, description="公示天数")
    window_opens: MonthDay | None = Field(default=None, min_length=2, max_length=2, description="认定窗口开启的 [月, 日]")
    window_closes: MonthDay | None = Field(default=None, min_length=2, max_length=2,
                                           description="认定窗口关闭的 [月, 日]（不晚于认定截止日）")
    recognitions_by: MonthDay | None = Field(default=None, min_length=2, max_length=2,
                                             description="本年度认定的截止 [月, 日]（文件规定 11 月 30 日；更晚须写明 calendar_reason）")
    calendar_reason: str | None = Field(default=None, min_length=1, max_length=500,
                                        description="地区市场监管局调整认定时间（8月前开启或11月30日后截止）的决定理由")
    clear_growth_ratio: Decimal | None = Field(default=None, gt=0, le=10, description="比例，如 0.2 表示 20%")
    extra_bars: list[ExtraBarIn] | None = Field(default=None, max_length=20, description="本地增加的限制情形")
    relaxed_groups_added: list[AddedGroupIn] | None = Field(default=None, max_length=20,
                                                           description="本县增加的放宽分类来源的群体（二(四)1 “等”）")
