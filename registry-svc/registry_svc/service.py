"""Use cases of registry-svc: keyword-only, session first, never commit."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from getihu_kit.auth import Principal, require_region
from getihu_kit.domain import regions
from getihu_kit.errors import Conflict, NotFound
from getihu_kit.outbox import Outbox
from getihu_kit.schemas.registry import BusinessState, OperatorPeriod, OperatorState
from registry_svc import repository
from registry_svc.models import Business, Operator, outbox as outbox_table
from registry_svc.schemas import BusinessCreate, BusinessRead, OperatorRead

outbox = Outbox(outbox_table, source="/getihu/registry")


def snapshot(session: Session, business: Business) -> BusinessState:
    ops = repository.operator_history(session, business.uscc)
    current = next((o for o in reversed(ops) if o.to_on is None), ops[-1])
    return BusinessState(
        uscc=business.uscc, name=business.name, region_code=business.region_code,
        industry_code=business.industry_code, established_on=business.established_on,
        seasonal=business.seasonal, address=business.address, status=business.status,
        status_effective_on=business.status_effective_on,
        operator=OperatorState(name=current.name, id_number=current.id_number, phone=current.phone,
                               since=current.from_on),
        operator_history=[OperatorPeriod(name=o.name, id_number=o.id_number, from_on=o.from_on, to_on=o.to_on)
                          for o in ops],
        version=business.version, changed_at=dt.datetime.now(dt.timezone.utc),
    )


def publish_state(session: Session, business: Business, traceparent: str | None = None) -> None:
    session.flush()
    outbox.emit(session, snapshot(session, business), key=business.uscc, traceparent=traceparent)


def register_business(session: Session, *, data: BusinessCreate, principal: Principal,
                      traceparent: str | None = None) -> BusinessRead:
    require_region(principal, data.region_code)
    if repository.get_business(session, data.uscc) is not None:
        raise Conflict(f"统一社会信用代码“{data.uscc}”已登记，不能重复登记", code="business_exists", field="uscc")
    business = Business(uscc=data.uscc, name=data.name, region_code=data.region_code,
                        industry_code=data.industry_code, established_on=data.established_on,
                        seasonal=data.seasonal, address=data.address, business_scope=data.business_scope,
                        status="registered", status_effective_on=data.established_on, version=1)
    session.add(business)
    session.add(Operator(uscc=data.uscc, name=data.operator.name, id_number=data.operator.id_number,
                         phone=data.operator.phone, from_on=data.established_on))
    publish_state(session, business, traceparent)
    return read_business(session, business)


def read_business(session: Session, business: Business) -> BusinessRead:
    op = repository.current_operator(session, business.uscc)
    return BusinessRead(
        uscc=business.uscc, name=business.name, region_code=business.region_code,
        region_name=regions.name(business.region_code), industry_code=business.industry_code,
        established_on=business.established_on, seasonal=business.seasonal, address=business.address,
        business_scope=business.business_scope, status=business.status,
        status_effective_on=business.status_effective_on,
        operator=OperatorRead(name=op.name, id_number=op.id_number, phone=op.phone), version=business.version)


def get_business(session: Session, *, uscc: str, principal: Principal) -> BusinessRead:
    business = repository.get_business(session, uscc.strip().upper())
    if business is None:
        raise NotFound(f"未找到统一社会信用代码为“{uscc}”的个体工商户", code="business_not_found")
    view = read_business(session, business)
    if principal.owns(business.uscc) or principal.can_act_in_region(business.region_code):
        return view
    return view.public()
