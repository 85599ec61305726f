"""The support-measure catalog (帮扶措施) of 附件1 一(五) and 二(七), as seeded data.

Each measure keeps the seed's wording as its text; `department` names the responsible bureau of the
prefecture (附件3's list) and `conditions` what the seed makes it depend on. 二(七)：“名特优新”个体工商户
享受“成长型”和“发展型”个体工商户的各项支持政策措施 — a recognised business gets its category's measures and
both of those lists.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

CATALOG_VERSION = "measures-2024"
MSA, HRSS, FIN, PBOC, NFRA, CNIPA = ("地区市场监督管理局", "地区人社局", "地区财政局", "中国人民银行大兴安岭地区分行",
                                     "国家金融监督管理总局大兴安岭监管分局", "地区知识产权局")
COMMERCE, CULTURE, AGRI, INDUSTRY, BIZENV = "地区商务局", "地区文化和旅游局", "地区农业农村局", "地区工信局", "地区营商环境局"
ALL = "各相关部门"


@dataclass(frozen=True)
class Measure:
    code: str  # e.g. growth.A, renowned.C
    kind: str  # type | category
    basis: str  # survival | growth | development | renowned | distinctive | quality | emerging
    letter: str
    title: str
    text: str
    department: str
    conditions: str
    clause: str

    def as_dict(self) -> dict:
        return asdict(self)


def _m(kind: str, basis: str, clause: str, rows: list[tuple[str, str, str, str, str]]) -> list[Measure]:
    return [Measure(f"{basis}.{letter}", kind, basis, letter, title, text, dept, cond, f"{clause} {letter}")
            for letter, title, text, dept, cond in rows]


NONE = "无附加条件"
SURVIVAL = _m("type", "survival", "一(五)1", [
    ("A", "优化政务服务", "优化政务服务，在更多领域更大范围实现“高效办成一件事”，推动政务服务提质增效。", BIZENV, NONE),
    ("B", "维护公平竞争", "维护公平竞争，严格落实国家市场准入负面清单制度，确保个体工商户依法参与市场公平竞争的权利。", MSA, NONE),
    ("C", "加强创业指导", "加强创业指导，引导参加职业技能培训，增强创业就业能力。", HRSS, NONE),
    ("D", "减轻经营负担", "减轻经营负担，在地方政府权限内提供低价或免费经营场所；合理规划，设置便民菜场、摊点区等经营场所，允许临街店铺在属地"
          "政府划定的区域内开展外摆经营活动；推动各类市场主体服务平台间互联互通，延展平台服务链条。", COMMERCE, "在地方政府权限内"),
    ("E", "加大贷款贴息支持", "加大贷款贴息支持，积极运用创业担保贷款对符合条件的从事个体经营的人群创业提供金融支持。", f"{HRSS}、{FIN}、{PBOC}",
     "符合创业担保贷款条件的从事个体经营人员"),
    ("F", "实施包容审慎监管", "实施包容审慎监管，落实免罚清单制度。在“双随机、一公开”监管中，降低对信用风险低（A类）“生存型”个体工商户的抽查"
          "比例和频次。", MSA, "降低抽查比例和频次限于信用风险低（A类）的个体工商户"),
    ("G", "年度报告引导帮扶", "加强对个体工商户年度报告的引导帮扶，指导个体工商户如实报送年报，优化年报服务。", MSA, NONE),
    ("H", "降低工伤保险费率", "支持符合条件的个体工商户，按规定享受阶段性降低工伤保险费率政策。", HRSS, "符合阶段性降费政策条件"),
    ("I", "其他政策措施", "其他符合“生存型”个体工商户特点的政策措施。", ALL, NONE),
])
GROWTH = _m("type", "growth", "一(五)2", [
    ("A", "首贷和续贷支持", "持续扩大个体工商户首贷、信用贷投放，在风险可控情况下为符合条件的个体工商户提供首贷和续贷支持。", f"{NFRA}、{PBOC}",
     "风险可控且符合贷款条件"),
    ("B", "职业技能培训补贴", "对符合条件的个体工商户按规定给予职业技能培训补贴，帮助个体经营者提升素质和抗风险能力。", HRSS, "符合培训补贴条件"),
    ("C", "用工招聘服务", "引导个体工商户参加线上线下各类用工招聘活动，提供精准匹配、即时快招的服务，支持多渠道灵活就业，缓解个体工商户用工"
          "短缺难题。", HRSS, NONE),
    ("D", "降低失业、工伤保险费率", "支持符合条件的个体工商户，按规定享受阶段性降低失业保险费率、工伤保险费率政策。", HRSS, "符合阶段性降费政策条件"),
    ("E", "商标专利申请指导", "支持鼓励个体工商户申请商标、申报专利等，为其提供指导，创造便利条件。", CNIPA, NONE),
    ("F", "其他政策措施", "其他符合“成长型”个体工商户特点的政策措施。", ALL, NONE),
])
DEVELOPMENT = _m("type", "development", "一(五)3", [
    ("A", "个转企奖励补贴", "鼓励、引导转型升级为企业，符合相关政策条件的，按政策给予其相应奖励、补贴。", f"{MSA}、{FIN}", "转型升级为企业并符合相关政策条件"),
    ("B", "加大金融支持", "加大金融支持力度，鼓励引导各银行业金融机构和个体工商户入驻省融资信用服务平台，创新信用贷款等金融产品及服务方式。",
     f"{NFRA}、{PBOC}", NONE),
    ("C", "参加社会保险", "引导个体工商户按规定参加社会保险。", HRSS, NONE),
    ("D", "知识产权服务", "保护知识产权创新发展，鼓励个体工商户研发拥有自主知识产权的技术和产品，在知识产权获权、用权、维权等方面提供高效便捷"
          "的服务。", CNIPA, NONE),
    ("E", "品牌建设服务", "鼓励重点行业和领域个体工商户开展品牌建设，提供品牌建设、咨询指导等服务，培育一批重点行业和领域精品品牌。", MSA,
     "重点行业和领域"),
    ("F", "合法权益保护", "加强个体工商户合法权益保护。", MSA, NONE),
    ("G", "政府采购支持", "支持符合中小企业划分标准的“生存型”“成长型”“发展型”个体工商户参与政府采购，享受政府采购支持中小企业发展的预留份额和"
          "价格评审优惠政策。", FIN, "符合中小企业划分标准"),
    ("H", "普法志愿服务", "开展普法志愿服务，为个体工商户提供法治保障。", MSA, NONE),
    ("I", "降低工伤保险费率", "支持符合条件的个体工商户，按规定享受阶段性降低工伤保险费率政策。", HRSS, "符合阶段性降费政策条件"),
    ("J", "其他政策措施", "其他符合“发展型”个体工商户特点的政策措施。", ALL, NONE),
])
RENOWNED = _m("category", "renowned", "二(七)1", [
    ("A", "宣传推介", "充分发挥协会、商会的作用，加大宣传推介力度，提升“知名类”个体工商户在一定区域或在相关网络平台的知名度。", MSA, NONE),
    ("B", "品牌创建服务", "深化品牌创建服务。", MSA, NONE),
    ("C", "知识产权服务和保护", "优化知识产权服务和保护，提升商标申请便利度。加强对“知名类”个体工商户商标管理、知识产权保护、品牌规划、品牌运营"
          "的指导。", CNIPA, NONE),
    ("D", "党建引领", "落实党建引领，选派党建指导员，与“小个专”党支部点对点沟通联系，做好党建工作指导和生产经营纾困帮扶。", MSA, NONE),
    ("E", "其他政策措施", "其他符合“知名类”个体工商户特点的政策措施。", ALL, NONE),
])
DISTINCTIVE = _m("category", "distinctive", "二(七)2", [
    ("A", "技术与营销服务支持", "在技术研发、产品设计、检验检测、质量追溯、营销推广等方面加大服务支持力度。", f"{MSA}、{INDUSTRY}", NONE),
    ("B", "特色产品展示宣传", "安排特色产品展示宣传。", COMMERCE, NONE),
    ("C", "特色产业资源倾斜", "给予特色产业发展资源倾斜。", AGRI, NONE),
    ("D", "乡村旅游项目", "支持符合条件的个体工商户参与乡村旅游质量效益提升系列行动及产品线路推广等项目。", CULTURE, "符合乡村旅游项目条件"),
    ("E", "消费季、美食节活动", "鼓励和支持“特色类”个体工商户参加消费季、美食节活动等。", f"{COMMERCE}、{CULTURE}", NONE),
    ("F", "其他政策措施", "其他符合“特色类”个体工商户特点的政策措施。", ALL, NONE),
])
QUALITY = _m("category", "quality", "二(七)3", [
    ("A", "事迹宣传", "针对辖区内老字号、非物质文化遗产等类型个体工商户经营情况，强化事迹宣传，提升“优质类”个体工商户社会知晓度。",
     f"{MSA}、{CULTURE}", NONE),
    ("B", "传承指导", "加强对传统手工艺、祖传手艺等的传承指导，积极培养新一代传人、匠人。积极鼓励和引导传承人在经营机制、财务管理等方面进一步"
          "完善、创新，增强个体经济发展的动力。", f"{CULTURE}、{HRSS}", NONE),
    ("C", "参与标准制定", "鼓励优质类个体工商户参与国际标准、国家标准、行业标准、地方标准、团体标准的制定；对主导制定标准的单位给予指导支持。", MSA,
     NONE),
    ("D", "其他政策措施", "其他符合“优质类”个体工商户特点的政策措施。", ALL, NONE),
])
EMERGING = _m("category", "emerging", "二(七)4", [
    ("A", "平台企业支持", "鼓励互联网平台企业对“新兴类”个体工商户提供支持，协助提升网络营销能力，应用直播电商、社区电商、社交电商等新兴商业"
          "模式，实现线上线下经营融合发展。", COMMERCE, NONE),
    ("B", "平台流量倾斜", "积极引导辖区网络交易平台将流量向“新兴类”个体工商户倾斜。", MSA, NONE),
    ("C", "互联网经营技能培训", "加大互联网经营技能培训力度。", HRSS, NONE),
    ("D", "境外参展与跨境贸易", "引导支持有实力的“新兴类”个体工商户境外参展，开拓国际市场，开展加工和服务贸易、劳务合作和国际科技经贸活动，为其"
          "开展跨境贸易提供指导和帮助。", COMMERCE, "有实力开拓国际市场"),
    ("E", "研发投入与知识产权", "鼓励支持新型类个体工商户增加研发投入，强化核心技术自主创新能力，指导其申报拥有新型类行业知识产权，提升个体工商户"
          "的发展层次和质量。", f"{INDUSTRY}、{CNIPA}", NONE),
    ("F", "其他政策措施", "其他符合“新兴类”个体工商户特点的政策措施。", ALL, NONE),
])

BY_BASIS: dict[str, list[Measure]] = {
    "survival": SURVIVAL, "growth": GROWTH, "development": DEVELOPMENT,
    "renowned": RENOWNED, "distinctive": DISTINCTIVE, "quality": QUALITY, "emerging": EMERGING,
}
TYPES = ("survival", "growth", "development")
CATEGORIES = ("renowned", "distinctive", "quality", "emerging")
ALL_MEASURES: list[Measure] = [m for ms in BY_BASIS.values() for m in ms]


def for_type(type_code: str) -> list[Measure]:
    """一(五)：the measures of a business's published type (none for 不符合分型条件)."""
    return list(BY_BASIS.get(type_code, [])) if type_code in TYPES else []


def for_category(category: str) -> list[Measure]:
    """二(七)：a category's own measures plus every 成长型 and 发展型 measure."""
    return list(BY_BASIS[category]) + GROWTH + DEVELOPMENT


def qualifying(type_code: str | None, category: str | None) -> list[Measure]:
    """Every measure a business with this type and (valid) category qualifies for, each once."""
    seen: dict[str, Measure] = {}
    for m in (for_type(type_code) if type_code else []) + (for_category(category) if category else []):
        seen.setdefault(m.code, m)
    return list(seen.values())


def brief(measures: list[Measure]) -> list[dict]:
    """The event form (SupportMeasuresGranted.measures)."""
    return [{"code": m.code, "title": m.title, "department": m.department} for m in measures]
