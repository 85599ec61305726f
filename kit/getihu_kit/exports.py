"""Exports a clerk takes to Excel (CONTRACT: Exports): a staff list streamed as CSV or XLSX, in constant memory.

`export_rows(engine, stmt, columns)` reads the rows on a connection of its own with a server-side
cursor (a list of a million rows is never held), and `csv_stream` / `xlsx_stream` turn them into the
bytes of a streamed answer. CSV is UTF-8 with a byte-order mark, which Excel needs to read Chinese; an
XLSX sheet holds at most 1,048,576 rows (the header included), so a longer list goes on to the next sheet.
The workbook is written by openpyxl's write-only mode to a temporary file (memory stays flat; the file
is on disk, removed when the stream ends).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from sqlalchemy import Select
from sqlalchemy.engine import Engine

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
XLSX_MAX_ROWS = 1_048_576
# The columns of a job's refused rows (kit.jobs: each error is {row, field, message}).
ROW_ERROR_HEADER = ("行号（不含表头）", "列", "问题及处理办法")
FETCH = 2000


def export_rows(engine: Engine, stmt: Select, *, fetch: int = FETCH) -> Iterator[Sequence[Any]]:
    """The rows of `stmt` in order, fetched `fetch` at a time from a server-side cursor."""
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, max_row_buffer=fetch).execute(stmt)
        for part in result.partitions(fetch):
            yield from part


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return str(v)


def csv_stream(header: Sequence[str], rows: Iterable[Sequence[Any]],
               cell: Callable[[Any], str] = _text) -> Iterator[bytes]:
    """CSV bytes, a few hundred rows per piece."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    yield b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")
    buf.seek(0)
    buf.truncate()
    for i, row in enumerate(rows, 1):
        writer.writerow([cell(v) for v in row])
        if i % 500 == 0:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    if buf.getvalue():
        yield buf.getvalue().encode("utf-8")


def _xlsx_value(v: Any) -> Any:
    if isinstance(v, dt.datetime) and v.tzinfo is not None:
        return v.replace(tzinfo=None)  # Excel has no time zones: the instant in UTC, as stored
    if isinstance(v, Decimal):
        return v
    return v


def xlsx_stream(header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "数据",
                max_rows: int = XLSX_MAX_ROWS) -> Iterator[bytes]:
    """An XLSX workbook's bytes; every `max_rows - 1` data rows start a new sheet (`数据`, `数据2`, …)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws, n, sheets = None, 0, 0
    for row in rows:
        if ws is None or n >= max_rows - 1:
            sheets += 1
            ws = wb.create_sheet(sheet if sheets == 1 else f"{sheet}{sheets}")
            ws.append(list(header))
            n = 0
        ws.append([_xlsx_value(v) for v in row])
        n += 1
    if ws is None:
        wb.create_sheet(sheet).append(list(header))
    with tempfile.TemporaryFile() as f:
        wb.save(f)
        f.seek(0)
        while block := f.read(1 << 20):
            yield block


def stream(fmt: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> tuple[Iterator[bytes], str]:
    """The bytes and media type of an export in `fmt` (csv | xlsx)."""
    if fmt == "xlsx":
        return xlsx_stream(header, rows), XLSX_TYPE
    return csv_stream(header, rows), CSV_TYPE


def negotiated(fmt: str, accept: str | None) -> str:
    """The format of a list's answer: `format=` when given, else an Accept of text/csv or the XLSX
    type (CONTRACT: Exports), else json."""
    if fmt != "json" or not accept:
        return fmt
    if XLSX_TYPE in accept:
        return "xlsx"
    if "text/csv" in accept:
        return "csv"
    return fmt


def attachment(filename: str) -> dict[str, str]:
    """The header that makes a browser save the answer as `filename` (Chinese names kept, RFC 6266)."""
    return {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"}


def file_responses(description: str) -> dict:
    """The OpenAPI `responses` of a route that answers with an export in csv or xlsx."""
    return {200: {"description": description, "content": {
        "text/csv": {"schema": {"type": "string"}},
        XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}}}}


def row_errors(errors: Iterable[dict[str, Any]], fmt: str) -> tuple[Iterator[bytes], str]:
    """A job's refused rows as a file the clerk corrects in Excel and imports again."""
    rows = ((e.get("row"), e.get("field"), e.get("message")) for e in errors)
    return stream(fmt, ROW_ERROR_HEADER, rows)
