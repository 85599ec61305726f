"""Request and response models of monitoring-svc."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from typing import Annotated, Union

from pydantic import (AfterValidator, BaseModel, ConfigDict, Discriminator, Field, WithJsonSchema, field_validator,
                      model_validator)

from getihu_kit.fields import USCC, Date, Money, RegionCode, SignedMoney
from getihu_kit.pagination import Page

PolicyStatus = Literal["draft", "published", "withdrawn"]
ContactPointStatus = Literal["filed", "acknowledged", "returned"]
ReturnSource = Literal["operator", "contact_point", "county_import"]
Outlook = Literal["better", "stable", "worse"]
FinancingNeed = Literal["none", "met", "unmet"]
ChannelKind = Literal["website", "notice_board", "media", "hotline", "service_hall", "other"]
# cultivation's support-measure codes: the basis and the seed's letter (growth.A, renowned.C)
MEASURE_CODE_PATTERN = r"^(survival|growth|development|renowned|distinctive|quality|emerging)\.[A-Z]$"
PHONE_PATTERN = r"^(1\d{10}|0\d{2,3}-?\d{7,8})$"

OUTLOOK_LABELS = {"better": "向好", "stable": "持平", "worse": "下滑"}
POLICY_STATUS_LABELS = {"draft": "草稿", "published": "已公示", "withdrawn": "已撤回"}
CONTACT_POINT_STATUS_LABELS = {"filed": "已报备案", "acknowledged": "已备案", "returned": "退回修改"}


# Text a person writes: at least one character that is not a space; a line has no control character,
# paragraphs keep their line breaks and tabs. The schema says it as a pattern, the validator as Chinese.
LINE_PATTERN = "^[^\\u0000-\\u001f\\u007f]*[^\\s\\u0000-\\u001f\\u007f][^\\u0000-\\u001f\\u007f]*$"
PARAGRAPHS_PATTERN = ("^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*[^\\s\\u0000-\\u001f\\u007f]"
                      "[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$")
_LINE_BREAKS = {"\t", "\n", "\r"}


def _written(paragraphs: bool):
    def check(v: str) -> str:
        if any((ord(c) < 32 and not (paragraphs and c in _LINE_BREAKS)) or c == "\x7f" for c in v):
            raise ValueError("含有不可见的控制字符，请删除后重试")
        v = v.strip()
        if not v:
            raise ValueError("不能为空")
        return v
    return AfterValidator(check)


def words(max_length: int, *, paragraphs: bool = False):
    """A person's text of at most `max_length` characters (one line, or paragraphs)."""
    return Annotated[str, Field(max_length=max_length), _written(paragraphs), WithJsonSchema({
        "type": "string", "maxLength": max_length, "pattern": PARAGRAPHS_PATTERN if paragraphs else LINE_PATTERN})]


Line100, Line200, Line300 = words(100), words(200), words(300)
Paragraphs2k, Paragraphs4k, Paragraphs10k, Paragraphs20k = (words(2000, paragraphs=True), words(4000, paragraphs=True),
                                                            words(10000, paragraphs=True), words(20000, paragraphs=True))


def _measure_code(v: str) -> str:
    import re
    if not re.fullmatch(MEASURE_CODE_PATTERN, v):
        raise ValueError(f"帮扶措施编号应为“类型或类别.字母”，如 growth.A（收到“{v[:20]}”）")
    return v


MeasureCode = Annotated[str, AfterValidator(_measure_code), WithJsonSchema({"type": "string", "pattern": MEASURE_CODE_PATTERN})]
AnalysisValue = Union[Annotated[str, Field(max_length=500)], int, float, None]
AT_LEAST_ONE = {"minProperties": 1}


class PartialUpdate(BaseModel):
    """A change of some fields: at least one (the schema's minProperties, checked here too)."""
    model_config = ConfigDict(extra="forbid", json_schema_extra=AT_LEAST_ONE)

    @model_validator(mode="after")
    def _something(self):
        if not self.model_fields_set:
            raise ValueError("请至少修改一个字段")
        return self


# --- 惠企政策 ----------------------------------------------------------------------------------------
class Channel(BaseModel):
    """A publicity channel (政府网站、公示栏、新闻媒体…)."""
    model_config = ConfigDict(extra="forbid")
    kind: ChannelKind = Field(description="渠道：website 政府网站、notice_board 公示栏、media 新闻媒体、hotline 服务热线、"
                                          "service_hall 政务服务大厅、other 其他")
    name: Line200 = Field(description="渠道名称")
    url: str | None = Field(default=None, max_length=500, pattern=r"^https?://\S+$", description="网址（网站渠道）")


class PolicyFields(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Line200 = Field(description="政策名称")
    content: Paragraphs20k = Field(description="政策内容")
    conditions: Paragraphs10k = Field(description="申请条件")
    procedure: Paragraphs10k = Field(description="办理流程")
    department: Line100 = Field(description="责任部门")
    in_force_from: Date = Field(description="有效期起（含）")
    in_force_to: Date | None = Field(default=None, description="有效期止（含）；不填为长期有效")
    channels: list[Channel] = Field(default_factory=list, max_length=20, description="公示宣传渠道")
    measure_codes: list[MeasureCode] = Field(default_factory=list, max_length=40,
                                             description="对应培育目录中的帮扶措施编号（如 growth.A、renowned.C）")

    @field_validator("measure_codes")
    @classmethod
    def _codes(cls, v: list[str]) -> list[str]:
        return list(dict.fromkeys(v))


class PolicyCreate(PolicyFields):
    """地区局工作人员新建一项惠企政策（草稿，公示后公众可见）。"""


class PolicyUpdate(PartialUpdate):
    """修改政策的部分字段（至少一项）；已公示的政策修改后即以新版本公示，并记录公示日期。"""
    # Not nullable: a field left out stays as it is; only the period's end may be cleared (open-ended).
    title: Line200 = None
    content: Paragraphs20k = None
    conditions: Paragraphs10k = None
    procedure: Paragraphs10k = None
    department: Line100 = None
    in_force_from: Date = None
    in_force_to: Date | None = None
    channels: list[Channel] = Field(default=None, max_length=20)
    measure_codes: list[MeasureCode] = Field(default=None, max_length=40)

    @field_validator("measure_codes")
    @classmethod
    def _codes(cls, v):
        return PolicyFields._codes(v)


class Publication(BaseModel):
    revision: int
    action: Literal["published", "republished", "withdrawn"]
    at: dt.datetime


class PolicyRead(BaseModel):
    id: str
    title: str
    content: str
    conditions: str
    procedure: str
    department: str
    in_force_from: dt.date
    in_force_to: dt.date | None
    in_force_today: bool = Field(description="今天是否在有效期内")
    channels: list[Channel]
    measure_codes: list[str]
    status: PolicyStatus
    status_label: str
    revision: int
    first_published_at: dt.datetime | None
    last_published_at: dt.datetime | None
    publications: list[Publication]


class PolicySummary(BaseModel):
    id: str
    title: str
    department: str
    in_force_from: dt.date
    in_force_to: dt.date | None
    in_force_today: bool
    measure_codes: list[str]
    status: PolicyStatus
    status_label: str
    first_published_at: dt.datetime | None
    last_published_at: dt.datetime | None


class PolicyPage(Page[PolicySummary]):
    """One page of policies, the newest first."""


# --- 联系点 ----------------------------------------------------------------------------------------
class ContactPointCreate(BaseModel):
    """县级工作人员新设联系点并报地区局备案。"""
    model_config = ConfigDict(extra="forbid")
    region_code: RegionCode
    name: Line200 = Field(description="联系点名称")
    address: Line300 | None = None
    contact_person: Line100 = Field(description="联系人")
    contact_phone: str = Field(pattern=PHONE_PATTERN, description="联系电话：11位手机号或带区号的固定电话")
    usccs: list[USCC] = Field(default_factory=list, max_length=5000, description="联系的个体工商户")


class ContactPointUpdate(PartialUpdate):
    """调整联系点（名称、联系人、联系的个体工商户，至少一项）；调整后重新报备案。"""
    name: Line200 = None
    address: Line300 | None = None
    contact_person: Line100 = None
    contact_phone: str = Field(default=None, pattern=PHONE_PATTERN)
    usccs: list[USCC] = Field(default=None, max_length=5000, description="联系的个体工商户（整体替换）")


class ContactPointAcknowledgement(BaseModel):
    """地区局确认备案。"""
    model_config = ConfigDict(extra="forbid")
    decision: Literal["acknowledged"] = Field(description="acknowledged 确认备案")
    note: Paragraphs2k | None = Field(default=None, description="意见")


class ContactPointReturn(BaseModel):
    """地区局退回修改（须写明意见）。"""
    model_config = ConfigDict(extra="forbid")
    decision: Literal["returned"] = Field(description="returned 退回修改")
    note: Paragraphs2k = Field(description="退回意见")


ContactPointReview = Annotated[Union[ContactPointAcknowledgement, ContactPointReturn], Discriminator("decision")]


class ContactPointRead(BaseModel):
    id: str
    region_code: str
    name: str
    address: str | None
    contact_person: str
    contact_phone: str
    status: ContactPointStatus
    status_label: str
    version: int
    filed_by: str
    filed_at: dt.datetime
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    review_note: str | None
    usccs: list[str]


class ContactPointSummary(BaseModel):
    id: str
    region_code: str
    name: str
    status: ContactPointStatus
    status_label: str
    version: int
    filed_at: dt.datetime
    businesses: int


class ContactPointPage(Page[ContactPointSummary]):
    """One page of contact points."""


# --- 经营数据 --------------------------------------------------------------------------------------
class ReturnFigures(BaseModel):
    """一个季度的经营数据（销售额、利润、成本，经营预期，吸纳就业，贷款融资）。"""
    model_config = ConfigDict(extra="forbid")
    sales: Money = Field(description="销售额（元）")
    costs: Money = Field(description="成本（元）")
    profit: SignedMoney = Field(description="利润（元），亏损为负")
    employees: int = Field(ge=0, le=100000, description="季末从业人数（吸纳就业）")
    new_hires: int = Field(default=0, ge=0, le=100000, description="本季度新增就业人数")
    loans_outstanding: Money = Field(default=Decimal(0), description="季末贷款余额（元）")
    loans_obtained: Money = Field(default=Decimal(0), description="本季度新获贷款（元）")
    financing_need: FinancingNeed = Field(default="none", description="融资需求：none 无、met 已满足、unmet 未满足")
    outlook: Outlook = Field(description="经营预期：better 向好、stable 持平、worse 下滑")
    difficulties: Paragraphs4k | None = Field(default=None, description="困难诉求和意见建议")


class ReturnCreate(ReturnFigures):
    """经营者在线报送，或联系点代报（带 contact_point_id）。"""
    uscc: USCC
    year: int = Field(ge=2000, le=2100, description="年度")
    quarter: int = Field(ge=1, le=4, description="季度（1–4）")
    contact_point_id: str | None = Field(default=None, min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$",
                                         description="联系点代报时填联系点编号")


class ReturnRead(ReturnFigures):
    uscc: str
    year: int
    quarter: int
    region_code: str
    outlook_label: str
    source: ReturnSource
    contact_point_id: str | None
    submitted_by: str
    submitted_at: dt.datetime
    revision: int


class ReturnPage(Page[ReturnRead]):
    """One page of operating returns (confidential: every staff read is audited)."""


class ReturnImportRow(ReturnFigures):
    """A row of a county's import (the CSV/XLSX columns are these fields)."""
    uscc: USCC
    year: int = Field(ge=2000, le=2100)
    quarter: int = Field(ge=1, le=4)


class ReturnReadAudit(BaseModel):
    id: int
    reader: str
    roles: list[str]
    reader_region: str | None
    uscc: str | None
    query: dict
    rows: int
    at: dt.datetime


class ReturnReadAuditPage(Page[ReturnReadAudit]):
    """The audit of staff reads of returns, newest first."""


# --- 分析 ------------------------------------------------------------------------------------------
class AnalysisColumn(BaseModel):
    key: str
    label: str


class AnalysisTable(BaseModel):
    name: str
    title: str
    columns: list[AnalysisColumn]
    rows: list[dict[str, AnalysisValue]]


class AnalysisRead(BaseModel):
    """分析结果：分县、分行业、分类型、分类别的分布，年度间类型变化，名额使用，异议件数与结果，分季度分类型经营指标。"""
    year: int
    region_code: str | None
    quarters: list[int]
    computed_at: dt.datetime
    tables: dict[str, AnalysisTable]


class ReportCreate(BaseModel):
    """生成季度或年度分析报告（XLSX 每表一页，HTML 含图表），作为任务运行。"""
    model_config = ConfigDict(extra="forbid")
    year: int = Field(ge=2000, le=2100, description="年度")
    quarter: int | None = Field(default=None, ge=1, le=4, description="季度（1–4）；不填为年度报告")
    region_code: RegionCode | None = Field(default=None, description="县（市、区）；不填为全地区（仅地区局）")
