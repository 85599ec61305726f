"""API models of registry-svc: XCreate / XRead, validated with the seed's codes and check digits."""
from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_validator

from getihu_kit.domain import id_number, industry, regions, uscc
from getihu_kit.domain.masking import mask_id_number, mask_phone


def _check_uscc(v: str) -> str:
    try:
        return uscc.validate(v)
    except uscc.InvalidUSCC as e:
        raise ValueError(str(e)) from None


class OperatorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    id_number: str
    phone: str | None = Field(default=None, max_length=20)

    @field_validator("id_number")
    @classmethod
    def _id(cls, v: str) -> str:
        try:
            return id_number.validate(v)
        except id_number.InvalidIdNumber as e:
            raise ValueError(str(e)) from None

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        digits = v.replace("-", "").replace(" ", "")
        if not digits.isdigit() or not 7 <= len(digits) <= 12:
            raise ValueError("联系电话应为7至12位数字（手机号或带区号的固定电话）")
        return digits


class BusinessCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    uscc: str
    name: str | None = Field(default=None, max_length=200)
    operator: OperatorIn
    region_code: str
    industry_code: str | None = None
    established_on: dt.date
    seasonal: bool = False
    address: str | None = Field(default=None, max_length=500)
    business_scope: str | None = Field(default=None, max_length=4000)

    _uscc = field_validator("uscc")(classmethod(lambda cls, v: _check_uscc(v)))

    @field_validator("region_code")
    @classmethod
    def _region(cls, v: str) -> str:
        try:
            return regions.canonical(v)
        except regions.UnknownRegion as e:
            raise ValueError(str(e)) from None

    @field_validator("industry_code")
    @classmethod
    def _industry(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        try:
            return industry.normalise(v)
        except industry.InvalidIndustry as e:
            raise ValueError(str(e)) from None

    @field_validator("established_on")
    @classmethod
    def _not_future(cls, v: dt.date) -> dt.date:
        if v > dt.date.today():
            raise ValueError("成立日期不能晚于今天")
        return v


class OperatorRead(BaseModel):
    name: str
    id_number: str
    phone: str | None = None


class BusinessRead(BaseModel):
    uscc: str
    name: str | None
    region_code: str
    region_name: str
    industry_code: str | None
    established_on: dt.date
    seasonal: bool
    address: str | None
    business_scope: str | None
    status: str
    status_effective_on: dt.date | None
    operator: OperatorRead
    version: int

    def public(self) -> "BusinessRead":
        """The public view: the operator's ID number and phone masked (seed 四(四))."""
        op = self.operator.model_copy(update={"id_number": mask_id_number(self.operator.id_number),
                                              "phone": mask_phone(self.operator.phone)})
        return self.model_copy(update={"operator": op})
