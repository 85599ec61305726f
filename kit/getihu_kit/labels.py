"""The platform's codes and their Chinese labels, in one place (DESIGN: codes are stable English,
labels Chinese). Services, events, templates and the console show these labels, never a copy."""
from __future__ import annotations

from getihu_kit.domain.regions import COUNTIES

# 附件1 一(四): the three types, and the result of failing the base conditions.
TYPE_LABELS: dict[str, str] = {"survival": "生存型", "growth": "成长型", "development": "发展型",
                               "excluded": "不符合分型条件"}
TYPE_CODES = tuple(TYPE_LABELS)
# 附件1 二: the four 名特优新 categories.
CATEGORY_LABELS: dict[str, str] = {"renowned": "知名", "distinctive": "特色", "quality": "优质", "emerging": "新兴"}
CATEGORY_CODES = tuple(CATEGORY_LABELS)
# 附件1 一(四)1: a business's registration status (登记在册, or 吊销/注销/撤销).
BUSINESS_STATUS_LABELS: dict[str, str] = {"registered": "登记在册", "revoked": "吊销", "cancelled": "注销",
                                          "withdrawn": "撤销"}

# 附件1 二(六): a 名特优新 recognition's life (认定, 延续, 取消, 撤销, 有效期届满).
RECOGNITION_STATUS_LABELS: dict[str, str] = {"granted": "已认定", "extended": "已延续", "cancelled": "已取消",
                                             "revoked": "已撤销", "expired": "已到期"}

# A 名特优新 application's steps (附件1 二(三)): as the console shows them.
APPLICATION_STATUS_LABELS: dict[str, str] = {
    "new": "新建", "submitted": "已提交待审核", "awaiting_consent": "待经营者同意", "site_visit": "实地核查",
    "soliciting": "征求部门意见", "public_notice": "公示中", "on_hold": "暂缓", "recognised": "已认定",
    "refused": "未通过", "withdrawn": "已撤回", "material_requested": "待补充材料"}
APPLICATION_SOURCE_LABELS: dict[str, str] = {"self": "自主申报", "recommendation": "部门推荐"}


def type_label(code: str | None, default: str = "") -> str:
    return TYPE_LABELS.get(code or "", default or (code or ""))


def category_label(code: str | None, default: str = "") -> str:
    return CATEGORY_LABELS.get(code or "", default or (code or ""))

# The status of a job (kit.jobs), a data-sharing batch and a typing run, as the command line and the console show them.
STATUS_LABELS: dict[str, str] = {"queued": "排队中", "waiting_for_data": "等待数据到齐", "running": "处理中",
                                 "processing": "处理中",
                                 "completed": "已完成", "failed": "失败", "publishing": "发布中", "published": "已发布"}

# A 名特优新 application's life (cultivation applications.service.record_step).
APPLICATION_STATUS_LABELS: dict[str, str] = {
    "new": "新建", "submitted": "已提交待审核", "awaiting_consent": "待经营者同意", "site_visit": "实地核查",
    "soliciting": "征求部门意见", "public_notice": "公示中", "on_hold": "暂缓", "recognised": "已认定",
    "refused": "未通过", "withdrawn": "已撤回", "material_requested": "待补充材料"}
# What a registry import carries (registry imports.KINDS).
IMPORT_KIND_LABELS: dict[str, str] = {"businesses": "个体工商户登记信息", "annual_reports": "年度报告",
                                      "marks": "经营异常、违法失信等标记", "status": "登记状态变更"}
# 附件1 二(二): the groups whose businesses may apply whatever their type (a county may add its own).
RELAXED_GROUP_LABELS: dict[str, str] = {"veteran": "退役军人", "graduate": "高校毕业生", "disabled": "残疾人",
                                        "returning_migrant_worker": "返乡入乡创业人员"}
# The roles of a token (kit auth.ROLES).
ROLE_LABELS: dict[str, str] = {
    "public": "社会公众", "operator": "经营者", "county_staff": "县级市场监管局工作人员",
    "prefecture_staff": "地区市场监管局工作人员", "department": "行业主管部门", "agency": "数据共享部门",
    "national_directory": "国家名录系统", "financial_institution": "金融机构", "admin": "系统管理员"}
# The condition groups of a typing explanation (the ruleset's groups).
CONDITION_GROUP_LABELS: dict[str, str] = {"basic": "基础条件", "seniority": "成长型、发展型共同条件",
                                          "growth": "成长型条件", "development": "发展型条件"}
# The keys of an explanation's `fact` (typing explanation) and the records its `source` names.
FACT_LABELS: dict[str, str] = {
    "established_on": "成立日期", "report_year": "年报年度", "submitted_on": "年报报送日期",
    "unresolved_mark_on_reference_date": "基准日存在未消除的标记", "abnormal_taxpayer": "非正常户",
    "general_taxpayer": "一般纳税人", "tax_paid": "纳税额（元）", "year": "年度", "insured_employees": "参保人数",
    "trademarks_in_use": "在用商标数", "patents": "专利数", "employees": "雇员人数"}
SOURCE_RECORD_LABELS: dict[str, str] = {"business": "登记信息", "annual_report": "年度报告",
                                        "marks": "经营异常、违法失信等标记"}
# The datasets the departments share (data-sharing datasets).
DATASET_LABELS: dict[str, str] = {"tax": "税务", "social_insurance": "社会保险", "trademark": "商标", "patent": "专利",
                                  "dishonest_debtor": "失信被执行人", "certificate": "认证证书"}


def status_label(code: str | None) -> str:
    return STATUS_LABELS.get(code or "", code or "未知")

# Reason codes as the people who read a result see them (附件1; DESIGN: codes stable English, labels Chinese).
# Typing (the national ruleset's conditions): a basic condition is a reason when it *failed* (不符合分型条件), a
# growth or development criterion when it was *met*; the two fallbacks name why a business is 生存型.
TYPING_REASON_LABELS: dict[str, str] = {
    "registered_on_reference_date": "基准日不是登记在册状态（已吊销、注销或撤销）",
    "annual_report_submitted": "上一年度未报送年度报告",
    "not_marked_abnormal": "被标记为经营异常状态，尚未恢复正常记载状态",
    "not_serious_illegal": "被列入市场监督管理严重违法失信名单，未实施信用修复",
    "not_abnormal_taxpayer": "被税务部门列为“非正常户”，尚未解除",
    "not_suspended": "已办理歇业备案，尚在法定最长歇业期内",
    "established_two_years": "成立2年（含）以上",
    "general_taxpayer": "税务部门认定的一般纳税人",
    "insured_four_or_more": "上一年度有以单位形式为4名（含）以上雇员缴纳社保的记录",
    "trademark_in_use": "拥有1件（含）以上在经营中实际使用的商标",
    "patent_held": "拥有1件（含）以上专利",
    "four_or_more_employees": "上一年度有4名以上雇员",
    "tax_paid_prior_year": "上一年度实际缴纳过税款",
    "insured_one_to_three": "上一年度有以单位形式为1-3名（含）雇员缴纳社保的记录",
    "two_to_three_employees": "上一年度有2-3名（含）雇员",
    "no_growth_criterion": "成立满2年，但未满足“成长型”“发展型”的任一条件",
    "established_less_than_two_years": "成立不满2年",
}
# Cultivation (附件1 二): why an application, recommendation or recognition is refused or cancelled.
CULTIVATION_REASON_LABELS: dict[str, str] = {
    "not_registered": "不是登记在册状态（已吊销、注销或撤销）",
    "typing_base_conditions": "分型结果为“不符合分型条件”",
    "type_requirement": "自主申报应为“成长型”或“发展型”个体工商户（放宽来源的群体须经审核确认）",
    "penalty_bar": "申报（推荐）之日前2年内有已公示的罚款及以上行政处罚，尚未完成信用修复",
    "dishonest_debtor_bar": "经营者被人民法院列为失信被执行人",
    "fraud_bar": "因弄虚作假被撤销认定，5年内不得再次申报",
    "local_bar:major_safety_accident": "本地规定：近年内发生重大安全事故",
    "local_bar:serious_illegal": "本地规定：近年内被列入严重违法失信名单",
    "quota": "本县在认定状态的“名特优新”个体工商户已达成长型、发展型总数的5%",
    "one_category": "同一个体工商户只能认定为一个类型",
    "one_per_person": "同一自然人在同一县只能有一个个体工商户获得认定",
    "calendar": "不在本年度认定时间内（8月起至11月底；异议成立恢复的至12月底）",
}
# 附件1 二(六): what a recognition came to, as the national feed names its changes.
RECOGNITION_CHANGE_LABELS: dict[str, str] = {"granted": "认定", "extended": "延期", "cancelled": "取消认定",
                                             "revoked": "撤销认定", "expired": "有效期届满"}
# 附件1 二(七) 末段: what an operator lets a financial institution read for credit, and why a read is refused.
CREDIT_SCOPE_LABELS: dict[str, str] = {"result_facts": "分型结果及判定依据", "recognition_details": "“名特优新”认定信息"}
CREDIT_REASON_LABELS: dict[str, str] = {
    "credit_consent_missing": "经营者未授权本机构查询",
    "credit_consent_withdrawn": "经营者已撤回授权",
    "credit_consent_expired": "授权已到期",
    "credit_consent_out_of_scope": "查询内容不在授权范围内",
}
# Appeals (附件1 一(三)3、四(四)): what an objection is about and how it ended.
APPEAL_TARGET_LABELS: dict[str, str] = {
    "typing_result": "分型结果", "cultivation_notice": "“名特优新”认定公示",
    "cultivation_refusal": "“名特优新”申报不予认定", "cultivation_cancellation": "“名特优新”认定取消",
    "cultivation_spot_check": "“名特优新”抽查不予认定", "cultivation_revocation": "“名特优新”认定撤销",
}
APPEAL_DECISION_LABELS: dict[str, str] = {"upheld": "异议成立", "rejected": "异议不成立", "withdrawn": "已撤回"}
# 二(五)2 上级抽查: a sampled recognition's outcome (the draw's items, the recognition's spot_check).
SPOT_CHECK_OUTCOME_LABELS: dict[str, str] = {
    "pending": "待抽查", "passed": "抽查通过", "refused": "抽查不予认定", "material_requested": "已要求限期补充材料",
    "material_submitted": "已补充材料，待核查",
}
REASON_LABELS: dict[str, str] = {**TYPING_REASON_LABELS, **CULTIVATION_REASON_LABELS, **APPEAL_TARGET_LABELS,
                                 **APPEAL_DECISION_LABELS, **CREDIT_REASON_LABELS, **SPOT_CHECK_OUTCOME_LABELS}


def reason_label(code: str) -> str:
    """The Chinese label of a reason code; an unknown code is shown as it is (a test keeps that from happening)."""
    return REASON_LABELS.get(code, code)



def tables() -> dict[str, dict[str, str]]:
    """Every label table by name, as the API serves them (GET /api/v1/labels) for the pages' codes."""
    return {"type": TYPE_LABELS, "category": CATEGORY_LABELS, "business_status": BUSINESS_STATUS_LABELS,
            "status": STATUS_LABELS, "application_status": APPLICATION_STATUS_LABELS,
            "import_kind": IMPORT_KIND_LABELS, "relaxed_group": RELAXED_GROUP_LABELS, "role": ROLE_LABELS,
            "condition_group": CONDITION_GROUP_LABELS, "fact": FACT_LABELS, "source_record": SOURCE_RECORD_LABELS,
            "dataset": DATASET_LABELS, "county": COUNTIES, "reason": REASON_LABELS}
