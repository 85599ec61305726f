"""kit.exports: streamed CSV and XLSX from a server-side cursor; sheets split at their row limit."""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from getihu_kit import exports, testing
from getihu_kit.db import make_engine


@pytest.fixture(scope="module")
def engine():
    e = make_engine(testing.fresh_database("test_kit_exports", None))
    yield e
    e.dispose()


def test_rows_come_from_a_server_side_cursor_in_order(engine):
    stmt = select(func.generate_series(1, 4500).label("n"))
    got = [r[0] for r in exports.export_rows(engine, stmt, fetch=1000)]
    assert got == list(range(1, 4501))


def test_csv_has_a_bom_for_excel_a_header_and_plain_values():
    rows = [("92232701L00000101H", Decimal("12.50"), dt.date(2025, 7, 1), None, "张三小吃")] * 1201
    data = b"".join(exports.csv_stream(["代码", "金额", "日期", "空", "名称"], rows))
    assert data.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert parsed[0] == ["代码", "金额", "日期", "空", "名称"] and len(parsed) == 1202
    assert parsed[1] == ["92232701L00000101H", "12.50", "2025-07-01", "", "张三小吃"]


def test_xlsx_splits_sheets_at_the_row_limit_header_included():
    rows = [(i, f"第{i}行") for i in range(1, 8)]
    data = b"".join(exports.xlsx_stream(["序号", "说明"], rows, max_rows=4))
    wb = load_workbook(io.BytesIO(data), read_only=True)
    assert wb.sheetnames == ["数据", "数据2", "数据3"]
    sheets = [list(wb[name].iter_rows(values_only=True)) for name in wb.sheetnames]
    assert all(s[0] == ("序号", "说明") for s in sheets) and [len(s) for s in sheets] == [4, 4, 2]
    assert [r[0] for s in sheets for r in s[1:]] == list(range(1, 8))


def test_an_empty_export_still_has_its_header():
    wb = load_workbook(io.BytesIO(b"".join(exports.xlsx_stream(["a"], []))), read_only=True)
    assert list(wb["数据"].iter_rows(values_only=True)) == [("a",)]
    assert b"".join(exports.csv_stream(["a"], [])) == b"\xef\xbb\xbfa\r\n"
