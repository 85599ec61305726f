"""API models of county criteria."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from getihu_kit.fields import RegionCode

Category = Literal["renowned", "distinctive", "quality", "emerging"]


class Indicator(BaseModel):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    weight: Decimal = Field(gt=0, le=100)
    threshold: Decimal = Field(ge=0)
    unit: str | None = None
    source: str = Field(default="declared",
                        pattern=r"^(declared|certificate:.+|shared:(tax_paid|insured_employees|trademarks|patents))$",
                        description="declared 申报值；certificate:<证书种类>（如 certificate:绿色食品）；或部门共享数据 "
                                    "shared:tax_paid 纳税额、shared:insured_employees 参保人数、shared:trademarks 在用商标数、"
                                    "shared:patents 专利数（四(四)：不要求个体工商户另行提供）")

    @field_validator("source")
    @classmethod
    def _source(cls, v: str) -> str:
        from cultivation_svc.rules.scoring import SHARED_INDICATORS
        if v != "declared" and not (v.startswith("certificate:") and len(v) > len("certificate:")) \
                and v not in SHARED_INDICATORS:
            raise ValueError("指标来源应为 declared（申报值）、certificate:<证书种类> 或 shared:<共享数据项>")
        return v


class CriteriaCreate(BaseModel):
    region_code: RegionCode
    year: int = Field(ge=2024, le=2100)
    category: Category
    title: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1)
    indicators: list[Indicator] = Field(min_length=1, max_length=50)
    pass_score: Decimal = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _weights(self):
        total = sum(i.weight for i in self.indicators)
        if total != 100:
            raise ValueError(f"各指标权重之和应为 100，当前为 {total}")
        codes = [i.code for i in self.indicators]
        if len(set(codes)) != len(codes):
            raise ValueError("指标代码不能重复")
        return self


class CriteriaRead(BaseModel):
    id: str
    region_code: str
    year: int
    category: Category
    version: int
    title: str
    text: str
    indicators: list[Indicator]
    pass_score: Decimal
    status: str
    filed_at: dt.datetime | None = None
    acknowledged_at: dt.datetime | None = None
    published_at: dt.datetime | None = None
