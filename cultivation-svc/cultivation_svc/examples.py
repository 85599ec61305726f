"""The examples of cultivation-svc's OpenAPI document (kit.web.apply_examples), keyed by schema name, or
by operationId for the answers that are plain objects; the request ones are sent by schemathesis."""
from __future__ import annotations

import datetime as dt

from getihu_kit.examples import USCC_MOHE
from cultivation_svc.measures import catalog
from cultivation_svc.standards.service import seed_standards

_APP_ID = "app_7c2e9a4f1b3d5e6a8c0b"
_REC_ID = "rec_4e1a7c9b2d5f8a3c6e0b"
_CRIT_ID = "crit_9b3e1f7a2c4d6e80"
_NAME = "漠河市北极村张记山货店"
_MATERIAL = {"name": "绿色食品证书（蓝莓果酱）", "url": "https://files.example.cn/getihu/lvse-2025-0318.pdf",
             "note": "证书编号 LB-18-25031234567"}
_STEP = {"step": "submitted", "status_after": "submitted", "actor": "operator:张德福",
         "detail": {"category": "distinctive"}, "at": "2026-08-05T01:20:00Z"}
_APPLICATION = {
    "id": _APP_ID, "uscc": USCC_MOHE, "name": _NAME, "region_code": "232701", "year": 2026,
    "category": "distinctive", "source": "self", "department": None, "relaxed_group": None,
    "status": "public_notice", "score": "86.5",
    "score_detail": [{"code": "green_food", "name": "绿色食品认证", "weight": "40", "value": "1", "points": "40"}],
    "criteria_id": _CRIT_ID, "type_at_application": "growth", "notice_starts_on": "2026-09-01",
    "notice_ends_on": "2026-09-07", "reason": None, "applied_on": "2026-08-05", "materials": [_MATERIAL],
    "open_objections": [], "steps": [_STEP],
}
_INDICATORS_IN = [
    {"code": "green_food", "name": "绿色食品认证", "weight": 40, "threshold": 1, "unit": "件",
     "source": "certificate:绿色食品"},
    {"code": "local_ingredient_ratio", "name": "本地林下原料占比", "weight": 60, "threshold": 50, "unit": "%",
     "source": "declared"},
]
_INDICATORS_OUT = [{**i, "weight": str(i["weight"]), "threshold": str(i["threshold"])} for i in _INDICATORS_IN]
_CRITERIA = {
    "id": _CRIT_ID, "region_code": "232701", "year": 2026, "category": "distinctive", "version": 1,
    "title": "漠河市2026年度“特色”个体工商户认定标准",
    "text": "立足北极村旅游与林下经济，重点认定以本地蓝莓、山野菜、林下产品为特色的个体工商户。",
    "indicators": _INDICATORS_OUT, "pass_score": "60", "status": "published",
    "filed_at": "2026-07-01T02:00:00Z", "acknowledged_at": "2026-07-08T02:00:00Z",
    "published_at": "2026-07-15T02:00:00Z",
}
_NOTICE = {"application_id": _APP_ID, "uscc": USCC_MOHE, "name": _NAME, "operator_name": "张*",
           "region_code": "232701", "category": "distinctive", "category_label": "特色",
           "notice_starts_on": "2026-09-01", "notice_ends_on": "2026-09-07", "status": "public_notice"}
_RECOGNITION = {
    "id": _REC_ID, "application_id": _APP_ID, "uscc": USCC_MOHE, "name": _NAME, "region_code": "232701",
    "category": "distinctive", "category_label": "特色", "source": "self", "department": None,
    "relaxed_group": None, "type_at_recognition": "growth", "year": 2026, "recognised_on": "2026-09-15",
    "valid_until": "2029-09-14", "benefits_from": "2027-01-01", "status": "recognised", "ruleset": "fltx-2024",
    "reported_at": "2026-09-16T01:00:00Z", "spot_check": None, "spot_check_due_on": None,
    "department_consented": False, "operator_change_pending": False, "extensions": [], "ended_on": None,
    "end_reason": None,
}
_PUBLIC = {"uscc": USCC_MOHE, "name": _NAME, "operator_name": "张*", "region_code": "232701",
           "category": "distinctive", "category_label": "特色", "recognised_on": "2026-09-15",
           "valid_until": "2029-09-14"}
_WINDOW = {"id": "win_232701_2026", "region_code": "232701", "year": 2026, "opens_on": "2026-08-01",
           "closes_on": "2026-11-30", "eligible_count": 412, "typing_run_id": "ty_4a7d2c9e1f0b4e3a8c6d5b2a1f0e9d87"}
_REGION_SETTINGS = {
    "region_code": "232701", "region_name": "漠河市", "ruleset": "fltx-2024+232701",
    "overrides": {"public_notice_days": 10},
    "effective": {"penalty_window_years": 2, "fraud_bar_years": 5, "quota_ratio": "0.05", "validity_years": 3,
                  "extension_years": 3, "window_opens": [8, 1], "window_closes": [11, 30],
                  "benefits_from": [1, 1], "info_report_due": [7, 31], "public_notice_days": 10,
                  "clear_growth_ratio": "0.2", "extra_bars": [], "recognitions_by": [11, 30], "restored_by": [12, 31],
                  "calendar_reason": None,
                  "relaxed_groups": {"veteran": "退役军人", "graduate": "高校毕业生", "disabled": "残疾人",
                                     "returning_migrant_worker": "返乡创业农民工"}},
}
_MEASURES = [m.as_dict() for m in catalog.qualifying("growth", "distinctive")][:3]

_FEED_ITEM = {"seq": 2741, "recognition_id": _REC_ID, "uscc": USCC_MOHE, "region_code": "232701",
              "category": "distinctive", "category_label": "特色", "change": "extended", "change_label": "延期",
              "year": 2026, "recognised_on": "2026-11-20", "valid_until": "2032-11-19", "benefits_from": "2027-01-01",
              "ended_on": None, "revoked_on": None, "reason": "评估符合延期情形：C", "changed_at": "2029-10-12T02:30:00Z"}
# 二(四)3: what a recognition or the quota waited for before counting (kit.barrier's record)
_BARRIER = {"requested_at": "2026-09-25T01:30:00.120Z", "sources": [{"service": "typing", "outbox_through": 40213}],
            "topics": [{"topic": "getihu.typing.results", "end_offset": 1187442},
                       {"topic": "getihu.typing.runs", "end_offset": 12}],
            "passed_at": "2026-09-25T01:30:00.310Z", "waited_s": 0.19}
# 二(五)2: a prefecture's draw, kept with its seed, rate and population; each sampled recognition's outcome
_DRAW = {"id": "scd_7a9c1e3b5d7f9a1c3e5b", "region_code": "232701", "year": 2026, "seed": "9f2c4e6a8b0d1f3a",
         "rate": "0.1", "population": 12, "sample": ["rec_1b3d5f7a9c1e3b5d7f9a", "rec_0d2f4a6c8e1b3d5f7a9c"],
         "drawn_by": "pref-1[prefecture_staff]", "drawn_at": "2026-10-08T01:00:00+00:00", "follows": None,
         "reason": None, "reproduced": True,
         "items": [{"recognition_id": "rec_0d2f4a6c8e1b3d5f7a9c", "outcome": "material_requested",
                    "outcome_label": "已要求限期补充材料",
                    "note": "补充近两年纳税证明", "due_on": "2026-10-20", "decided_by": "pref-1[prefecture_staff]",
                    "decided_at": "2026-10-09T02:00:00+00:00"},
                   {"recognition_id": "rec_1b3d5f7a9c1e3b5d7f9a", "outcome": "pending", "outcome_label": "待抽查", "note": None,
                    "due_on": None,
                    "decided_by": None, "decided_at": None}]}

EXAMPLES: dict[str, dict] = {
    "RecognitionFeedItem": _FEED_ITEM,
    "RecognitionFeedPage": {"items": [_FEED_ITEM], "next_cursor": "WzI3NDFd"},
    "Material": _MATERIAL,
    "ApplicationCreate": {"uscc": USCC_MOHE, "category": "distinctive", "materials": [_MATERIAL],
                          "indicator_values": {"local_ingredient_ratio": "72.5"}, "relaxed_group": None},
    "RecommendationCreate": {"uscc": USCC_MOHE, "category": "distinctive",
                             "reason": "经营本地蓝莓、山野菜等林下产品十余年，产品获绿色食品认证，带动周边农户增收。",
                             "materials": [_MATERIAL], "indicator_values": {"local_ingredient_ratio": "72.5"}},
    "Consent": {"agree": True},
    "Review": {"approve": True, "note": "材料齐全，符合申报条件"},
    "SiteVisit": {"verified": True, "visited_on": "2026-08-20", "note": "实地核实：门店在营，林下产品货源真实"},
    "Opinion": {"department": "漠河市林业和草原局", "opinion": "所售林下产品来源合法，同意认定", "agrees": True},
    "Opinions": {"opinions": [{"department": "漠河市林业和草原局", "opinion": "所售林下产品来源合法，同意认定",
                               "agrees": True},
                              {"department": "国家税务总局漠河市税务局", "opinion": "无欠税记录", "agrees": True}],
                 "proceed": True, "note": None},
    "StepRead": _STEP,
    "ApplicationRead": _APPLICATION,
    "Page_ApplicationRead_": {"items": [_APPLICATION], "next_cursor": None},
    "NoticeRead": _NOTICE,
    "Page_NoticeRead_": {"items": [_NOTICE], "next_cursor": None},
    "Indicator-Input": _INDICATORS_IN[0],
    "Indicator-Output": _INDICATORS_OUT[0],
    "CriteriaCreate": {"region_code": "232701", "year": 2026, "category": "distinctive",
                       "title": _CRITERIA["title"], "text": _CRITERIA["text"], "indicators": _INDICATORS_IN,
                       "pass_score": 60},
    "CriteriaRead": _CRITERIA,
    "Page_CriteriaRead_": {"items": [_CRITERIA], "next_cursor": None},
    "Recognise": {"note": "公示期满无异议，予以认定"},
    "SpotCheck": {"action": "request_material", "due_on": "2026-12-31", "note": "请补充2025年度销售台账"},
    "SupplementaryMaterial": {"materials": [{"name": "2025年度销售台账", "url": "https://files.example.cn/getihu/taizhang-2025.pdf"}],
                              "note": "已按要求补充"},
    "InfoReportCreate": {"year": 2026, "kind": "yearly", "revenue": "512000.00", "tax_paid": "6120.00",
                         "employees": 3, "operator_name": None, "note": None},
    "Confirmation": {"region_code": "232701", "year": 2026},
    "InfoReportReview": {"decision": "correction_requested", "note": "营业收入与年报不一致，请核对后重新报告"},
    "Revocation": {"reason": "申报材料中绿色食品证书系伪造，弄虚作假取得认定"},
    "DepartmentConsent": {"agree": True, "note": "同意延期"},
    "RecognitionRead": _RECOGNITION,
    "Page_RecognitionRead_": {"items": [_RECOGNITION], "next_cursor": None},
    "PublicRecognition": _PUBLIC,
    "Page_PublicRecognition_": {"items": [_PUBLIC], "next_cursor": None},
    "WindowRead": _WINDOW,
    "Page_WindowRead_": {"items": [_WINDOW], "next_cursor": None},
    "WindowChange": {"closes_on": "2026-11-30"},
    "ExtraBarIn": {"kind": "major_safety_accident", "years": 3, "label": "发生重大安全事故"},
    "RegionOverrides": {"public_notice_days": 10},
    "listMeasures": {"responses": {"200": {"items": _MEASURES}}},
    "listMeasuresOfBusiness": {"responses": {"200": {
        "uscc": USCC_MOHE, "type": "growth", "type_year": 2025, "category": "distinctive",
        "category_benefits_from": "2027-01-01", "catalog": catalog.CATALOG_VERSION, "measures": _MEASURES}}},
    "getQuota": {"responses": {"200": {"region_code": "232701", "year": 2026, "base_count": 1870, "limit": 93,
                                       "in_force": 41, "left": 52, "ratio": "0.05", "data_barrier": _BARRIER}}},
    "confirmRecognitions": {"responses": {"200": {
        "region_code": "232701", "year": 2026, "ruleset": "fltx-2024", "confirmed": [_REC_ID],
        "cancelled": [{"recognition_id": "rec_0d2f4a6c8e1b3d5f7a9c", "uscc": "92232701L00000109A",
                       "refusals": [{"rule": "not_registered", "clause": "二(四)1、一(四)1",
                                     "message": "该户已注销，不再为登记在册状态，不能申报、推荐或认定为“名特优新”个体工商户",
                                     "fact": {"status": "cancelled"}}]}],
        "expired": [], "missing_reports": []}}},
    "evaluateRecognition": {"responses": {"200": {
        "recognition_id": _REC_ID, "extended": True, "ruleset": "fltx-2024", "valid_until": "2032-09-14",
        "grounds": [{"condition": "C", "fact": {"from": "growth", "to": "development"}}]}}},
    "fileInfoReport": {"responses": {"201": {"id": 7, "recognition_id": _REC_ID, "year": 2026,
                                             "kind": "yearly", "submitted_on": "2026-07-20", "late": False}}},
    "reviewInfoReport": {"responses": {"200": {"id": 7, "recognition_id": _REC_ID, "year": 2026, "kind": "yearly",
                                              "submitted_on": "2026-07-20", "late": False, "reviewed": "accepted",
                                              "review_note": None}}},
    "getWorklist": {"responses": {"200": {
        "region_code": "232701", "on": "2026-09-15",
        "one_person_conflicts": [{"recognition_id": "rec_0d2f4a6c8e1b3d5f7a9c", "uscc": "92232701L00000109A",
                                  "name": "漠河北极村山货铺", "category": "distinctive", "valid_until": "2028-09-19",
                                  "conflict_with": _REC_ID, "reason": "同一自然人在本县设立的个体工商户 "
                                  + USCC_MOHE + " 已于 2025-09-15 获认定；经营者变更后两户为同一人，按二(四)3（最多只能有一个"
                                  "个体工商户获得认定），本认定应予取消"}],
        "operator_changes_pending": [], "evaluations_due": [], "material_requests": [],
        "objections_due": [{"appeal_id": "apl_3c5e7a9b1d3f5a7c", "target_kind": "cultivation_refusal",
                            "target_label": "“名特优新”申报不予认定",
                            "target_id": "app_1a3c5e7a9b1d3f5a7c9e", "application_id": "app_1a3c5e7a9b1d3f5a7c9e",
                            "uscc": USCC_MOHE, "name": "漠河蓝莓小馆", "filed_at": "2026-09-10T02:00:00+00:00",
                            "due_on": "2026-09-25", "overdue": False}],
        "info_reports_to_review": [{"recognition_id": _REC_ID, "uscc": USCC_MOHE, "name": "漠河蓝莓小馆",
                                    "category": "distinctive", "valid_until": "2029-09-14", "report_id": 7,
                                    "year": 2026, "kind": "yearly", "submitted_on": "2026-07-20", "late": False}]}}},
    "drawSpotCheckSample": {"requestBody": {"content": {"application/json": {
        "region_code": "232701", "year": 2026, "seed": None, "reason": None}}}, "responses": {"201": _DRAW}},
    "listSpotCheckDraws": {"responses": {"200": {"items": [_DRAW], "next_cursor": None}}},
    "getSpotCheckDraw": {"responses": {"200": _DRAW}},
    "getRegionSettings": {"responses": {"200": _REGION_SETTINGS}},
    "putRegionSettings": {"responses": {"200": _REGION_SETTINGS}},
    "getCultivationStandards": {"responses": {"200": {**seed_standards(dt.date(2026, 9, 15)), "region": {
        "region_code": "232701", "region_name": "漠河市", "ruleset": "fltx-2024+232701",
        "overrides": {"window_closes": [11, 20]}, "calendar_reason": None, "updated_at": "2026-08-12T01:30:00+00:00",
        "relaxed_groups": [{"code": "veteran", "label": "退役军人"}, {"code": "graduate", "label": "高校毕业生"},
                           {"code": "disabled", "label": "残疾人"},
                           {"code": "returning_migrant_worker", "label": "返乡创业农民工"}],
        "relaxed_groups_added": []}}}},
}
