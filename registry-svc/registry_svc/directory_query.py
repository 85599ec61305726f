"""What a 名录 query asks for: one exact USCC, or part of a name. Plain functions, no web, no database.

附件1 一(四)2 查询公示：“以个体工商户名称或统一社会信用代码为关键词查询” — the seed names the two keys and
nothing about how a typed keyword is read; the choices below are the platform's (dated parameter)."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from getihu_kit import clock
from getihu_kit.domain import uscc as uscc_code
from getihu_kit.parameters import DatedParameter

# The seed is silent on a minimum. One character matches a large share of a province's names and no
# index serves it (each indexed key is a pair of characters), so a name query needs two.
MIN_NAME_CHARS: DatedParameter[int] = DatedParameter.of(
    "directory_min_name_chars", 2, dt.date(2026, 12, 3),
    "附件1 一(四)2 未规定关键词长度；平台取值：名称关键词至少2个字（两字索引，单字匹配范围过大）")

_SPACES = re.compile(r"\s+")


def normalise(q: str) -> str:
    """Full-width to half-width (NFKC: ＡＢＣ１２３ → ABC123, the ideographic space to a space), letters
    upper-cased, spaces collapsed — the same normalisation the index applies to names (directory_normalise
    in the migration), so a query and a name compare alike."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", q)).strip().upper()


@dataclass(frozen=True)
class DirectoryQuery:
    uscc: str | None = None      # an exact code: one indexed lookup
    name_part: str | None = None  # part of a name, normalised


def read_query(q: str | None) -> DirectoryQuery | str:
    """The query a keyword asks, or why it cannot be answered (a message for the caller).

    A keyword that is a valid code once normalised is that business's code (一(四)2 “统一社会信用代码”);
    any other keyword is part of a name (一(四)2 “个体工商户名称”)."""
    text = normalise(q or "")
    if not text:
        return DirectoryQuery()
    compact = text.replace(" ", "")
    if uscc_code.is_valid(compact):
        return DirectoryQuery(uscc=compact)
    minimum = MIN_NAME_CHARS.on(clock.today())
    if len(text) < minimum:
        return f"请输入至少{minimum}个字的名称关键词，或完整的18位统一社会信用代码"
    return DirectoryQuery(name_part=text)


def character_pairs(text: str) -> list[str]:
    """The distinct pairs of neighbouring characters — what the index keeps of a name (directory_bigrams
    in the migration does the same in SQL)."""
    return sorted({text[i:i + 2] for i in range(len(text) - 1)})
