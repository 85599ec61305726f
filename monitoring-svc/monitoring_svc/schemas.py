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


# --- 问卷 --------------------------------------------------------------------------------------------
QuestionKind = Literal["single", "multiple", "scale", "text"]
Dimension = Literal["knowledge", "understanding", "satisfaction"]
QuestionnaireStatus = Literal["draft", "published"]
QUESTION_KIND_LABELS = {"single": "单选", "multiple": "多选", "scale": "量表（1–5分）", "text": "文字"}
DIMENSION_LABELS = {"knowledge": "知晓度", "understanding": "理解度", "satisfaction": "满意度"}
QUESTIONNAIRE_STATUS_LABELS = {"draft": "草稿", "published": "已发布"}
SCALE_POSITIVE = 4  # on a 1–5 scale, 4 and 5 count as knowing / understanding / satisfied
ID_PATTERN = r"^[A-Za-z0-9_-]+$"


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: Line200 = Field(description="选项文字")
    positive: bool = Field(default=False, description="选中即计为“知晓 / 理解 / 满意”（题目关联评估维度时）")


class Question(BaseModel):
    """一道题：单选、多选、1–5分量表或文字；可关联一项惠企政策和一个评估维度（知晓度、理解度、满意度）。"""
    model_config = ConfigDict(extra="forbid")
    kind: QuestionKind = Field(description="single 单选、multiple 多选、scale 1–5分量表、text 文字")
    text: Line300 = Field(description="题目")
    options: list[Option] = Field(default_factory=list, max_length=20, description="选项（单选、多选题必填，2–20项）")
    required: bool = Field(default=True, description="是否必答")
    policy_id: str | None = Field(default=None, min_length=1, max_length=40, pattern=ID_PATTERN,
                                  description="关联的惠企政策编号")
    dimension: Dimension | None = Field(default=None, description="评估维度：knowledge 知晓度、understanding 理解度、"
                                                                  "satisfaction 满意度（仅单选、量表题）")


class QuestionnaireFields(BaseModel):
    """问卷内容；已发布的版本不可修改，修改即生成新版本。"""
    model_config = ConfigDict(extra="forbid")
    title: Line200 = Field(description="问卷名称")
    description: Paragraphs4k | None = Field(default=None, description="说明")
    closes_on: Date | None = Field(default=None, description="截止日期（含）；不填为长期")
    questions: list[Question] = Field(min_length=1, max_length=100, description="题目（按顺序编号，从1起）")


class QuestionnaireCreate(QuestionnaireFields):
    """新建问卷（草稿，第1版）；县级问卷属本县，地区局问卷不填 region_code。"""
    region_code: RegionCode | None = Field(default=None, description="县级问卷所属县；地区局问卷不填")


class QuestionRead(Question):
    no: int
    kind_label: str
    dimension_label: str | None


class QuestionnaireRead(BaseModel):
    id: str
    version: int
    region_code: str | None
    title: str
    description: str | None
    closes_on: dt.date | None
    status: QuestionnaireStatus
    status_label: str
    created_by: str
    created_at: dt.datetime
    published_at: dt.datetime | None
    questions: list[QuestionRead]


class QuestionnaireSummary(BaseModel):
    id: str
    version: int
    region_code: str | None
    title: str
    status: QuestionnaireStatus
    status_label: str
    closes_on: dt.date | None
    published_at: dt.datetime | None


class QuestionnairePage(Page[QuestionnaireSummary]):
    """One page of questionnaire versions."""


class SendTarget(BaseModel):
    """发放对象：按县、分型类型、“名特优新”类别、联系点选定（各项之间为“且”，一项内为“或”；都不填为辖区全部）。"""
    model_config = ConfigDict(extra="forbid")
    region_codes: list[RegionCode] = Field(default_factory=list, max_length=50, description="县（市、区）")
    types: list[Literal["survival", "growth", "development"]] = Field(default_factory=list, max_length=3,
                                                                      description="分型类型")
    year: int | None = Field(default=None, ge=2000, le=2100, description="分型年度（按类型选定时必填）")
    categories: list[Literal["renowned", "distinctive", "quality", "emerging"]] = Field(
        default_factory=list, max_length=4, description="“名特优新”类别（有效认定）")
    contact_point_ids: list[Annotated[str, Field(min_length=1, max_length=40, pattern=ID_PATTERN)]] = Field(
        default_factory=list, max_length=100, description="联系点：其联系的个体工商户")


class SendRead(BaseModel):
    send_id: str
    questionnaire_id: str
    version: int
    matched: int = Field(description="符合条件的个体工商户数")
    sent: int = Field(description="本次新发送户数（已收到本版本问卷的不重复发送）")


class AnswerValue(BaseModel):
    """一题的回答：单选填 choice，多选填 choices，量表填 scale，文字填 text（选项从1起编号）。"""
    model_config = ConfigDict(extra="forbid")
    no: int = Field(ge=1, le=100, description="题号")
    choice: int | None = Field(default=None, ge=1, le=20, description="单选：选项序号")
    choices: list[Annotated[int, Field(ge=1, le=20)]] | None = Field(default=None, max_length=20,
                                                                       description="多选：选项序号")
    scale: int | None = Field(default=None, ge=1, le=5, description="量表：1–5分")
    text: Paragraphs2k | None = Field(default=None, description="文字回答")


class AnswerCreate(BaseModel):
    """经营者填写问卷（每户每版本一次）。"""
    model_config = ConfigDict(extra="forbid")
    uscc: USCC
    answers: list[AnswerValue] = Field(max_length=100, description="各题回答")


class AnswerRead(BaseModel):
    questionnaire_id: str
    version: int
    uscc: str
    answered_at: dt.datetime
    answers: list[AnswerValue]


class AssignedQuestionnaire(BaseModel):
    questionnaire_id: str
    version: int
    title: str
    closes_on: dt.date | None
    sent_at: dt.datetime
    answered: bool


class AssignedPage(Page[AssignedQuestionnaire]):
    """The questionnaires sent to a business, the newest first."""


class OptionCount(BaseModel):
    value: int
    label: str
    count: int


class QuestionResult(BaseModel):
    no: int
    kind: QuestionKind
    text: str
    answered: int = Field(description="作答户数")
    distribution: list[OptionCount] = Field(description="各选项（量表为各分值）的户数；文字题为空")
    average: float | None = Field(description="量表平均分")


class DimensionRate(BaseModel):
    answered: int
    positive: int
    rate: float | None = Field(description="positive / answered")


class PolicyRates(BaseModel):
    policy_id: str
    title: str | None
    knowledge: DimensionRate
    understanding: DimensionRate
    satisfaction: DimensionRate


class QuestionnaireResults(BaseModel):
    """问卷结果：发放与作答户数，各题分布，各政策的知晓率、理解率、满意率。"""
    questionnaire_id: str
    version: int
    region_code: str | None
    recipients: int
    answered: int
    response_rate: float | None
    questions: list[QuestionResult]
    policies: list[PolicyRates]
