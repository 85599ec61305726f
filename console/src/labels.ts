/**
 * Chinese labels of the codes the API answers with but does not label yet.
 *
 * Type and category labels come from the API (`type.label`, `category_label`, `type_label`,
 * `status_label`, the standards' `types`) and are never copied here. The statuses below have no label
 * in the API's answers; each map is typed by the API's own enum, so a new code fails the build
 * instead of reaching a page as a raw word. They belong in the API (a `*_label` beside each code).
 */
import type { Schema } from "./api";

type Codes<T> = Record<Extract<T, string>, string>;

export const BUSINESS_STATUS: Codes<Schema<"DirectoryEntry">["status"]> = {
  registered: "登记在册", revoked: "已吊销", cancelled: "已注销", withdrawn: "已撤销",
};

export const RUN_STATUS: Codes<Schema<"RunRead">["status"]> = {
  queued: "排队中", waiting_for_data: "等待部门数据", running: "运行中", completed: "已完成",
  failed: "失败", publishing: "发布中", published: "已发布",
};

export const JOB_STATUS: Codes<Schema<"JobRead">["status"]> = {
  queued: "排队中", running: "处理中", completed: "已完成", failed: "失败",
};

export const APPLICATION_STATUS: Codes<Schema<"ApplicationRead">["status"]> = {
  new: "新建", submitted: "已提交待审核", awaiting_consent: "待经营者同意", site_visit: "实地核查",
  soliciting: "征求部门意见", public_notice: "公示中", on_hold: "暂缓", recognised: "已认定",
  refused: "未通过", withdrawn: "已撤回", material_requested: "待补充材料",
};

export const IMPORT_KIND: Codes<Schema<"ImportAccepted">["kind"]> = {
  businesses: "个体工商户登记信息", annual_reports: "年度报告", marks: "经营异常、违法失信等标记", status: "登记状态变更",
};

export const RELAXED_GROUP: Codes<NonNullable<Schema<"ApplicationCreate">["relaxed_group"]>> = {
  veteran: "退役军人", graduate: "高校毕业生", disabled: "残疾人", returning_migrant_worker: "返乡入乡创业人员",
};

// The category labels of an application or criteria, which answer with the code only.
export const CATEGORY: Codes<Schema<"ApplicationCreate">["category"]> = {
  renowned: "知名", distinctive: "特色", quality: "优质", emerging: "新兴",
};

// The roles of the development issuer (kit auth.ROLES).
export const ROLE: Record<string, string> = {
  public: "社会公众", operator: "经营者", county_staff: "县级市场监管局工作人员",
  prefecture_staff: "地区市场监管局工作人员", department: "行业主管部门", agency: "数据共享部门",
  national_directory: "国家名录系统", financial_institution: "金融机构", admin: "系统管理员",
};

// Condition groups of the typing explanation (the ruleset's groups).
export const CONDITION_GROUP: Record<string, string> = {
  basic: "基础条件", seniority: "成长型、发展型共同条件", growth: "成长型条件", development: "发展型条件",
};

// The keys of an explanation's `fact` and `source` (typing-svc service.explanation).
export const FACT: Record<string, string> = {
  established_on: "成立日期", report_year: "年报年度", submitted_on: "年报报送日期",
  unresolved_mark_on_reference_date: "基准日存在未消除的标记", abnormal_taxpayer: "非正常户",
  general_taxpayer: "一般纳税人", tax_paid: "纳税额（元）", year: "年度", insured_employees: "参保人数",
  trademarks_in_use: "在用商标数", patents: "专利数", employees: "雇员人数",
};

export const SOURCE_RECORD: Record<string, string> = {
  business: "登记信息", annual_report: "年度报告", marks: "经营异常、违法失信等标记",
};

export const DATASET: Record<string, string> = {
  tax: "税务", social_insurance: "社会保险", trademark: "商标", patent: "专利",
  dishonest_debtor: "失信被执行人", certificate: "认证证书",
};

// 大兴安岭地区's county-level units (kit domain.regions; the API names them in `region_name`).
export const COUNTY: Record<string, string> = {
  "232701": "漠河市", "232721": "呼玛县", "232722": "塔河县", "232761": "加格达奇区",
  "232762": "松岭区", "232763": "新林区", "232764": "呼中区",
};

export function label(map: Record<string, string>, code: string | null | undefined, fallback = "—"): string {
  return code ? (map[code] ?? fallback) : fallback;
}
