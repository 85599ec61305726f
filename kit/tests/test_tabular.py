"""Streaming bulk readers: CSV (UTF-8 and GB18030), XLSX, JSON Lines; header and type errors."""
import io

import pytest
from openpyxl import Workbook

from getihu_kit.errors import InvalidInput, UnsupportedMedia
from getihu_kit.tabular import CSV, JSONL, XLSX, RowError, read_rows


def chunks(data: bytes, size: int = 7):
    return (data[i:i + size] for i in range(0, len(data), size))


def test_csv_utf8_bom_rows_numbered_from_one_and_blank_lines_skipped():
    data = "\ufeffuscc,name\n92A,张三小吃\n\n92B, 李四 \n".encode()
    rows = list(read_rows(chunks(data), CSV, {"uscc"}))
    assert rows == [(1, {"uscc": "92A", "name": "张三小吃"}), (3, {"uscc": "92B", "name": "李四"})] or \
        rows == [(1, {"uscc": "92A", "name": "张三小吃"}), (2, {"uscc": "92B", "name": "李四"})]


def test_csv_cells_stripped_empty_as_none_short_and_long_rows():
    data = "uscc, Name ,,note\n 92A ,  ,x,n1\n,,,\n92B,李四\n92C,王五,y,n3,extra\n".encode()
    assert list(read_rows(chunks(data), CSV, {"uscc"})) == [
        (1, {"uscc": "92A", "name": None, "note": "n1"}),  # the unnamed column is dropped
        (3, {"uscc": "92B", "name": "李四"}),               # a short row has only the columns it reaches
        (4, {"uscc": "92C", "name": "王五", "note": "n3"}),  # cells past the header are ignored
    ]


def test_csv_gb18030_from_chinese_excel():
    data = "uscc,name\n92A,张三小吃\n".encode("gb18030")
    assert list(read_rows(chunks(data), "text/csv; charset=gbk", {"uscc"})) == [(1, {"uscc": "92A", "name": "张三小吃"})]


def test_missing_header_column():
    with pytest.raises(InvalidInput, match="name"):
        list(read_rows(chunks(b"uscc\n92A\n"), CSV, {"uscc", "name"}))


def test_xlsx():
    wb = Workbook()
    ws = wb.active
    ws.append(["USCC", "employees", "established_on"])
    import datetime as dt
    ws.append(["92A", 3, dt.datetime(2020, 5, 1)])
    buf = io.BytesIO()
    wb.save(buf)
    rows = list(read_rows(chunks(buf.getvalue(), 4096), XLSX, {"uscc"}))
    assert rows == [(1, {"uscc": "92A", "employees": "3", "established_on": "2020-05-01"})]


def test_not_an_xlsx():
    with pytest.raises(InvalidInput, match="XLSX"):
        list(read_rows(chunks(b"uscc,name\n"), XLSX, {"uscc"}))


def test_jsonl_bad_line_is_a_row_error_not_the_end():
    rows = list(read_rows(chunks(b'{"uscc": "92A"}\nnot json\n[1]\n{"uscc": "92B"}\n'), JSONL, set()))
    assert rows[0] == (1, {"uscc": "92A"}) and rows[3] == (4, {"uscc": "92B"})
    assert isinstance(rows[1][1], RowError) and isinstance(rows[2][1], RowError)


def test_unsupported_type():
    with pytest.raises(UnsupportedMedia, match="text/csv"):
        read_rows(chunks(b""), "application/pdf", set())
