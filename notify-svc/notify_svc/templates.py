"""Message templates in Chinese, versioned by code and version.

A notification stores the template code and version it was rendered with and the rendered text,
so a later wording change never rewrites what a business was told. To change a text, add a new
version and point CURRENT at it; old versions stay here so stored notifications can be explained.
"""
from __future__ import annotations

from dataclasses import dataclass

from getihu_kit.labels import APPEAL_DECISION_LABELS, APPEAL_TARGET_LABELS, reason_label

EMAIL, SMS = "email", "sms"
SMS_SIGNATURE = "【个体工商户服务】"


@dataclass(frozen=True)
class Template:
    code: str
    version: int
    title: str
    body: str
    channels: tuple[str, ...] = ()  # besides the inbox, which every notification has

    def render(self, data: dict) -> tuple[str, str]:
        """(title, body) with the event's data; a missing field is a bug in the caller, so it raises."""
        return self.title.format_map(data), self.body.format_map(data)

    def sms_text(self, title: str) -> str:
        return f"{SMS_SIGNATURE}{title}。详情请登录个体工商户服务平台查看站内信。"


_APPEAL_HINT = "如对结果有异议，可自收到本通知之日起通过平台提出异议申请。"

_ALL = [
    Template("typing.result", 1, "{year}年度个体工商户分型结果：{type_label}",
             "{name}（统一社会信用代码 {uscc}）：\n"
             "根据个体工商户分型标准（规则版本 {ruleset}），贵户{year}年度分型结果为“{type_label}”，"
             "已在个体工商户名录中标注。\n"
             "“{type_label}”个体工商户免申即享以下帮扶措施（附件1 一（五））：\n{measures}\n"
             "具体措施及办理部门以培育平台发布的帮扶清单为准。" + _APPEAL_HINT,
             (EMAIL, SMS)),
    Template("typing.excluded", 1, "{year}年度个体工商户分型结果：不符合分型条件",
             "{name}（统一社会信用代码 {uscc}）：\n"
             "根据个体工商户分型标准（规则版本 {ruleset}），贵户{year}年度不符合分型条件，原因：{reasons}。\n"
             "请按要求报送年度报告、及时办理信用修复或移出经营异常名录，下一年度将重新判定。" + _APPEAL_HINT,
             (EMAIL, SMS)),
    Template("typing.corrected", 1, "{year}年度分型结果已更正：{type_label}",
             "{name}（统一社会信用代码 {uscc}）：\n"
             "经异议复核（异议编号 {appeal_id}），贵户{year}年度分型结果更正为“{type_label}”。更正理由：{correction_reason}\n"
             "{measures_intro}{measures}",
             (EMAIL, SMS)),
    Template("typing.published.staff", 1, "{year}年度个体工商户分型结果已发布",
             "{year}年度个体工商户分型结果已发布（批次 {run_id}，规则版本 {ruleset}）。本辖区（{region_code}）："
             "生存型 {survival} 户，成长型 {growth} 户，发展型 {development} 户，不符合分型条件 {excluded} 户。"
             "请依托培育平台开展分型分类精准帮扶和“名特优新”申报组织工作。"),
    Template("appeal.filed.appellant", 1, "异议申请已受理（{appeal_id}）",
             "您对{target_label}（统一社会信用代码 {uscc}）提出的异议申请已受理，异议编号 {appeal_id}。"
             "我们将于 {due_on} 前答复，请留意站内信。"),
    Template("appeal.filed.staff", 1, "新的异议申请待处理（{appeal_id}）",
             "个体工商户（统一社会信用代码 {uscc}）对{target_label}提出异议，异议编号 {appeal_id}，"
             "异议理由：{grounds}。请于 {due_on} 前办结答复。"),
    Template("appeal.decided.appellant", 1, "异议处理结果：{decision_label}（{appeal_id}）",
             "您对{target_label}（统一社会信用代码 {uscc}）提出的异议（编号 {appeal_id}）已办结，"
             "处理结果：{decision_label}。理由：{reason}{corrected}"),
    Template("appeal.decided.staff", 1, "异议已办结：{decision_label}（{appeal_id}）",
             "个体工商户（统一社会信用代码 {uscc}）的异议（编号 {appeal_id}）已办结，"
             "处理结果：{decision_label}。理由：{reason}{corrected}"),
    Template("cultivation.window.opened", 1, "{year}年度“名特优新”个体工商户申报已开始",
             "{name}（统一社会信用代码 {uscc}）：\n"
             "本辖区{year}年度“名特优新”（知名、特色、优质、新兴）个体工商户申报窗口已开放，"
             "申报时间 {opens_on} 至 {closes_on}。贵户分型为“{type_label}”，可通过培育平台自愿申报。",
             (EMAIL, SMS)),
    Template("cultivation.application", 1, "“名特优新”申报进度：{status_label}",
             "{name}（统一社会信用代码 {uscc}）：\n"
             "贵户{year}年度“{category_label}类”个体工商户申报（编号 {application_id}）当前状态：{status_label}。{reason_text}"),
    Template("cultivation.material_requested", 1, "“名特优新”申报需补充材料",
             "{name}（统一社会信用代码 {uscc}）：\n"
             "贵户{year}年度“{category_label}类”个体工商户申报（编号 {application_id}）需补充材料。{reason_text}"
             "请于 {due_on} 前通过培育平台提交。",
             (EMAIL, SMS)),
    Template("cultivation.recognition.granted", 1, "已认定为“{category_label}类”个体工商户",
             "{name}（统一社会信用代码 {uscc}）：\n"
             "贵户已于 {recognised_on} 被认定为“{category_label}类”个体工商户，有效期至 {valid_until}，"
             "自 {benefits_from} 起享受相关扶持政策。有效期内请于每年7月底前通过培育平台完成信息报告。",
             (EMAIL, SMS)),
    Template("cultivation.recognition.extended", 1, "“{category_label}类”个体工商户认定有效期已延长",
             "{name}（统一社会信用代码 {uscc}）：\n"
             "经评估，贵户“{category_label}类”个体工商户认定有效期延长至 {valid_until}。",
             (EMAIL, SMS)),
    Template("cultivation.recognition.cancelled", 1, "“{category_label}类”个体工商户认定已取消",
             "{name}（统一社会信用代码 {uscc}）：\n"
             "贵户“{category_label}类”个体工商户认定已取消。{reason_text}",
             (EMAIL, SMS)),
    Template("cultivation.recognition.revoked", 1, "“{category_label}类”个体工商户认定已撤销",
             "{name}（统一社会信用代码 {uscc}）：\n"
             "贵户“{category_label}类”个体工商户认定已撤销。{reason_text}",
             (EMAIL, SMS)),
    Template("cultivation.recognition.expired", 1, "“{category_label}类”个体工商户认定已到期",
             "{name}（统一社会信用代码 {uscc}）：\n"
             "贵户“{category_label}类”个体工商户认定已于 {valid_until} 到期。",
             (EMAIL, SMS)),
    Template("measures.granted", 1, "您可免申即享的帮扶措施（{basis_label}）",
             "{name}（统一社会信用代码 {uscc}）：\n"
             "根据贵户{year}年度{basis_label}，以下帮扶措施免申即享：\n{measures}"),
    Template("monitoring.questionnaire", 1, "请填写问卷：{title}",
             "{name}（统一社会信用代码 {uscc}）：\n"
             "市场监管部门开展惠企政策宣传和个体工商户发展情况问卷调查，邀请贵户填写“{title}”（第{version}版）"
             "{closes_text}。请登录个体工商户服务平台，在“收到的问卷”中填写，每户填写一次。",
             (EMAIL,)),
    Template("reminder.annual_report", 1, "请于{due_on}前报送{report_year}年度年度报告",
             "{name}（统一社会信用代码 {uscc}）：\n"
             "个体工商户应于每年6月30日前报送上一年度年度报告。贵户尚未报送{report_year}年度年度报告，"
             "请于 {due_on} 前通过国家企业信用信息公示系统报送。未按时报送的，将被标记为经营异常状态，"
             "且不符合当年分型条件。",
             (EMAIL, SMS)),
    Template("reminder.info_report", 1, "请于{due_on}前完成“名特优新”信息报告",
             "{name}（统一社会信用代码 {uscc}）：\n"
             "贵户为“{category_label}类”个体工商户，认定有效期内应于每年7月底前通过培育平台完成信息报告，"
             "本年度截止日期为 {due_on}。",
             (EMAIL, SMS)),
    Template("cultivation.info_report.due", 1, "经营者已变更，请于{due_on}前完成“名特优新”信息报告",
             "{name}（统一社会信用代码 {uscc}）：\n"
             "登记机关记录贵户于 {opened_on} 变更经营者。按附件1 二（六），“名特优新”个体工商户变更经营者的，"
             "要在变更后及时报告：请于 {due_on} 前通过培育平台提交变更经营者后的信息报告。",
             (EMAIL, SMS)),
    Template("reminder.operator_change_report", 1, "请于{due_on}前提交变更经营者后的信息报告",
             "{name}（统一社会信用代码 {uscc}）：\n"
             "贵户于 {opened_on} 变更经营者后的“名特优新”信息报告尚未提交，截止日期为 {due_on}，"
             "请及时通过培育平台提交。",
             (EMAIL, SMS)),
    Template("reminder.validity_ending", 1, "“{category_label}类”个体工商户认定将于{valid_until}到期",
             "{name}（统一社会信用代码 {uscc}）：\n"
             "贵户“{category_label}类”个体工商户认定有效期至 {valid_until}。有效期最后一年由认定部门进行评估，"
             "符合条件的有效期延长3年，请按要求准备相关材料。",
             (EMAIL, SMS)),
]

ALL_VERSIONS: dict[tuple[str, int], Template] = {(t.code, t.version): t for t in _ALL}
CURRENT: dict[str, Template] = {}
for _t in _ALL:
    if _t.code not in CURRENT or _t.version > CURRENT[_t.code].version:
        CURRENT[_t.code] = _t


def current(code: str) -> Template:
    return CURRENT[code]


APPLICATION_STATUS_LABELS = {
    "submitted": "已提交", "awaiting_consent": "待经营者确认推荐", "in_review": "县级审核中",
    "site_visit": "实地核查中", "soliciting": "征求意见中", "public_notice": "公示中", "on_hold": "暂缓办理",
    "recognised": "已认定", "refused": "未通过", "withdrawn": "已撤回", "material_requested": "需补充材料",
}
# One table each, in kit (the labels every service and the console show).
DECISION_LABELS = APPEAL_DECISION_LABELS
TARGET_LABELS = APPEAL_TARGET_LABELS


def reason_text(codes: list[str]) -> str:
    return "、".join(reason_label(c) for c in codes) or "未满足分型基础条件"
