"""Streaming readers for bulk files: CSV, XLSX and JSON Lines (CONTRACT.md: Bulk).

Rows come out one at a time as (row_number, dict) with row numbers counting data rows from 1
(the header is not counted), so memory stays bounded whatever the file size.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

from getihu_kit.errors import InvalidInput, UnsupportedMedia

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSONL = "application/x-ndjson"
MEDIA_TYPES = {
    "text/csv": CSV, "application/csv": CSV,
    XLSX: XLSX,
    "application/x-ndjson": JSONL, "application/jsonl": JSONL, "application/json-lines": JSONL,
    "application/jsonlines": JSONL,
}


class RowError(Exception):
    """A row that cannot even be read (bad JSON line): reported, the import goes on."""

    def __init__(self, row: int, message: str, field: str | None = None):
        super().__init__(message)
        self.row, self.message, self.field = row, message, field


def media_kind(content_type: str | None) -> str:
    base = (content_type or "").split(";")[0].strip().lower()
    kind = MEDIA_TYPES.get(base)
    if kind is None:
        raise UnsupportedMedia(
            f"不支持的文件类型“{base or '未指定'}”：请以 text/csv、{XLSX} 或 application/x-ndjson 上传",
            field="Content-Type")
    return kind


class _ChunkReader(io.RawIOBase):
    def __init__(self, chunks: Iterable[bytes]):
        self._it = iter(chunks)
        self._buf = b""

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        while not self._buf:
            try:
                self._buf = next(self._it)
            except StopIteration:
                return 0
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


def _text_stream(chunks: Iterable[bytes]) -> io.TextIOBase:
    """UTF-8 (with or without BOM) as the rule; files saved by Chinese Excel in GB18030 too."""
    it = iter(chunks)
    first = b""
    for c in it:
        first += c
        if len(first) >= 65536:
            break
    encoding = "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(first, final=False)
    except UnicodeDecodeError:
        encoding = "gb18030"

    def all_chunks():
        yield first
        yield from it
    return io.TextIOWrapper(io.BufferedReader(_ChunkReader(all_chunks()), 1 << 20), encoding=encoding,
                            newline="", errors="strict")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value if value != "" else None
    return value


def read_csv(chunks: Iterable[bytes], required: set[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    stream = _text_stream(chunks)
    try:
        reader = csv.reader(stream)
        try:
            header = [h.strip().lower() for h in next(reader)]
        except StopIteration:
            raise InvalidInput("文件为空：第一行应为表头", field="file") from None
        _check_header(header, required)
        named = [(j, h) for j, h in enumerate(header) if h]
        width = len(header)
        for i, values in enumerate(reader, start=1):
            if not "".join(values).strip():  # a blank line or one of empty cells
                continue
            if len(values) < width:  # a short row has only the columns it reaches
                yield i, {h: _clean(v) for h, v in zip(header, values) if h}
                continue
            # csv yields str: the cell stripped, an empty cell as None (what _clean does, without a call per cell)
            yield i, {h: values[j].strip() or None for j, h in named}
    except UnicodeDecodeError:
        raise InvalidInput("文件编码无法识别：请保存为 UTF-8 编码的 CSV", field="file") from None


def read_xlsx(chunks: Iterable[bytes], required: set[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook

    with tempfile.TemporaryFile() as tmp:  # openpyxl needs a seekable file; spool to disk, not memory
        for c in chunks:
            tmp.write(c)
        tmp.seek(0)
        if not zipfile.is_zipfile(tmp):
            raise InvalidInput("上传的文件不是有效的 XLSX 工作簿（请用 Excel 另存为 .xlsx 后再上传）", field="file")
        tmp.seek(0)
        try:
            wb = load_workbook(tmp, read_only=True, data_only=True)
        except Exception:
            raise InvalidInput("上传的文件不是有效的 XLSX 工作簿（请用 Excel 另存为 .xlsx 后再上传）", field="file") from None
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        try:
            header = [str(h).strip().lower() if h is not None else "" for h in next(rows)]
        except StopIteration:
            raise InvalidInput("工作表为空：第一行应为表头", field="file") from None
        _check_header(header, required)
        n = 0
        for values in rows:
            if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            n += 1
            yield n, {h: _xlsx_value(v) for h, v in zip(header, values) if h}
        wb.close()


def _xlsx_value(v: Any) -> Any:
    import datetime as dt
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)
    return _clean(v)


def read_jsonl(chunks: Iterable[bytes]) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    stream = _text_stream(chunks)
    n = 0
    for line in stream:
        if not line.strip():
            continue
        n += 1
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            yield n, RowError(n, "该行不是合法的 JSON")
            continue
        if not isinstance(obj, dict):
            yield n, RowError(n, "该行应为 JSON 对象")
            continue
        yield n, obj


def read_rows(chunks: Iterable[bytes], content_type: str, required: set[str]
              ) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    kind = media_kind(content_type)
    if kind == CSV:
        return read_csv(chunks, required)
    if kind == XLSX:
        return read_xlsx(chunks, required)
    return read_jsonl(chunks)


def _check_header(header: list[str], required: set[str]) -> None:
    missing = sorted(required - set(header))
    if missing:
        raise InvalidInput(f"表头缺少必需的列：{', '.join(missing)}", field="header",
                           errors=[{"field": m, "message": "表头缺少该列"} for m in missing])
