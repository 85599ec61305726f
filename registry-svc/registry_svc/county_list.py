"""The staff list of a county's businesses (the county 名录) and its exports (CONTRACT: Exports).

The JSON list pages it; `format=csv|xlsx` streams the whole list; `POST /businesses/exports` writes
it as a job when it is too long for one request. The export carries the operator's ID number and
phone (a clerk calls and visits): in full for the clerks who handle the businesses (county and
prefecture staff, whose region the list is already scoped to), masked for anyone else (an admin
administers the platform, not the businesses); a file with them in full is a confidential read and is
recorded in `confidential_reads` when requested and when downloaded.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from getihu_kit import clock, read_audit
from getihu_kit.auth import Principal, scoped_region
from getihu_kit.domain import regions
from getihu_kit.domain.masking import mask_id_number, mask_phone
from getihu_kit.errors import Forbidden, InvalidInput
from getihu_kit.export_jobs import ExportJobs, ExportList
from getihu_kit.labels import BUSINESS_STATUS_LABELS, category_label, type_label
from getihu_kit.pagination import PageRequest, keyset_page
from registry_svc import repository, rules
from registry_svc.imports import STORE
from registry_svc.models import confidential_reads, export_files
from registry_svc.schemas import CategoryLabel, CountyListEntry, CountyListPage, TypeLabel

CONFIDENTIAL_READERS = ("county_staff", "prefecture_staff")
HEADER = ("统一社会信用代码", "名称", "经营者", "经营者身份证号码", "经营者联系电话", "区划代码", "区划名称", "行业代码",
          "成立日期", "季节性经营", "经营场所", "登记状态", "分型年度", "分型", "名特优新类别", "名特优新有效期至")


def _filters(principal: Principal, region_code: str | None, status: str | None) -> dict:
    if status is not None and status not in rules.STATUSES:
        raise InvalidInput("status 取值应为 " + "、".join(rules.STATUSES) + " 之一", field="status")
    return {"region_code": scoped_region(principal, region_code), "status": status,
            "on": clock.today().isoformat(), "confidential": principal.has(*CONFIDENTIAL_READERS)}


def _query(f: dict):
    return repository.county_list(region_code=f["region_code"], status=f["status"],
                                  on=dt.date.fromisoformat(f["on"])).order_by(repository.B.c.uscc)


def _shape(f: dict):
    full = f["confidential"]

    def row(r) -> tuple:
        return (r.uscc, r.name, r.operator_name, r.id_number if full else mask_id_number(r.id_number),
                r.phone if full else mask_phone(r.phone), r.region_code, regions.name(r.region_code),
                r.industry_code, r.established_on, "是" if r.seasonal else "否", r.address,
                BUSINESS_STATUS_LABELS.get(r.status, r.status), r.year, type_label(r.type) if r.type else None,
                category_label(r.category) if r.category else None, r.valid_until)
    return row


COUNTY_LIST = ExportList(title="个体工商户名录", header=HEADER, query=_query, shape=_shape)
JOBS = ExportJobs(STORE, export_files, {"county_list": COUNTY_LIST})


def _audit(session: Session, principal: Principal, f: dict, *, rows: int, **extra) -> None:
    if f["confidential"]:
        read_audit.record(session, confidential_reads, principal, what="county_list", rows=rows,
                          query={"region_code": f["region_code"], "status": f["status"], **extra})


def list_page(session: Session, *, principal: Principal, region_code: str | None, status: str | None,
              page: PageRequest) -> CountyListPage:
    f = _filters(principal, region_code, status)
    rows, nxt = keyset_page(session, repository.county_list(region_code=f["region_code"], status=status,
                                                            on=clock.today()),
                            keys=[repository.B.c.uscc], page=page)
    return CountyListPage(items=[CountyListEntry(
        uscc=r.uscc, name=r.name, operator_name=r.operator_name, region_code=r.region_code,
        region_name=regions.name(r.region_code), industry_code=r.industry_code, established_on=r.established_on,
        status=r.status, status_label=BUSINESS_STATUS_LABELS.get(r.status, r.status),
        type=TypeLabel(year=r.year, type=r.type, label=type_label(r.type)) if r.type else None,
        category=CategoryLabel(category=r.category, label=category_label(r.category),
                               valid_until=r.valid_until) if r.category else None) for r in rows], next_cursor=nxt)


def export(session: Session, *, engine, principal: Principal, fmt: str, region_code: str | None,
           status: str | None):
    f = _filters(principal, region_code, status)
    _audit(session, principal, f, rows=COUNTY_LIST.count(session, f), format=fmt)
    return COUNTY_LIST.stream(engine, fmt, f)


def request_export(session: Session, *, principal: Principal, fmt: str, region_code: str | None,
                   status: str | None):
    f = _filters(principal, region_code, status)
    job = JOBS.request(session, list_name="county_list", fmt=fmt, filters=f, region_code=f["region_code"],
                       principal=principal, confidential=f["confidential"])
    _audit(session, principal, f, rows=COUNTY_LIST.count(session, f), format=fmt, job_id=job.id)
    return job


def export_job(session: Session, *, job_id: str, principal: Principal):
    return STORE.get(session, JOBS.job(session, job_id, principal)["id"])


def export_file(session: Session, *, engine, job_id: str, principal: Principal):
    """A finished file; one holding ID numbers and phones in full only for those who may read them."""
    job = JOBS.job(session, job_id, principal)
    if job["params"]["confidential"] and not principal.has(*CONFIDENTIAL_READERS):
        raise Forbidden("该导出文件含经营者身份证号码、联系电话，当前身份不能下载")
    body = JOBS.download(session, engine, job)
    f = job["params"]["filters"]
    _audit(session, principal, f, rows=job["accepted"], format=job["params"]["format"], job_id=job_id,
           download=True)
    return body
