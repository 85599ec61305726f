"""The examples of registry-svc's OpenAPI document (kit.web.apply_examples): one per request body and
answer, keyed by the schema's name there. schemathesis sends the request ones, so each must be
accepted as it is; tests/test_openapi_examples.py validates them all against their schemas."""
from __future__ import annotations

from getihu_kit.examples import ID_LI, ID_ZHANG, JOB_READ, USCC_MOHE

_OPERATOR = {"name": "张德福", "id_number": ID_ZHANG, "phone": "13904571234", "email": "zhangdefu@example.cn"}
_REPORT = {"year": 2025, "submitted_on": "2026-03-18", "employees": 3, "revenue": "486000.00", "tax_paid": "5832.50"}
_MARK = {"id": "mk_3c9e51d0a7b24f6e8d1a2b3c4d5e6f70", "kind": "penalty", "start_on": "2025-08-12", "end_on": None,
         "penalty_kind": "罚款", "amount": "2000.00", "publicized_on": "2025-08-20", "level": None,
         "reason": "销售标签不全的预包装食品（松子、榛子）", "legal_max_end_on": None}
_BUSINESS = {
    "uscc": USCC_MOHE, "name": "漠河市北极村张记山货店", "region_code": "232701", "region_name": "漠河市",
    "industry_code": "F5227", "established_on": "2019-05-16", "seasonal": True,
    "address": "黑龙江省大兴安岭地区漠河市北极镇北极村商业街12号",
    "business_scope": "预包装食品、山野菜、蓝莓制品、林下产品零售",
    "status": "registered", "status_effective_on": "2019-05-16", "operator": _OPERATOR, "version": 3,
    "status_history": [{"status": "registered", "effective_on": "2019-05-16"}],
    "operator_history": [{**_OPERATOR, "from_on": "2019-05-16", "to_on": None}],
    "annual_reports": [_REPORT], "marks": [_MARK],
}
_DIRECTORY_ENTRY = {
    "uscc": USCC_MOHE, "name": "漠河市北极村张记山货店", "region_code": "232701", "region_name": "漠河市",
    "status": "registered", "operator_name": "张德福",
    "type": {"year": 2025, "type": "growth", "label": "成长型"},
    "category": {"category": "distinctive", "label": "特色", "valid_until": "2028-12-31"},
}

_COUNTY_ENTRY = {
    "uscc": USCC_MOHE, "name": "漠河市北极村张记山货店", "operator_name": "张德福", "region_code": "232701",
    "region_name": "漠河市", "industry_code": "F5227", "established_on": "2019-05-16", "status": "registered",
    "status_label": "登记在册", "type": {"year": 2025, "type": "growth", "label": "成长型"},
    "category": {"category": "distinctive", "label": "特色", "valid_until": "2028-12-31"},
}

EXAMPLES: dict[str, dict] = {
    "OperatorIn": _OPERATOR,
    "BusinessCreate": {
        "uscc": USCC_MOHE, "name": "漠河市北极村张记山货店", "operator": _OPERATOR, "region_code": "232701",
        "industry_code": "F5227", "established_on": "2019-05-16", "seasonal": True,
        "address": "黑龙江省大兴安岭地区漠河市北极镇北极村商业街12号",
        "business_scope": "预包装食品、山野菜、蓝莓制品、林下产品零售",
    },
    "BusinessRead": _BUSINESS,
    "OperatorChange": {"name": "李秀英", "id_number": ID_LI, "phone": "13846571188", "email": None,
                       "effective_on": "2026-04-01"},
    "StatusChangeIn": {"status": "cancelled", "effective_on": "2026-05-20"},
    "AnnualReportIn": _REPORT,
    "AnnualReportRead": _REPORT,
    "MarkIn": {"kind": "penalty", "start_on": "2025-08-12", "penalty_kind": "罚款", "amount": "2000.00",
               "publicized_on": "2025-08-20", "reason": "销售标签不全的预包装食品（松子、榛子）"},
    "MarkRead": _MARK,
    "WindowOpen": {"opened_on": "2026-01-01"},
    "WindowClose": {"closed_on": "2026-06-30", "reference_date": "2026-06-30"},
    "WindowRead": {"report_year": 2025, "status": "open", "opened_on": "2026-01-01", "closed_on": None,
                   "typing_year": 2026, "reference_date": None},
    "DirectoryEntry": _DIRECTORY_ENTRY,
    "DirectoryPage": {"items": [_DIRECTORY_ENTRY], "next_cursor": "eyJrIjpbIjkyMjMyNzAxTDAwMDAwMTAxSCJdfQ"},
    "ImportAccepted": {"id": "rg_5f0c8a4e2b7d4c1e9a3f6b2d8c7e1a40", "status": "queued", "kind": "businesses"},
    "JobRead": JOB_READ,
    "CountyListEntry": _COUNTY_ENTRY,
    "CountyListPage": {"items": [_COUNTY_ENTRY], "next_cursor": "eyJrIjpbIjkyMjMyNzAxTDAwMDAwMTAxSCJdfQ"},
    "CountyListExportCreate": {"region_code": "232701", "status": "registered", "format": "xlsx"},
    # The upload's body is a file, its schema inline: examples per content type (CSV, JSON Lines); an
    # XLSX workbook holds the CSV's columns on its first sheet.
    "importBusinesses": {"requestBody": {
        "description": "导入文件：CSV（UTF-8，首行为列名）、XLSX（首个工作表，列同 CSV）或 JSON Lines（每行一个对象）；"
                       "列随 kind 而定，如 businesses：uscc、name、region_code、established_on、operator_name、"
                       "operator_id_number 等",
        "content": {
            "text/csv": "uscc,name,region_code,established_on,operator_name,operator_id_number\n"
                        f"{USCC_MOHE},漠河市北极村张记山货店,232701,2019-05-16,张德福,{ID_ZHANG}\n",
            "application/x-ndjson": '{"uscc": "%s", "name": "漠河市北极村张记山货店", "region_code": "232701", '
                                    '"established_on": "2019-05-16", "operator_name": "张德福", '
                                    '"operator_id_number": "%s"}\n' % (USCC_MOHE, ID_ZHANG),
        }}},
}
