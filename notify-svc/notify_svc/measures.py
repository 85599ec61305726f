"""A local copy of the support measures (帮扶措施) per type, from the seed 附件1 一（五）.

cultivation-svc owns the authoritative catalog and announces each business's measures with
SupportMeasuresGranted; this copy only lets the type-published message (免申即享) name the
measures on its own, before or without that event. Titles are shortened from the seed's text.
"""
from __future__ import annotations

SOURCE = "附件1 一（五）帮扶措施"

# 1.“生存型”个体工商户帮扶措施：A.–I.
SURVIVAL = [
    ("A", "优化政务服务，“高效办成一件事”"),
    ("B", "维护公平竞争，落实市场准入负面清单制度"),
    ("C", "加强创业指导，引导参加职业技能培训"),
    ("D", "减轻经营负担，提供低价或免费经营场所、外摆经营"),
    ("E", "加大贷款贴息支持，创业担保贷款"),
    ("F", "包容审慎监管，落实免罚清单，降低信用风险低（A类）户抽查比例和频次"),
    ("G", "年度报告引导帮扶，优化年报服务"),
    ("H", "按规定享受阶段性降低工伤保险费率政策"),
    ("I", "其他符合“生存型”个体工商户特点的政策措施"),
]
# 2.“成长型”个体工商户帮扶措施：A.–F.
GROWTH = [
    ("A", "扩大首贷、信用贷投放，提供首贷和续贷支持"),
    ("B", "按规定给予职业技能培训补贴"),
    ("C", "参加线上线下用工招聘活动，缓解用工短缺"),
    ("D", "按规定享受阶段性降低失业保险费率、工伤保险费率政策"),
    ("E", "支持申请商标、申报专利，提供指导和便利"),
    ("F", "其他符合“成长型”个体工商户特点的政策措施"),
]
# 3.“发展型”个体工商户帮扶措施：A.–J.
DEVELOPMENT = [
    ("A", "鼓励引导转型升级为企业，按政策给予奖励、补贴"),
    ("B", "加大金融支持，入驻省融资信用服务平台，创新信用贷款"),
    ("C", "引导按规定参加社会保险"),
    ("D", "知识产权获权、用权、维权便捷服务"),
    ("E", "品牌建设、咨询指导服务"),
    ("F", "加强合法权益保护"),
    ("G", "符合中小企业划分标准的参与政府采购，享受预留份额和价格评审优惠"),
    ("H", "普法志愿服务，提供法治保障"),
    ("I", "按规定享受阶段性降低工伤保险费率政策"),
    ("J", "其他符合“发展型”个体工商户特点的政策措施"),
]

MEASURES_BY_TYPE: dict[str, list[tuple[str, str]]] = {
    "survival": SURVIVAL, "growth": GROWTH, "development": DEVELOPMENT,
}


def measures_for_type(type_code: str) -> list[dict]:
    """The measures a type earns (免申即享), as [{"code", "title"}]; none for `excluded`."""
    return [{"code": f"{type_code}.{letter}", "title": title}
            for letter, title in MEASURES_BY_TYPE.get(type_code, [])]


def measure_lines(measures: list[dict]) -> str:
    """One line per measure: “A. 标题”, the letter taken from the code's last part."""
    out = []
    for m in measures:
        code = str(m.get("code") or "")
        letter = code.rsplit(".", 1)[-1] if code else ""
        dept = f"（{m['department']}）" if m.get("department") else ""
        out.append(f"{letter}. {m.get('title', '')}{dept}" if letter else f"· {m.get('title', '')}{dept}")
    return "\n".join(out)
