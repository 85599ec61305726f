"""GB/T 4754-2017 国民经济行业分类: sections (门类) A–T and the divisions (大类) each spans."""
from __future__ import annotations

import re

SECTIONS: dict[str, tuple[str, range]] = {
    "A": ("农、林、牧、渔业", range(1, 6)),
    "B": ("采矿业", range(6, 13)),
    "C": ("制造业", range(13, 44)),
    "D": ("电力、热力、燃气及水生产和供应业", range(44, 47)),
    "E": ("建筑业", range(47, 51)),
    "F": ("批发和零售业", range(51, 53)),
    "G": ("交通运输、仓储和邮政业", range(53, 61)),
    "H": ("住宿和餐饮业", range(61, 63)),
    "I": ("信息传输、软件和信息技术服务业", range(63, 66)),
    "J": ("金融业", range(66, 70)),
    "K": ("房地产业", range(70, 71)),
    "L": ("租赁和商务服务业", range(71, 73)),
    "M": ("科学研究和技术服务业", range(73, 76)),
    "N": ("水利、环境和公共设施管理业", range(76, 80)),
    "O": ("居民服务、修理和其他服务业", range(80, 83)),
    "P": ("教育", range(83, 84)),
    "Q": ("卫生和社会工作", range(84, 86)),
    "R": ("文化、体育和娱乐业", range(86, 91)),
    "S": ("公共管理、社会保障和社会组织", range(91, 97)),
    "T": ("国际组织", range(97, 98)),
}

_CODE = re.compile(r"^([A-T])?(\d{2,4})?$")


class InvalidIndustry(ValueError):
    pass


def section_of_division(division: int) -> str | None:
    for letter, (_, divisions) in SECTIONS.items():
        if division in divisions:
            return letter
    return None


def normalise(code: str) -> str:
    """Accept 'H', 'H62', 'H621', 'H6210' or the digits alone; return section letter + digits."""
    raw = (code or "").strip().upper()
    m = _CODE.match(raw)
    if not raw or not m or (m.group(1) is None and m.group(2) is None):
        raise InvalidIndustry(f"行业代码“{code}”不符合GB/T 4754-2017（例：H6210 或 H）")
    letter, digits = m.group(1), m.group(2)
    if digits is None:
        return letter
    section = section_of_division(int(digits[:2]))
    if section is None:
        raise InvalidIndustry(f"行业代码“{code}”的大类“{digits[:2]}”不存在")
    if letter and letter != section:
        raise InvalidIndustry(f"行业代码“{code}”的大类“{digits[:2]}”属于门类{section}，不属于门类{letter}")
    return section + digits


def section(code: str) -> str:
    return normalise(code)[0]
