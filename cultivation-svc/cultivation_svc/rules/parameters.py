"""Dated parameters of the cultivation cycle (附件1 二) and their per-region overrides.

Each parameter names the clause it comes from and the date it is in force from, so a later
amendment is one more entry, not an edit of code. DESIGN: other localities vary the base rules
(a 1-year penalty window, a bar for a major safety accident) — those windows and bars are
per-region settings; the seed's values are the defaults.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from getihu_kit.parameters import DatedParameter, by_name

SEED_EFFECTIVE = dt.date(2024, 1, 1)
RULESET = "fltx-2024"  # 名特优新 2024 (the seed)

PARAMETERS: dict[str, DatedParameter] = by_name([
    DatedParameter.of("penalty_window_years", 2, SEED_EFFECTIVE,
                      "二(四)1 A：申报或推荐之日前2年内，有在国家企业信用信息公示系统公示的罚款及以上行政处罚信息，尚未完成信用修复的"),
    DatedParameter.of("fraud_bar_years", 5, SEED_EFFECTIVE, "二(六)：个体工商户自被撤销认定之日起5年内不得再次申报"),
    DatedParameter.of("quota_ratio", Fraction(5, 100), SEED_EFFECTIVE,
                      "二(四)3：数量应当控制在当地“成长型”“发展型”个体工商户总数的5%以内"),
    DatedParameter.of("validity_years", 3, SEED_EFFECTIVE, "二(六)：认定有效期为3年，以认定时间为准"),
    DatedParameter.of("extension_years", 3, SEED_EFFECTIVE, "二(六)：符合以下情形之一的，有效期延长3年"),
    DatedParameter.of("window_opens", (8, 1), SEED_EFFECTIVE, "二(五)1：当年8月起……组织各地开展认定工作"),
    DatedParameter.of("window_closes", (11, 30), SEED_EFFECTIVE, "二(五)1：于11月底前完成分类"),
    # The last day a cycle's recognitions may fall on. A county may close its window earlier (window_closes),
    # never later; only the prefecture moves it (its region settings, with the reason: calendar_reason).
    DatedParameter.of("recognitions_by", (11, 30), SEED_EFFECTIVE,
                      "二(五)1：各地……完成申报、推荐、认定、公示等各项程序，并于11月底前完成分类"),
    # 三(四)：总结提高阶段（12月）……做好个体工商户分型分类异议处理 — a case restored by an upheld objection is
    # recognised in December of the cycle year at the latest, and counts against that cycle.
    DatedParameter.of("restored_by", (12, 31), SEED_EFFECTIVE,
                      "三(四)：总结提高阶段（12月）……做好个体工商户分型分类异议处理"),
    # 二(五)2 上级……可以通过抽查方式进行监督: the seed sets no rate; one in ten of a county's recognitions of a cycle
    # (at least one) is the platform's default, a sample any reviewer can redraw from its seed.
    DatedParameter.of("spot_check_rate", Fraction(10, 100), SEED_EFFECTIVE,
                      "二(五)2：上级市场监管部门可以通过抽查方式进行监督（比例文件未规定，平台取10%、至少1户）"),
    # 二(五)2 要求限期补充材料: the seed does not say what a lapsed request leads to; not supplying what was asked by the
    # deadline is taken as not showing the conditions — 不予认定 (the operator may object, 四(四)).
    DatedParameter.of("lapsed_material_outcome", "refuse", SEED_EFFECTIVE,
                      "二(五)2：可以要求限期补充材料或者不予认定（逾期未补充的，平台按不予认定处理）"),
    # 二(六) 变更经营者的，要在变更后及时报告: “及时” has no length in the seed; 30 days from the change is the
    # platform's reading (a month, as for most registration changes), shown on the county's worklist.
    DatedParameter.of("operator_change_report_days", 30, SEED_EFFECTIVE,
                      "二(六)：个体工商户变更经营者的，要在变更后及时报告（期限文件未规定，平台取变更后30日）"),
    DatedParameter.of("relaxed_groups", (("veteran", "退役军人"), ("graduate", "高校毕业生"), ("disabled", "残疾人"),
                                         ("returning_migrant_worker", "返乡创业农民工")), SEED_EFFECTIVE,
                      "二(四)1：对退役军人、高校毕业生、残疾人、返乡创业农民工等经营的个体工商户，可以适当放宽分类来源"),
    DatedParameter.of("benefits_from", (1, 1), SEED_EFFECTIVE, "二(五)1：次年1月1日起……开始享受相关扶持政策"),
    DatedParameter.of("info_report_due", (7, 31), SEED_EFFECTIVE, "二(六)：于每年7月底前完成信息报告"),
    # The seed asks for 信息公示 without a length; seven days is the common local practice. A county that
    # holds the notice elsewhere (its government website) sets 0: the platform then keeps no period of its own.
    DatedParameter.of("public_notice_days", 7, SEED_EFFECTIVE, "二(三)1：经走访核实、征求意见、信息公示等步骤后"),
    # “明显增长” is not quantified by the seed; 20% over the 3 years is the default a county may change.
    DatedParameter.of("clear_growth_ratio", Fraction(20, 100), SEED_EFFECTIVE,
                      "二(六) A：销售额或者营业收入、缴税、吸纳就业等指标3年内有明显增长的"),
])

# Keys a region may override, with how a stored JSON value becomes the parameter's type.
OVERRIDABLE: dict[str, Any] = {
    "penalty_window_years": int,
    "fraud_bar_years": int,
    "public_notice_days": int,
    "window_opens": lambda v: tuple(int(x) for x in v),
    "window_closes": lambda v: tuple(int(x) for x in v),
    # The prefecture's own calendar (地区市场监管局……组织各地开展认定工作): a later last day or an earlier opening,
    # each only with the decision's reason.
    "recognitions_by": lambda v: tuple(int(x) for x in v),
    "calendar_reason": str,
    "clear_growth_ratio": lambda v: Fraction(str(v)),
    "extra_bars": lambda v: tuple(ExtraBar(kind=b["kind"], years=int(b["years"]), label=b.get("label") or b["kind"])
                                  for b in v),
    # 二(四)1 “等”: a county adds a group of its own, dated and with its reason (e.g. 脱贫户 from 2027-01-01).
    "relaxed_groups_added": lambda v: tuple(AddedGroup(code=str(g["code"]), label=str(g["label"]),
                                                       in_force_from=dt.date.fromisoformat(str(g["in_force_from"])),
                                                       reason=str(g["reason"])) for g in v),
}
GROUP_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")

# Bars a locality may add; each names the mark that shows it (registry marks carry a reason).
KNOWN_EXTRA_BARS: dict[str, str] = {
    "major_safety_accident": "重大安全事故",
    "serious_illegal": "严重违法失信名单",
}


@dataclass(frozen=True)
class AddedGroup:
    """A relaxed group a county adds to the seed's four (二(四)1 “等”), in force from a date, with its reason."""
    code: str
    label: str
    in_force_from: dt.date
    reason: str


@dataclass(frozen=True)
class ExtraBar:
    kind: str
    years: int
    label: str


@dataclass(frozen=True)
class CultivationRules:
    """The parameters in force on a date for one region: each `PARAMETERS` entry on that date, with the
    region's overrides laid over them (a derived view; the thresholds themselves are the dated parameters)."""
    version: str
    penalty_window_years: int
    fraud_bar_years: int
    quota_ratio: Fraction
    validity_years: int
    extension_years: int
    window_opens: tuple[int, int]
    window_closes: tuple[int, int]
    benefits_from: tuple[int, int]
    info_report_due: tuple[int, int]
    public_notice_days: int
    clear_growth_ratio: Fraction
    recognitions_by: tuple[int, int]
    restored_by: tuple[int, int]
    spot_check_rate: Fraction
    lapsed_material_outcome: str
    operator_change_report_days: int
    relaxed_groups: tuple[tuple[str, str], ...]
    extra_bars: tuple[ExtraBar, ...] = field(default_factory=tuple)
    relaxed_groups_added: tuple[AddedGroup, ...] = field(default_factory=tuple)
    on: dt.date | None = None
    calendar_reason: str | None = None

    def relaxed_group_labels(self) -> dict[str, str]:
        """The relaxed groups in force on the rules' date: the seed's, then the county's added ones already in force."""
        out = dict(self.relaxed_groups)
        for g in self.relaxed_groups_added:
            if self.on is None or g.in_force_from <= self.on:
                out.setdefault(g.code, g.label)
        return out


def defaults(on: dt.date) -> CultivationRules:
    names = [f for f in CultivationRules.__dataclass_fields__
             if f not in ("version", "extra_bars", "relaxed_groups_added", "on", "calendar_reason")]
    return CultivationRules(version=RULESET, on=on, **{n: PARAMETERS[n].on(on) for n in names})


def rules_for(on: dt.date, overrides: dict[str, Any] | None = None, region_code: str | None = None) -> CultivationRules:
    """The seed's defaults on `on`, with a region's overrides laid over them."""
    rules = defaults(on)
    if not overrides:
        return rules
    changes = {k: OVERRIDABLE[k](v) for k, v in overrides.items() if k in OVERRIDABLE and v is not None}
    version = f"{RULESET}+{region_code}" if region_code and changes else RULESET
    return replace(rules, version=version, **changes)


def calendar_errors(overrides: dict[str, Any], on: dt.date) -> list[dict[str, str]]:
    """二(五)1：当年8月起……于11月底前完成分类 — a county's window opens no earlier than 1 August and closes no later
    than the last recognition day (30 November). Only the prefecture (地区市场监管局……组织各地开展认定工作) sets an
    earlier opening or a later last day (up to 31 December), and then names its decision in calendar_reason."""
    def md(key: str):
        v = overrides.get(key)
        return tuple(int(x) for x in v) if v is not None else tuple(PARAMETERS[key].on(on))
    seed_opens, seed_last = tuple(PARAMETERS["window_opens"].on(on)), tuple(PARAMETERS["recognitions_by"].on(on))
    reason = (overrides.get("calendar_reason") or "").strip()
    opens, closes, last = md("window_opens"), md("window_closes"), md("recognitions_by")
    errors = []
    if opens < seed_opens and not reason:
        errors.append({"field": "window_opens", "message": f"申报窗口早于 {seed_opens[0]} 月 {seed_opens[1]} 日开启"
                       "（二(五)1：当年8月起），须由地区市场监管局写明决定理由（calendar_reason）"})
    if last > seed_last and not reason:
        errors.append({"field": "recognitions_by", "message": f"认定截止日晚于 {seed_last[0]} 月 {seed_last[1]} 日"
                       "（二(五)1：于11月底前完成分类），须由地区市场监管局写明决定理由（calendar_reason）"})
    if closes > last:
        errors.append({"field": "window_closes", "message": f"申报窗口不得晚于认定截止日 {last[0]} 月 {last[1]} 日关闭"
                       "（县级可以提前，不能延后）"})
    if opens > closes:
        errors.append({"field": "window_opens", "message": "申报窗口的开启日不能晚于关闭日"})
    return errors


def validate_overrides(overrides: dict[str, Any], on: dt.date | None = None) -> list[dict[str, str]]:
    """Field errors (Chinese) for a region's override document; empty when it is usable."""
    on = on or dt.date.max  # without a date: the newest values
    errors = []
    for k, v in overrides.items():
        if k not in OVERRIDABLE:
            errors.append({"field": k, "message": f"不可调整的参数；可调整：{'、'.join(OVERRIDABLE)}"})
            continue
        if v is None:
            continue
        try:
            value = OVERRIDABLE[k](v)
        except (TypeError, ValueError, KeyError, ZeroDivisionError, AttributeError):
            errors.append({"field": k, "message": "取值格式不正确"})
            continue
        if k in ("penalty_window_years", "fraud_bar_years") and not 0 < value <= 20:
            errors.append({"field": k, "message": "应为 1 到 20 之间的整数"})
        if k == "public_notice_days" and not 0 <= value <= 30:
            errors.append({"field": k, "message": "公示天数应为 0 到 30 之间的整数"})
        if k in ("window_opens", "window_closes", "recognitions_by"):
            try:
                dt.date(2024, *value)
            except (TypeError, ValueError):
                errors.append({"field": k, "message": "应为 [月, 日]，如 [11, 30]"})
                continue
        if k == "calendar_reason" and len(value) > 500:
            errors.append({"field": k, "message": "决定理由不超过500字"})
        if k == "relaxed_groups_added":
            seen = set(dict(PARAMETERS["relaxed_groups"].on(on)))
            for g in value:
                if not GROUP_CODE.match(g.code) or g.code in seen:
                    errors.append({"field": k, "message": f"群体代码“{g.code}”应为小写英文字母、数字或下划线，且不与已有群体重复"})
                elif not g.label.strip() or not g.reason.strip():
                    errors.append({"field": k, "message": f"群体“{g.code}”应写明名称（label）和增设理由（reason）"})
                seen.add(g.code)
        if k == "clear_growth_ratio" and not 0 < value <= 10:
            errors.append({"field": k, "message": "应为大于 0 的比例，如 0.2 表示 20%"})
        if k == "extra_bars":
            for b in value:
                if b.kind not in KNOWN_EXTRA_BARS:
                    errors.append({"field": k, "message": f"未知的限制情形“{b.kind}”；可用：{'、'.join(KNOWN_EXTRA_BARS)}"})
                elif not 0 < b.years <= 20:
                    errors.append({"field": k, "message": "限制年限应为 1 到 20 之间的整数"})
    if not any(e["field"] in ("window_opens", "window_closes", "recognitions_by") for e in errors):
        errors += calendar_errors({k: v for k, v in overrides.items() if v is not None}, on)
    return errors


def ratio_text(value: Fraction) -> str:
    """5% as "0.05": how a ratio is shown in the API."""
    return str(Decimal(value.numerator) / Decimal(value.denominator))


def on_day(year: int, month_day: tuple[int, int]) -> dt.date:
    return dt.date(year, month_day[0], month_day[1])
