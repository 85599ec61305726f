"""Registration rules of registry-svc: plain functions, each quoting the clause it implements.

Thresholds are dated parameters (in force from a date, with their legal source), so a later change
of the law is a new entry, not an edit spread through the code. Each check returns None when the
input is acceptable or a Chinese message a clerk can act on.
"""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from getihu_kit import clock
from getihu_kit.parameters import DatedParameter

# 《市场主体登记管理条例》(国务院令第746号) 第三十条: “歇业的期限最长不得超过3年”, in force from 2022-03-01.
SUSPENSION_MAX_YEARS: DatedParameter[int] = DatedParameter.of(
    "suspension_max_years", 3, dt.date(2022, 3, 1), "《市场主体登记管理条例》第三十条：市场主体歇业的期限最长不得超过3年",
    description="歇业的最长期限（年），自歇业开始之日起算")

STATUSES = {"registered": "存续（在册）", "revoked": "吊销", "cancelled": "注销", "withdrawn": "撤销"}
MARK_KINDS = {"abnormal": "经营异常", "serious_illegal": "严重违法失信", "suspension": "歇业备案",
              "penalty": "行政处罚", "award": "表彰奖励"}
AWARD_LEVELS = {"county": "县级", "city": "市（地）级", "province": "省级", "national": "国家级"}
# 《行政处罚法》第九条 kinds, with the short forms county systems commonly export.
PENALTY_KINDS = ("警告", "通报批评", "罚款", "没收违法所得", "没收非法财物", "没收", "暂扣许可证件", "暂扣许可",
                 "降低资质等级", "吊销许可证件", "吊销", "限制开展生产经营活动", "责令停产停业", "责令关闭",
                 "限制从业", "行政拘留", "其他")
PENALTY_WITH_AMOUNT = ("罚款", "没收违法所得")
MARK_NAMESPACE = uuid.UUID("0c7d8f52-3a7e-4f5e-9c51-2f0b1d2a9e11")


def suspension_legal_end(start_on: dt.date) -> dt.date:
    """The last day a 歇业 begun on `start_on` may last.

    《市场主体登记管理条例》第三十条：“市场主体歇业的期限最长不得超过3年。”
    A 歇业 from 2024-03-01 may last until 2027-02-28 inclusive (three years counted from the start day).
    """
    return clock.add_years(start_on, SUSPENSION_MAX_YEARS.on(start_on)) - dt.timedelta(days=1)


def suspension_too_long(start_on: dt.date, end_on: dt.date | None) -> str | None:
    """附件1 一(四)1 D 读“已办理歇业备案，尚在法定最长歇业期内的”; the register refuses a longer 歇业.

    《市场主体登记管理条例》第三十条：歇业的期限最长不得超过3年。
    """
    if end_on is None:
        return None
    legal_end = suspension_legal_end(start_on)
    if end_on > legal_end:
        return f"歇业期限最长不得超过{SUSPENSION_MAX_YEARS.on(start_on)}年：自{start_on.isoformat()}起最晚应于{legal_end.isoformat()}恢复营业"
    return None


def end_before_start(start_on: dt.date, end_on: dt.date | None) -> str | None:
    """A restoration, credit repair or resumption (end_on) cannot precede the mark it ends (start_on)."""
    if end_on is not None and end_on < start_on:
        return f"结束日期（恢复、信用修复或恢复营业日期）{end_on.isoformat()}不能早于开始日期{start_on.isoformat()}"
    return None


def not_in_future(day: dt.date | None, what: str, today: dt.date | None = None) -> str | None:
    """A date a clerk records cannot be after the bureau's today (clock.today(), Beijing time: at
    01:00 in 漠河 a mark dated that day is today's, whatever the host's own date)."""
    today = today or clock.today()
    if day is not None and day > today:
        return f"{what}不能晚于今天（{today.isoformat()}）"
    return None


def not_before_establishment(day: dt.date, established_on: dt.date, what: str) -> str | None:
    if day < established_on:
        return f"{what}{day.isoformat()}不能早于该个体工商户的成立日期{established_on.isoformat()}"
    return None


def annual_report_timing(year: int, submitted_on: dt.date, today: dt.date | None = None) -> str | None:
    """年度报告 for year Y is filed from 1 January of Y+1.

    《个体工商户年度报告办法》：个体工商户应当于每年1月1日至6月30日报送上一年度年度报告。
    Filing after 30 June is late but accepted (补报); the seed reads only whether it was submitted
    (附件1 一(四)1：上一年度已报送年度报告).
    """
    today = today or clock.today()
    if year >= today.year:
        return f"只能报送已结束年度的年度报告：{year}年度尚未结束"
    if submitted_on < dt.date(year + 1, 1, 1):
        return f"{year}年度报告应在{year + 1}年1月1日以后报送，报送日期{submitted_on.isoformat()}不正确"
    return None


def annual_report_after_establishment(year: int, established_on: dt.date) -> str | None:
    if year < established_on.year:
        return f"该个体工商户成立于{established_on.isoformat()}，不应有{year}年度的年度报告"
    return None


def status_change_allowed(current: str, current_since: dt.date | None, new: str, effective_on: dt.date) -> str | None:
    """A status change must change the status in force (附件1 一(四)1: 登记在册 is 不含吊销、注销、撤销状态)."""
    if new == current and (current_since is None or effective_on >= current_since):
        return f"该个体工商户自{current_since}起已是“{STATUSES[current]}”状态，无需重复办理"
    return None


def mark_id(uscc: str, kind: str, start_on: dt.date, penalty_kind: str | None, level: str | None) -> str:
    """One mark per business, kind, start date (and penalty kind / award level): re-filing it updates it."""
    key = f"{uscc}|{kind}|{start_on.isoformat()}|{penalty_kind or ''}|{level or ''}"
    return str(uuid.uuid5(MARK_NAMESPACE, key))


def mark_problems(*, kind: str, start_on: dt.date, end_on: dt.date | None, penalty_kind: str | None,
                  amount: Decimal | None, publicized_on: dt.date | None, level: str | None,
                  today: dt.date | None = None) -> list[tuple[str, str]]:
    """Every rule of a mark's own fields, as (field, message) pairs."""
    out: list[tuple[str, str]] = []
    if (m := not_in_future(start_on, "开始日期", today)):
        out.append(("start_on", m))
    if (m := end_before_start(start_on, end_on)):
        out.append(("end_on", m))
    if (m := not_in_future(end_on, "结束日期", today)):
        out.append(("end_on", m))
    if kind == "suspension" and (m := suspension_too_long(start_on, end_on)):
        out.append(("end_on", m))
    if kind == "penalty":
        if not penalty_kind:
            out.append(("penalty_kind", "行政处罚应填写处罚种类（如 警告、通报批评、罚款、没收、暂扣许可、吊销）"))
        elif penalty_kind not in PENALTY_KINDS:
            out.append(("penalty_kind", f"处罚种类“{penalty_kind}”无法识别，应为以下之一：{'、'.join(PENALTY_KINDS)}"))
        elif penalty_kind in PENALTY_WITH_AMOUNT and amount is None:
            out.append(("amount", f"处罚种类为“{penalty_kind}”时应填写金额（元）"))
        if publicized_on is None:
            out.append(("publicized_on", "行政处罚应填写公示日期"))
        elif publicized_on < start_on:
            out.append(("publicized_on", f"公示日期{publicized_on.isoformat()}不能早于处罚决定日期{start_on.isoformat()}"))
    else:
        for field, value in (("penalty_kind", penalty_kind), ("amount", amount), ("publicized_on", publicized_on)):
            if value is not None:
                out.append((field, f"只有行政处罚才填写该项（当前标记类型为“{MARK_KINDS[kind]}”）"))
    if kind == "award":
        if level not in AWARD_LEVELS:
            out.append(("level", "表彰奖励应填写级别：county（县级）、city（市级）、province（省级）或 national（国家级）"))
        if end_on is not None:
            out.append(("end_on", "表彰奖励没有结束日期"))
    elif level is not None:
        out.append(("level", "只有表彰奖励才填写级别"))
    return out
