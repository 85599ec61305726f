"""The examples of monitoring-svc's OpenAPI document (kit.web.apply_examples), keyed by schema name;
the request ones are sent by schemathesis, so each is accepted as it is."""
from __future__ import annotations

from getihu_kit.examples import JOB_READ, USCC_MOHE

_CHANNELS = [{"kind": "website", "name": "大兴安岭地区行政公署网站", "url": "https://www.dxal.gov.cn/"},
             {"kind": "notice_board", "name": "漠河市市场监管局政务公开栏", "url": None}]
_POLICY_IN = {"title": "个体工商户首贷和续贷支持", "content": "持续扩大个体工商户首贷、信用贷投放，在风险可控情况下提供首贷和续贷支持。",
              "conditions": "经分型为成长型或发展型、信用良好、有融资需求的个体工商户。",
              "procedure": "向辖区银行业金融机构提出申请，提交营业执照和经营情况说明；银行审核后放款。",
              "department": "国家金融监督管理总局大兴安岭监管分局", "in_force_from": "2025-01-01", "in_force_to": "2027-12-31",
              "channels": _CHANNELS, "measure_codes": ["growth.A"]}
_PUB = {"revision": 1, "action": "published", "at": "2025-03-01T02:00:00Z"}
_POLICY = {"id": "pol-1c9e5a7b3d2f4e60", **_POLICY_IN, "in_force_today": True, "status": "published",
           "status_label": "已公示", "revision": 1, "first_published_at": "2025-03-01T02:00:00Z",
           "last_published_at": "2025-03-01T02:00:00Z", "publications": [_PUB]}
_POLICY_SUMMARY = {k: _POLICY[k] for k in ("id", "title", "department", "in_force_from", "in_force_to", "in_force_today",
                                           "measure_codes", "status", "status_label", "first_published_at",
                                           "last_published_at")}
_CP_IN = {"region_code": "232701", "name": "漠河市北极镇个体工商户发展工作联系点", "address": "漠河市北极镇中心街12号",
          "contact_person": "王立新", "contact_phone": "0457-2881234", "usccs": [USCC_MOHE]}
_CP = {"id": "cp-5b7d9f1a3c5e7092", **_CP_IN, "status": "acknowledged", "status_label": "已备案", "version": 1,
       "filed_by": "county-mohe-01[county_staff]", "filed_at": "2025-04-02T01:30:00Z",
       "reviewed_by": "pref-01[prefecture_staff]", "reviewed_at": "2025-04-03T06:00:00Z", "review_note": None}
_CP_SUMMARY = {k: _CP[k] for k in ("id", "region_code", "name", "status", "status_label", "version", "filed_at")} | {
    "businesses": 1}
_FIGURES = {"sales": "86500.00", "costs": "61200.00", "profit": "25300.00", "employees": 3, "new_hires": 1,
            "loans_outstanding": "50000.00", "loans_obtained": "0.00", "financing_need": "met", "outlook": "stable",
            "difficulties": "冬季客流少，希望延长外摆经营时间。"}
_RETURN_IN = {"uscc": USCC_MOHE, "year": 2025, "quarter": 2, **_FIGURES}
_RETURN = {**_RETURN_IN, "region_code": "232701", "outlook_label": "持平", "source": "operator",
           "contact_point_id": None, "submitted_by": "op-zhang[operator]", "submitted_at": "2025-07-05T03:00:00Z",
           "revision": 1}
_AUDIT = {"id": 1207, "reader": "county-mohe-01", "roles": ["county_staff"], "reader_region": "232701",
          "uscc": USCC_MOHE, "query": {"year": 2025, "quarter": 2}, "rows": 1, "at": "2025-07-06T01:00:00Z"}

_TABLE = {"name": "types_by_county", "title": "2025年度分县分型户数",
          "columns": [{"key": "region_code", "label": "区划代码"}, {"key": "region_name", "label": "县（市、区）"},
                      {"key": "type", "label": "类型代码"}, {"key": "type_label", "label": "类型"},
                      {"key": "businesses", "label": "户数"}],
          "rows": [{"region_code": "232701", "region_name": "漠河市", "type": "growth", "type_label": "成长型",
                    "businesses": 412}]}
_OPTION = {"label": "了解", "positive": True}
_QUESTIONS_IN = [
    {"kind": "single", "text": "您是否了解个体工商户首贷和续贷支持政策？", "required": True, "policy_id": _POLICY["id"],
     "dimension": "knowledge", "options": [_OPTION, {"label": "听说过，不了解内容", "positive": False},
                                           {"label": "不了解", "positive": False}]},
    {"kind": "scale", "text": "您对首贷和续贷支持政策的满意程度（1–5分）", "required": True, "options": [],
     "policy_id": _POLICY["id"], "dimension": "satisfaction"},
    {"kind": "multiple", "text": "您从哪些渠道了解惠企政策？", "required": True, "policy_id": None, "dimension": None,
     "options": [{"label": "政府网站", "positive": False}, {"label": "政务公开栏", "positive": False}]},
    {"kind": "text", "text": "您对惠企政策宣传的意见建议", "required": False, "options": [], "policy_id": None,
     "dimension": None},
]
_Q_FIELDS = {"title": "2025年惠企政策知晓度、满意度调查", "description": "本问卷用于评估惠企政策宣传效果，约需3分钟。",
             "closes_on": "2025-12-31", "questions": _QUESTIONS_IN}
_KIND = {"single": "单选", "multiple": "多选", "scale": "量表（1–5分）", "text": "文字"}
_DIM = {"knowledge": "知晓度", "satisfaction": "满意度", None: None}
_QUESTIONS = [{**q, "no": i + 1, "kind_label": _KIND[q["kind"]], "dimension_label": _DIM[q["dimension"]]}
              for i, q in enumerate(_QUESTIONS_IN)]
_QN = {"id": "qn-3e8a1c5b7d9f2a40", "version": 1, "region_code": "232701", **_Q_FIELDS, "questions": _QUESTIONS,
       "status": "published", "status_label": "已发布", "created_by": "county-mohe-01[county_staff]",
       "created_at": "2025-09-01T01:00:00Z", "published_at": "2025-09-02T01:00:00Z"}
_QN_SUMMARY = {k: _QN[k] for k in ("id", "version", "region_code", "title", "status", "status_label", "closes_on",
                                   "published_at")}
_ANSWERS = [{"no": 1, "choice": 1}, {"no": 2, "scale": 4}, {"no": 3, "choices": [1, 2]},
            {"no": 4, "text": "希望在市场监管所公示栏张贴政策解读。"}]
_ASSIGNED = {"questionnaire_id": _QN["id"], "version": 1, "title": _QN["title"], "closes_on": "2025-12-31",
             "sent_at": "2025-09-02T02:00:00Z", "answered": False}
_RATE = {"answered": 120, "positive": 87, "rate": 0.725}
_RATES = {"policy_id": _POLICY["id"], "title": _POLICY["title"], "knowledge": _RATE,
          "understanding": {"answered": 0, "positive": 0, "rate": None},
          "satisfaction": {"answered": 118, "positive": 95, "rate": 0.8051}}
_Q_RESULT = {"no": 2, "kind": "scale", "text": _QUESTIONS_IN[1]["text"], "answered": 118, "average": 4.05,
             "distribution": [{"value": v, "label": f"{v}分", "count": n} for v, n in ((1, 3), (2, 5), (3, 15),
                                                                                      (4, 46), (5, 49))]}
EXAMPLES: dict[str, dict] = {
    "Channel": _CHANNELS[0],
    "PolicyCreate": _POLICY_IN,
    "PolicyUpdate": {"procedure": "向辖区银行业金融机构或省融资信用服务平台提出申请。"},
    "Publication": _PUB,
    "PolicyRead": _POLICY,
    "PolicySummary": _POLICY_SUMMARY,
    "PolicyPage": {"items": [_POLICY_SUMMARY], "next_cursor": None},
    "ContactPointCreate": _CP_IN,
    "ContactPointUpdate": {"contact_person": "李春梅"},
    "ContactPointAcknowledgement": {"decision": "acknowledged", "note": None},
    "ContactPointReturn": {"decision": "returned", "note": "请补充联系人手机号码后重新报备案。"},
    "ContactPointRead": _CP,
    "ContactPointSummary": _CP_SUMMARY,
    "ContactPointPage": {"items": [_CP_SUMMARY], "next_cursor": None},
    "ReturnCreate": _RETURN_IN,
    "ReturnRead": _RETURN,
    "ReturnPage": {"items": [_RETURN], "next_cursor": None},
    "ReturnReadAudit": _AUDIT,
    "ReturnReadAuditPage": {"items": [_AUDIT], "next_cursor": None},
    "AnalysisColumn": _TABLE["columns"][0],
    "AnalysisTable": _TABLE,
    "AnalysisRead": {"year": 2025, "region_code": "232701", "quarters": [1, 2, 3, 4],
                     "computed_at": "2025-10-08T02:00:00Z", "tables": {"types_by_county": _TABLE}},
    "ReportCreate": {"year": 2025, "quarter": 3, "region_code": "232701"},
    "Option": _OPTION,
    "Question": _QUESTIONS_IN[0],
    "QuestionnaireFields": _Q_FIELDS,
    "QuestionnaireCreate": {**_Q_FIELDS, "region_code": "232701"},
    "QuestionRead": _QUESTIONS[0],
    "QuestionnaireRead": _QN,
    "QuestionnaireSummary": _QN_SUMMARY,
    "QuestionnairePage": {"items": [_QN_SUMMARY], "next_cursor": None},
    "SendTarget": {"region_codes": ["232701"], "types": ["growth", "development"], "year": 2025, "categories": [],
                   "contact_point_ids": []},
    "SendRead": {"send_id": "send-7a1c3e5b9d2f4a60", "questionnaire_id": _QN["id"], "version": 1, "matched": 412,
                 "sent": 405},
    "AnswerValue": _ANSWERS[0],
    "AnswerCreate": {"uscc": USCC_MOHE, "answers": _ANSWERS},
    "AnswerRead": {"questionnaire_id": _QN["id"], "version": 1, "uscc": USCC_MOHE, "answered_at": "2025-09-05T03:00:00Z",
                   "answers": _ANSWERS},
    "AssignedQuestionnaire": _ASSIGNED,
    "AssignedPage": {"items": [_ASSIGNED], "next_cursor": None},
    "OptionCount": _Q_RESULT["distribution"][0],
    "QuestionResult": _Q_RESULT,
    "DimensionRate": _RATE,
    "PolicyRates": _RATES,
    "QuestionnaireResults": {"questionnaire_id": _QN["id"], "version": 1, "region_code": "232701", "recipients": 405,
                             "answered": 120, "response_rate": 0.2963, "questions": [_Q_RESULT], "policies": [_RATES]},
    "JobRead": JOB_READ,  # kit's one example of its JobRead: the merged document keeps one schema
    "reviewContactPoint": {"requestBody": {"content": {"application/json": {"decision": "acknowledged", "note": None}}}},
    "importReturns": {"requestBody": {
        "description": "季度经营数据文件：CSV（UTF-8，首行为列名）、XLSX（首个工作表，列同 CSV）或 JSON Lines（每行一个对象）；"
                       "列：uscc、year、quarter、sales、costs、profit、employees、new_hires、loans_outstanding、"
                       "loans_obtained、financing_need、outlook、difficulties",
        "content": {
            "text/csv": "uscc,year,quarter,sales,costs,profit,employees,outlook\n"
                        f"{USCC_MOHE},2025,2,86500.00,61200.00,25300.00,3,stable\n",
            "application/x-ndjson": '{"uscc": "%s", "year": 2025, "quarter": 2, "sales": "86500.00", '
                                    '"costs": "61200.00", "profit": "25300.00", "employees": 3, '
                                    '"outlook": "stable"}\n' % USCC_MOHE,
        }}},
}
