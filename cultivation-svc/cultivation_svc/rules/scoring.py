"""Scoring an application against the county's published standard (附件1 二(四)2).

二(四)2：各县（市、区）级市场监管部门……研究制定本地“名特优新”四类个体工商户的分类标准……鼓励各地制定
量化指标体系. An indicator is met when the value reaches its threshold; the score is the sum of the
weights of the indicators met. An indicator may read a certificate the business holds (绿色食品,
老字号, 非遗…) from the shared data instead of a declared value.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal


# 四(四)：能够通过政府部门之间信息共享获得的材料和数据，不得要求个体工商户另行提供 — indicators the agencies answer.
SHARED_INDICATORS = {"shared:tax_paid": "纳税额（税务部门）", "shared:insured_employees": "参保人数（人社部门）",
                     "shared:trademarks": "在用商标数（知识产权部门）", "shared:patents": "专利数（知识产权部门）"}


def asked_again(indicators: list[dict], values: dict) -> list[str]:
    """四(四): the codes of indicators the shared data answers that the applicant nevertheless declared."""
    return [i["code"] for i in indicators if (i.get("source") or "declared") in SHARED_INDICATORS and i["code"] in values]


def certificate_held(certificates: list[dict], kind: str, on: dt.date) -> bool:
    for c in certificates:
        if c.get("kind") != kind:
            continue
        issued = dt.date.fromisoformat(str(c["issued_on"])[:10])
        expires = c.get("expires_on")
        if issued <= on and (expires is None or dt.date.fromisoformat(str(expires)[:10]) >= on):
            return True
    return False


def score(indicators: list[dict], values: dict[str, object], certificates: list[dict], on: dt.date,
          shared: dict[str, object] | None = None) -> tuple[Decimal, list[dict]]:
    """`shared`: the agencies' latest figures (tax_paid, insured_employees, trademarks, patents) — read, never asked."""
    total = Decimal(0)
    detail = []
    shared = shared or {}
    for ind in indicators:
        source = ind.get("source") or "declared"
        if source in SHARED_INDICATORS:
            raw = shared.get(source.split(":", 1)[1])
            value = Decimal(str(raw)) if raw is not None else None
        elif source.startswith("certificate:"):
            value: Decimal | None = Decimal(1) if certificate_held(certificates, source.split(":", 1)[1], on) else Decimal(0)
        else:
            raw = values.get(ind["code"])
            value = Decimal(str(raw)) if raw is not None else None
        met = value is not None and value >= Decimal(str(ind["threshold"]))
        if met:
            total += Decimal(str(ind["weight"]))
        detail.append({"code": ind["code"], "name": ind.get("name"), "value": None if value is None else str(value),
                       "threshold": str(ind["threshold"]), "weight": str(ind["weight"]), "met": met, "source": source})
    return total, detail
