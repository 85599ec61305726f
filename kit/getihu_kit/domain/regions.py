"""大兴安岭地区 and its county-level units (DESIGN: Regions), with an alias table for older codes."""
from __future__ import annotations

PREFECTURE_CODE = "232700"
PREFECTURE_NAME = "大兴安岭地区"

# Official county-level units and the statistical districts (管委会区) of the prefecture.
COUNTIES: dict[str, str] = {
    "232701": "漠河市",
    "232721": "呼玛县",
    "232722": "塔河县",
    "232761": "加格达奇区",
    "232762": "松岭区",
    "232763": "新林区",
    "232764": "呼中区",
}

# Older lists use other codes for the same units; 漠河 was 漠河县 232723 before 2018.
ALIASES: dict[str, str] = {
    "232723": "232701",
    "232790": "232761",
    "232791": "232762",
    "232792": "232763",
    "232793": "232764",
    "232718": "232761",
}


class UnknownRegion(ValueError):
    pass


def canonical(code: str) -> str:
    """Map a current or historical code to the current county code."""
    code = (code or "").strip()
    if code in COUNTIES:
        return code
    if code in ALIASES:
        return ALIASES[code]
    raise UnknownRegion(f"行政区划代码“{code}”不属于大兴安岭地区的县级单位")


def name(code: str) -> str:
    return COUNTIES[canonical(code)]


def all_counties() -> list[dict[str, str]]:
    return [{"code": c, "name": n} for c, n in COUNTIES.items()]
