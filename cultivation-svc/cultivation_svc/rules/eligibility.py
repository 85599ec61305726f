"""Who may apply or be recommended, and who may be recognised (附件1 二(四)1, 二(六)).

Each rule is a function that returns a Refusal (which rule, which fact) or None; `check` runs them
all so a clerk sees every reason at once.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from getihu_kit.clock import add_years
from getihu_kit.labels import BUSINESS_STATUS_LABELS, type_label
from cultivation_svc.rules.parameters import KNOWN_EXTRA_BARS, PARAMETERS, SEED_EFFECTIVE, CultivationRules

# The seed's four groups (二(四)1); a county's own are added as dated parameters (CultivationRules.relaxed_group_labels).
RELAXED_GROUPS = dict(PARAMETERS["relaxed_groups"].on(SEED_EFFECTIVE))
# 罚款及以上: every penalty kind heavier than 警告 and 通报批评 (行政处罚法 第九条).
LIGHT_PENALTIES = {"警告", "通报批评"}


@dataclass(frozen=True)
class Refusal:
    rule: str
    clause: str
    message: str
    fact: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "clause": self.clause, "message": self.message, "fact": self.fact}


@dataclass(frozen=True)
class Subject:
    """What the rules need to know about one business on one date."""
    uscc: str
    on: dt.date
    source: str  # self | recommendation
    latest_type: str | None = None
    latest_type_year: int | None = None
    relaxed_group: str | None = None
    # None: claimed, staff have not reviewed it yet; True / False: staff confirmed or rejected the claim.
    relaxed_confirmed: bool | None = None
    relaxed_groups: Any = None  # code → label of the groups in force; None: the seed's four
    # 申报或推荐之日: the date the penalty window is counted back from (at recognition too); None: `on`.
    applied_on: dt.date | None = None
    business_status: str = "registered"
    marks: tuple[dict, ...] = ()
    operator_id_number: str | None = None
    debtor_listings: tuple[dict, ...] = ()
    revocations_for_fraud: tuple[dt.date, ...] = ()


def _date(v) -> dt.date | None:
    if v is None or isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v)[:10])


def still_registered(s: Subject) -> Refusal | None:
    """二(四)1：个体工商户分类基于分型结果 — and 一(四)1：符合分型条件的个体工商户应当为登记在册状态（即不含吊销、
    注销、撤销状态）. No source, recommendation or relaxed group, reaches a business no longer registered."""
    if s.business_status == "registered":
        return None
    label = BUSINESS_STATUS_LABELS.get(s.business_status, s.business_status)
    return Refusal("not_registered", "二(四)1、一(四)1",
                   f"该户已{label}，不再为登记在册状态，不能申报、推荐或认定为“名特优新”个体工商户",
                   {"status": s.business_status})


def meets_typing_base(s: Subject) -> Refusal | None:
    """二(四)1：个体工商户分类基于分型结果 — a business judged 不符合分型条件 (一(四)1 基础标准) is no base for a
    recognition, whatever its source: the relaxation of 二(四)1 widens the *types*, not the base conditions."""
    if s.latest_type != "excluded":
        return None
    return Refusal("typing_base_conditions", "二(四)1、一(四)1",
                   f"最近一次公布的分型结果（{s.latest_type_year} 年）为“不符合分型条件”，不能申报、推荐或认定",
                   {"latest_type": s.latest_type, "year": s.latest_type_year})


def relaxed_group_applies(s: Subject) -> bool:
    """二(四)1：对退役军人、高校毕业生、残疾人、返乡创业农民工等经营的个体工商户，可以适当放宽分类来源 — a claim of a
    group in force (the seed's four or a county's added one), not rejected by the reviewing staff."""
    groups = RELAXED_GROUPS if s.relaxed_groups is None else s.relaxed_groups
    return s.relaxed_group in groups and s.relaxed_confirmed is not False


def type_requirement(s: Subject) -> Refusal | None:
    """二(四)1：个体工商户分类基于分型结果，原则上从“成长型”和“发展型”个体工商户中认定，部门推荐认定的
    “名特优新”个体工商户可以不受此限。对退役军人、高校毕业生、残疾人、返乡创业农民工等经营的个体工商户，
    可以适当放宽分类来源。"""
    if s.latest_type == "excluded":
        return None  # meets_typing_base says why, once
    if s.source == "recommendation" or relaxed_group_applies(s):
        return None
    if s.latest_type in ("growth", "development"):
        return None
    if s.relaxed_group and s.relaxed_confirmed is False:
        label = type_label(s.latest_type, "尚无已公布的分型结果")
        return Refusal("type_requirement", "二(四)1",
                       f"所称放宽来源的群体经审核未予确认，自主申报应为“成长型”或“发展型”个体工商户，最近一次公布的分型为：{label}",
                       {"latest_type": s.latest_type, "year": s.latest_type_year, "relaxed_group": s.relaxed_group})
    label = type_label(s.latest_type, "尚无已公布的分型结果")
    return Refusal("type_requirement", "二(四)1",
                   f"自主申报应为“成长型”或“发展型”个体工商户，最近一次公布的分型为：{label}",
                   {"latest_type": s.latest_type, "year": s.latest_type_year})


def penalty_bar(s: Subject, window_years: int) -> Refusal | None:
    """二(四)1 A：申报或推荐之日前2年内，有在国家企业信用信息公示系统公示的罚款及以上行政处罚信息，
    尚未完成信用修复的。

    The window is counted back from the application (recommendation) date, also when the rules are
    re-checked at recognition: a penalty publicised after that date does not bar that application.
    It includes both ends: a penalty publicised exactly `window_years` before still counts (以内
    includes the number); credit repair on or before the day of the check (`on`) lifts the bar."""
    applied = s.applied_on or s.on
    start = add_years(applied, -window_years)
    for m in s.marks:
        if m.get("kind") != "penalty" or (m.get("penalty_kind") or "") in LIGHT_PENALTIES:
            continue
        publicized = _date(m.get("publicized_on"))
        if publicized is None or not start <= publicized <= applied:
            continue
        repaired = _date(m.get("end_on"))
        if repaired is not None and repaired <= s.on:
            continue
        return Refusal("penalty_bar", "二(四)1 A",
                       f"申报（推荐）之日前{window_years}年内有已公示的{m.get('penalty_kind') or '罚款及以上'}行政处罚"
                       f"（公示日期 {publicized.isoformat()}），尚未完成信用修复",
                       {"mark_id": m.get("id"), "penalty_kind": m.get("penalty_kind"),
                        "publicized_on": publicized.isoformat(), "window_years": window_years})
    return None


def dishonest_debtor_bar(s: Subject) -> Refusal | None:
    """二(四)1 B：个体工商户经营者被人民法院列为失信被执行人的。"""
    for listing in s.debtor_listings:
        listed, removed = _date(listing.get("listed_on")), _date(listing.get("removed_on"))
        if listed is not None and listed <= s.on and (removed is None or removed > s.on):
            return Refusal("dishonest_debtor_bar", "二(四)1 B",
                           f"经营者被人民法院列为失信被执行人（列入日期 {listed.isoformat()}），尚未移出",
                           {"listed_on": listed.isoformat(), "batch_id": listing.get("batch_id")})
    return None


def fraud_bar(s: Subject, bar_years: int) -> Refusal | None:
    """二(六)：以欺诈、贿赂等手段……弄虚作假取得认定的，应当撤销认定。个体工商户自被撤销认定之日起
    5年内不得再次申报。

    不得再次申报 bars the business's own application (自主申报), not a department's recommendation: the
    recommending department sees the revocation in the case instead (applications.service.read)."""
    if s.source != "self":
        return None
    for revoked in s.revocations_for_fraud:
        if revoked <= s.on < add_years(revoked, bar_years):
            return Refusal("fraud_bar", "二(六)",
                           f"该户于 {revoked.isoformat()} 因弄虚作假被撤销认定，{bar_years}年内不得再次申报"
                           f"（{add_years(revoked, bar_years).isoformat()} 起可再申报）",
                           {"revoked_on": revoked.isoformat(), "bar_years": bar_years})
    return None


def extra_bars(s: Subject, rules: CultivationRules) -> list[Refusal]:
    """A locality's own bars (DESIGN: per-region settings), e.g. a major safety accident within N years.

    A bar is shown by a registry mark whose kind is the bar's kind or whose reason names it."""
    out = []
    for bar in rules.extra_bars:
        words = KNOWN_EXTRA_BARS.get(bar.kind, bar.label)
        start = add_years(s.on, -bar.years)
        for m in s.marks:
            hit = m.get("kind") == bar.kind or (words and words in (m.get("reason") or ""))
            started = _date(m.get("start_on"))
            if hit and started is not None and start <= started <= s.on:
                out.append(Refusal(f"local_bar:{bar.kind}", "本地分类标准",
                                   f"本地规定：{bar.years}年内有“{words}”记录（{started.isoformat()}）的不得申报",
                                   {"mark_id": m.get("id"), "start_on": started.isoformat(), "years": bar.years}))
                break
    return out


def check(s: Subject, rules: CultivationRules) -> list[Refusal]:
    """Every refusal that applies to the subject on its date; empty means eligible."""
    found = [still_registered(s), meets_typing_base(s), type_requirement(s),
             penalty_bar(s, rules.penalty_window_years), dishonest_debtor_bar(s), fraud_bar(s, rules.fraud_bar_years)]
    return [r for r in found if r is not None] + extra_bars(s, rules)
