"""The examples of data-sharing-svc's OpenAPI document (kit.web.apply_examples), keyed by schema name;
the request ones are sent by schemathesis, so each is accepted as it is."""
from __future__ import annotations

from getihu_kit.examples import JOB_READ, USCC_MOHE, USCC_TAHE

_BATCH_ID = "dsb_8e2f4a61c0b94d7a9f3e5c1b2a6d7e80"
_TAX_AGENCY = "国家税务总局大兴安岭地区税务局"
_ROW_ERROR = {"row": 2, "field": "uscc", "message": "统一社会信用代码校验码不正确"}
_AUDIT = {"id": 40217, "reader": "county-staff-mohe-01", "roles": ["county_staff"], "reader_region": "232701",
          "uscc": USCC_MOHE, "year": 2025, "fields": ["tax", "social_insurance"],
          "read_at": "2026-03-05T02:41:09Z", "request_id": "7d3f2c1a9b8e4f60a1b2c3d4e5f60718"}
_COVERAGE = {"dataset": "tax", "label": "税务（纳税、一般纳税人、非正常户）", "arrived": True, "batches": 3, "records": 4820,
             "first_received_at": "2026-01-12T01:00:00Z", "last_received_at": "2026-02-26T08:30:00Z",
             "accepted": 4826, "rejected": 6}

_BATCH_SUMMARY = {"id": _BATCH_ID, "dataset": "tax", "year": 2025, "agency": _TAX_AGENCY, "source": "file",
                  "status": "completed", "received_at": "2026-02-26T08:30:00Z",
                  "completed_at": "2026-02-26T08:30:02Z", "accepted": 2, "rejected": 1, "changed": 2,
                  "duplicate_of": None, "job_id": "ds_0b6c2e9f4a1d4e7b8c3f5a2e1d9b7c60"}

EXAMPLES: dict[str, dict] = {
    "BatchCreate": {"dataset": "tax", "year": 2025, "records": [
        {"uscc": USCC_MOHE, "tax_paid": "5832.50", "general_taxpayer": False, "abnormal_taxpayer": False},
        {"uscc": USCC_TAHE, "tax_paid": "0", "general_taxpayer": False, "abnormal_taxpayer": False}]},
    "RowError": _ROW_ERROR,
    "BatchRead": {"id": _BATCH_ID, "dataset": "tax", "year": 2025, "agency": _TAX_AGENCY, "source": "json",
                  "status": "completed", "received_at": "2026-02-26T08:30:00Z",
                  "completed_at": "2026-02-26T08:30:02Z", "accepted": 2, "rejected": 0, "changed": 2,
                  "errors": [], "duplicate_of": None, "job_id": None},
    "BatchSummary": _BATCH_SUMMARY,
    "BatchPage": {"items": [_BATCH_SUMMARY], "next_cursor": None},
    # The upload's body is a file of the dataset's columns (first row the header).
    "submitFile": {"requestBody": {
        "description": "报送文件：CSV（UTF-8，首行为列名）、XLSX（首个工作表，列同 CSV）或 JSON Lines（每行一个对象）；"
                       "列随数据集而定，如 tax：uscc、tax_paid、general_taxpayer、abnormal_taxpayer",
        "content": {
            "text/csv": f"uscc,tax_paid,general_taxpayer,abnormal_taxpayer\n{USCC_MOHE},5832.50,否,否\n",
            "application/x-ndjson": '{"uscc": "%s", "tax_paid": "5832.50", "general_taxpayer": false, '
                                    '"abnormal_taxpayer": false}\n' % USCC_MOHE,
        }}},
    "FileBatchAccepted": {"id": "ds_0b6c2e9f4a1d4e7b8c3f5a2e1d9b7c60", "status": "queued", "batch_id": _BATCH_ID},
    "JobRead": JOB_READ,
    "FactsRead": {
        "uscc": USCC_MOHE, "year": 2025, "version": 2, "registered": True, "region_code": "232701",
        "tax": {"batch_id": _BATCH_ID, "agency": _TAX_AGENCY, "received_at": "2026-02-26T08:30:00Z",
                "tax_paid": "5832.50", "general_taxpayer": False, "abnormal_taxpayer": False},
        "social_insurance": {"batch_id": "dsb_1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6", "agency": "大兴安岭地区社会保险事业中心",
                             "received_at": "2026-02-10T03:00:00Z", "insured_employees": 2},
        "trademarks": [{"batch_id": "dsb_2b3c4d5e6f7a48b9c0d1e2f3a4b5c6d7", "agency": "大兴安岭地区市场监督管理局",
                        "received_at": "2026-01-20T02:00:00Z", "registration_no": "45218763", "holder": "张德福",
                        "in_use": True}],
        "patents": [],
        "dishonest_debtors": [],
        "certificates": [{"batch_id": "dsb_3c4d5e6f7a8b49c0d1e2f3a4b5c6d7e8", "agency": "大兴安岭地区市场监督管理局",
                          "received_at": "2026-01-20T02:00:00Z", "kind": "绿色食品", "issued_on": "2024-06-03",
                          "expires_on": "2029-06-02"}],
    },
    "AuditEntry": _AUDIT,
    "AuditPage": {"items": [_AUDIT], "next_cursor": "eyJrIjpbNDAyMTddfQ"},
    "DatasetCoverage": _COVERAGE,
    "CoverageRead": {"year": 2025, "datasets": [
        _COVERAGE,
        {"dataset": "dishonest_debtor", "label": "法院（失信被执行人）", "arrived": False, "batches": 0, "records": 0,
         "first_received_at": None, "last_received_at": None, "accepted": 0, "rejected": 0}]},
}
