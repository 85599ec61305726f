"""The life of an objection: which step may follow which, and who may take it."""
from __future__ import annotations

from getihu_kit.errors import Conflict

FILED, IN_REVIEW, MATERIAL_REQUESTED = "filed", "in_review", "material_requested"
UPHELD, REJECTED, WITHDRAWN = "upheld", "rejected", "withdrawn"
OPEN = (FILED, IN_REVIEW, MATERIAL_REQUESTED)
CLOSED = (UPHELD, REJECTED, WITHDRAWN)
STATUSES = OPEN + CLOSED
STATUS_LABELS = {FILED: "已受理待审查", IN_REVIEW: "审查中", MATERIAL_REQUESTED: "待补充材料",
                 UPHELD: "异议成立", REJECTED: "异议不成立", WITHDRAWN: "已撤回"}

TYPING_RESULT, CULTIVATION_NOTICE = "typing_result", "cultivation_notice"
# 四(四)“及时受理个体工商户对分型分类结果异议”: the results of the cultivation cycle an operator may object to —
# a refusal (target: the application), a cancellation, a spot-check refusal, a revocation (target: the recognition).
CULTIVATION_REFUSAL, CULTIVATION_CANCELLATION = "cultivation_refusal", "cultivation_cancellation"
CULTIVATION_SPOT_CHECK, CULTIVATION_REVOCATION = "cultivation_spot_check", "cultivation_revocation"
CULTIVATION_RESULTS = (CULTIVATION_REFUSAL, CULTIVATION_CANCELLATION, CULTIVATION_SPOT_CHECK, CULTIVATION_REVOCATION)
TARGET_KINDS = (TYPING_RESULT, CULTIVATION_NOTICE) + CULTIVATION_RESULTS

# action -> (statuses it may start from, status it leads to; None: chosen by the decision)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "take_in_review": ((FILED,), IN_REVIEW),
    "request_material": ((IN_REVIEW,), MATERIAL_REQUESTED),
    "supply_material": ((MATERIAL_REQUESTED,), IN_REVIEW),
    "decide": ((IN_REVIEW, MATERIAL_REQUESTED), None),
    "withdraw": (OPEN, WITHDRAWN),
}
ACTION_LABELS = {"take_in_review": "受理审查", "request_material": "要求补充材料", "supply_material": "补充材料",
                 "decide": "作出处理决定", "withdraw": "撤回异议"}


def next_status(current: str, action: str, decision: str | None = None) -> str:
    """附件1 一(三)3：各级市场监管部门“做好个体工商户分型异议的解释工作”，
    “对符合标准的，及时调整分型结果，并答复申诉人”——受理、审查、补正、决定（成立/不成立）或申请人撤回。"""
    allowed, target = TRANSITIONS[action]
    if current not in allowed:
        where = "、".join(STATUS_LABELS[s] for s in allowed)
        raise Conflict(f"异议当前状态为“{STATUS_LABELS[current]}”，不能{ACTION_LABELS[action]}"
                       f"（仅在“{where}”状态下可以）", code="invalid_state", status_now=current)
    if target is None:
        if decision not in (UPHELD, REJECTED):
            raise ValueError("a decision is upheld or rejected")
        return decision
    return target


def is_open(status: str) -> bool:
    return status in OPEN


def open_key(target_kind: str, target: str, appellant: str) -> str:
    """四(四)“建立申诉机制，及时受理…异议…妥善处理个体工商户诉求”：同一对象、同一人只能有一件
    未办结的异议，重复提出的请等待处理结果或先撤回。"""
    return f"{target_kind}:{target}:{appellant}"


def cultivation_result_kind(recognition_status: str, reason: str | None) -> str | None:
    """Which objectionable result a recognition's change is: cultivation-svc ends a spot-check refusal with the
    reason "spot_check_refused: …", a fraud revocation with status revoked; other cancellations are the yearly
    confirmation's (二(六) 取消认定). None: nothing to object to (granted, extended, expired)."""
    if recognition_status == "revoked":
        return CULTIVATION_REVOCATION
    if recognition_status == "cancelled":
        return CULTIVATION_SPOT_CHECK if (reason or "").startswith("spot_check_refused") else CULTIVATION_CANCELLATION
    return None
