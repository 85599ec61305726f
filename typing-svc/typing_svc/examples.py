"""The examples of typing-svc's OpenAPI document (kit.web.apply_examples), keyed by schema name, or by
operationId for the answers that are plain objects; the request ones are sent by schemathesis."""
from __future__ import annotations

from getihu_kit.examples import JOB_READ, USCC_MOHE, USCC_TAHE
from typing_svc import service

_RUN_ID = "ty_4a7d2c9e1f0b4e3a8c6d5b2a1f0e9d87"
_COUNTS = {"survival": 1264, "growth": 418, "development": 57, "excluded": 131}
_RUN = {"id": _RUN_ID, "year": 2025, "reference_date": "2025-06-30", "region_codes": ["232701", "232722"],
        "ruleset": "national-2024", "status": "published", "progress": 1.0, "counts": _COUNTS,
        "job_id": "ty_9c1e5a3b7d2f4086a4b8c2d6e0f1a3b5", "trigger": "manual", "message": None,
        "created_by": "prefecture-admin-01", "created_at": "2025-07-01T01:00:00Z",
        "started_at": "2025-07-01T01:00:03Z", "finished_at": "2025-07-01T01:02:41Z",
        "published_at": "2025-07-02T02:00:00Z", "batches": ["dsb_8e2f4a61c0b94d7a9f3e5c1b2a6d7e80"]}
_REASONS = ["tax_paid_prior_year", "insured_one_to_three"]
_EXPLANATION = [
    {"condition": "registered_on_reference_date", "label": "基准日为登记在册状态（不含吊销、注销、撤销）",
     "group": "basic", "met": True, "fact": {"established_on": "2019-05-16"},
     "source": {"kind": "registry", "record": "business"}},
    {"condition": "tax_paid_prior_year", "label": "上一年度实际缴纳过税款", "group": "growth", "met": True,
     "fact": {"tax_paid": "5832.50", "year": 2024},
     "source": {"kind": "agency", "dataset": "tax", "batch_id": "dsb_8e2f4a61c0b94d7a9f3e5c1b2a6d7e80",
                "agency": "国家税务总局大兴安岭地区税务局"}},
    {"condition": "general_taxpayer", "label": "税务部门认定的一般纳税人", "group": "development", "met": False,
     "fact": {"general_taxpayer": False},
     "source": {"kind": "agency", "dataset": "tax", "batch_id": "dsb_8e2f4a61c0b94d7a9f3e5c1b2a6d7e80",
                "agency": "国家税务总局大兴安岭地区税务局"}},
]
_RESULT_ITEM = {"uscc": USCC_MOHE, "year": 2025, "type": "growth", "reasons": _REASONS, "region_code": "232701",
                "industry_code": "F5227", "run_id": _RUN_ID, "published": True}
_FEED_ITEM = {"seq": 18342, "uscc": USCC_MOHE, "year": 2025, "version": 1, "type": "growth", "type_label": "成长型",
              "reasons": _REASONS, "region_code": "232701", "industry_code": "F5227", "ruleset": "national-2024",
              "reference_date": "2025-06-30", "run_id": _RUN_ID, "published_at": "2025-07-02T02:00:00Z",
              "correction": None}


def _standards() -> dict:
    # The published standard itself, shortened: two of each list, the first lines of the text.
    full = service.standards(year=2025)
    short = {k: v[:2] if isinstance(v, list) and k != "types" else v for k, v in full.items()}
    short["text"] = "\n".join(full["text"].splitlines()[:3]) + "\n……"
    return short


_CONSENT = {"id": "cc_5b2e8f1a9c3d4e7f6a0b1c2d", "uscc": USCC_MOHE, "institution": "bank-dxal-rcb",
            "scope": ["result_facts", "recognition_details"], "scope_labels": ["分型结果及判定依据", "“名特优新”认定信息"],
            "expires_on": "2026-12-31", "granted_at": "2026-09-01T02:00:00Z", "granted_by": "mohe-operator-zhang[operator]",
            "withdrawn_at": None, "status": "in_force"}
_CREDIT_READ = {"id": 381, "consent_id": _CONSENT["id"], "uscc": USCC_MOHE, "institution": "bank-dxal-rcb",
                "reader": "bank-dxal-rcb[financial_institution]", "what": "result_facts", "what_label": "分型结果及判定依据",
                "year": 2025, "read_at": "2026-09-03T06:12:00Z"}
_CREDIT_RECOGNITION = {"recognition_id": "rec_4e1a7c9b2d5f8a3c6e0b", "uscc": USCC_MOHE, "region_code": "232701",
                       "category": "distinctive", "category_label": "特色", "status": "granted", "status_label": "认定",
                       "year": 2025, "recognised_on": "2025-11-20", "valid_until": "2028-11-19",
                       "benefits_from": "2026-01-01", "reason": None, "changed_at": "2025-11-20T02:00:00Z"}

EXAMPLES: dict[str, dict] = {
    "ConsentCreate": {"uscc": USCC_MOHE, "institution": "bank-dxal-rcb", "scope": ["result_facts", "recognition_details"],
                      "expires_on": "2099-12-31"},
    "ConsentRead": _CONSENT,
    "Page_ConsentRead_": {"items": [_CONSENT], "next_cursor": None},
    "CreditReadEntry": _CREDIT_READ,
    "Page_CreditReadEntry_": {"items": [_CREDIT_READ], "next_cursor": None},
    "CreditRecognition": _CREDIT_RECOGNITION,
    "CreditRecognitions": {"uscc": USCC_MOHE, "consent_id": _CONSENT["id"], "items": [_CREDIT_RECOGNITION]},
    "RunCreate": {"year": 2025, "reference_date": "2025-06-30", "region_codes": ["232701", "232722"]},
    "TypeCountsRead": _COUNTS,
    "RunRead": _RUN,
    "RunPage": {"items": [_RUN], "next_cursor": None},
    "ExplanationItem": _EXPLANATION[1],
    "CorrectionRead": {"appeal_id": "apl-3f9a1c7e2b6d4058", "reason": "纳税数据补报后复核，改判为成长型"},
    "ResultRead": {"uscc": USCC_MOHE, "year": 2025, "type": "growth", "type_label": "成长型", "reasons": _REASONS,
                   "explanation": _EXPLANATION, "ruleset": "national-2024", "reference_date": "2025-06-30",
                   "run_id": _RUN_ID, "published": True, "version": 1, "region_code": "232701", "correction": None},
    "CreditResult": {"uscc": USCC_MOHE, "year": 2025, "type": "growth", "type_label": "成长型", "reasons": _REASONS,
                     "explanation": _EXPLANATION, "ruleset": "national-2024", "reference_date": "2025-06-30",
                     "run_id": _RUN_ID, "published": True, "version": 1, "region_code": "232701", "correction": None,
                     "consent_id": _CONSENT["id"]},
    "ResultItem": _RESULT_ITEM,
    "ResultPage": {"items": [_RESULT_ITEM, {**_RESULT_ITEM, "uscc": USCC_TAHE, "type": "survival", "reasons": [],
                                            "region_code": "232722", "industry_code": "H6210"}],
                   "next_cursor": "eyJrIjpbIjkyMjMyNzIyTDAwMDAwMTAzNSJdfQ", "run_id": _RUN_ID},
    "FeedItem": _FEED_ITEM,
    "FeedPage": {"items": [_FEED_ITEM], "next_cursor": "eyJzIjoxODM0Mn0"},
    "ResultsExportCreate": {"year": 2025, "region_code": "232701", "type": "growth", "format": "xlsx"},
    "JobRead": JOB_READ,
    "getTypingStandards": {"responses": {"200": _standards()}},
    "getTypingStatistics": {"responses": {"200": {
        "year": 2025, "region_code": "232701", "total": 412,
        "by_type": {"survival": 276, "growth": 103, "development": 12, "excluded": 21},
        "by_region": {"232701": {"survival": 276, "growth": 103, "development": 12, "excluded": 21}},
        "by_industry": {"F5227": {"survival": 88, "growth": 41, "development": 3, "excluded": 6},
                        "H6210": {"survival": 188, "growth": 62, "development": 9, "excluded": 15}}}}},
    "getTypeTransitions": {"responses": {"200": {
        "from_year": 2024, "to_year": 2025, "region_code": "232701", "items": [
            {"from": "survival", "to": "growth", "count": 37, "label": "生存型→成长型", "direction": "up"},
            {"from": "growth", "to": "survival", "count": 9, "label": "成长型→生存型", "direction": "down"}]}}},
}
