"""The command line's exit status and messages, against the real registry-svc (its app in-process,
its worker with the import job loop, PostgreSQL and Kafka): an import that rejects rows is not a
success (exit 3, with the count); a missing file or a stopped gateway is a Chinese sentence, never a
traceback; `export` writes any list to CSV page by page."""
from __future__ import annotations

import csv
import json
import socket
import sys

import httpx
import pytest
from fastapi.testclient import TestClient

from getihu_cli import main as cli
from getihu_kit import testing
from getihu_kit.auth import issue_dev_token
from getihu_kit.domain import id_number, uscc
from getihu_kit.worker import Worker
from registry_svc.main import create_app
from registry_svc.settings import MIGRATIONS, Settings
from registry_svc.worker import spec

COLUMNS = ["uscc", "name", "operator_name", "operator_id_number", "operator_phone", "region_code",
           "industry_code", "established_on", "seasonal", "address", "business_scope"]


def row(serial: int, **over) -> list[str]:
    values = {"uscc": uscc.make("232701", serial=serial), "name": f"命令行山货店{serial}", "operator_name": "赵六",
              "operator_id_number": id_number.make(serial=serial), "operator_phone": "13912345678",
              "region_code": "232701", "industry_code": "F5225", "established_on": "2019-05-01", "seasonal": "否",
              "address": "加格达奇区人民路1号", "business_scope": "山货零售"} | over
    return [values[c] for c in COLUMNS]


def write_csv(path, rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        w.writerows(rows)


@pytest.fixture(scope="module")
def gateway(topic_prefix, kafka_bootstrap):
    s = Settings(database_url=testing.fresh_database("test_cli_registry", MIGRATIONS), topic_prefix=topic_prefix,
                 kafka_bootstrap=kafka_bootstrap)
    worker = Worker(spec(s, job_idle_wait_s=0.1))
    worker.start()
    token = issue_dev_token(sub="cli-clerk", roles=["prefecture_staff"], secret=s.jwt_secret, issuer=s.jwt_issuer,
                            audience=s.jwt_audience)
    try:
        with TestClient(create_app(s), headers={"Authorization": f"Bearer {token}"}) as c:
            yield c
    finally:
        worker.shutdown()


@pytest.fixture(autouse=True)
def quick_polls(monkeypatch):
    follow = cli.follow
    monkeypatch.setattr(cli, "follow", lambda poll, **kw: follow(poll, **kw, interval=0.05, out=sys.stderr))


def getihu(capsys, *argv, http=None) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        cli.main(list(argv), http=http)
    out = capsys.readouterr()
    return done.value.code, out.out, out.err


def test_an_import_whose_every_row_is_rejected_exits_3_with_the_count(gateway, capsys, tmp_path):
    f = tmp_path / "bad.csv"
    write_csv(f, [row(880_001, uscc="92232701L000000010"), row(880_002, region_code="999999")])
    code, out, err = getihu(capsys, "import", "businesses", str(f), http=gateway)
    assert code == cli.EXIT_REJECTED
    assert json.loads(out.strip().splitlines()[-1])["rejected"] == 2
    assert "拒收 2 行" in err and "第1行" in err and "Traceback" not in err


def test_an_import_with_some_rows_rejected_is_not_a_success_either(gateway, capsys, tmp_path):
    f = tmp_path / "mixed.csv"
    write_csv(f, [row(880_011), row(880_012, established_on="2999-01-01")])
    code, out, err = getihu(capsys, "import", "businesses", str(f), http=gateway)
    assert code == cli.EXIT_REJECTED and "拒收 1 行（接收 1 行）" in err


def test_a_clean_import_exits_0_and_the_job_command_agrees(gateway, capsys, tmp_path):
    f = tmp_path / "good.csv"
    write_csv(f, [row(880_021), row(880_022)])
    code, out, err = getihu(capsys, "import", "businesses", str(f), http=gateway)
    job = json.loads(out.strip().splitlines()[-1])
    assert code == 0 and (job["accepted"], job["rejected"]) == (2, 0) and "已完成" in err
    code, out, err = getihu(capsys, "job", job["id"], http=gateway)
    assert code == 0 and "已完成" in err and "completed" not in err


def test_export_writes_a_list_to_csv_page_by_page(gateway, capsys, tmp_path, monkeypatch):
    f = tmp_path / "good2.csv"
    write_csv(f, [row(880_031 + i) for i in range(3)])
    assert getihu(capsys, "import", "businesses", str(f), http=gateway)[0] == 0
    monkeypatch.setattr(cli, "export", _small_pages(cli.export))
    out_file = tmp_path / "businesses.csv"
    code, _, err = getihu(capsys, "export", "/api/v1/directory", "-o", str(out_file), "--query",
                          "q=命令行山货店88003", http=gateway)
    assert code == 0, err
    with out_file.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    exported = {r["uscc"] for r in rows}
    assert {uscc.make("232701", serial=880_031 + i) for i in range(3)} <= exported
    assert len(rows) == len(exported) and f"已导出 {len(rows)} 条" in err


def _small_pages(export):
    def paged(c, path, out, query, job=False):
        return export(c, path, out, query, limit=2, job=job)  # several pages, so the cursor is followed
    return paged


def test_export_takes_the_server_s_csv_stream_of_a_list_that_has_one(gateway, capsys, tmp_path):
    f = tmp_path / "good3.csv"
    write_csv(f, [row(880_041 + i, region_code="232764") for i in range(2)])
    assert getihu(capsys, "import", "businesses", str(f), http=gateway)[0] == 0
    out_file = tmp_path / "名录.csv"
    code, _, err = getihu(capsys, "export", "/api/v1/businesses", "-o", str(out_file), "--query", "region_code=232764",
                          http=gateway)
    assert code == 0, err
    with out_file.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["统一社会信用代码"] for r in rows} == {uscc.make("232701", serial=880_041 + i) for i in range(2)}
    assert {r["区划名称"] for r in rows} == {"呼中区"} and "MB" in err


def test_an_xlsx_export_runs_as_a_job_with_its_progress_bar(gateway, capsys, tmp_path):
    from openpyxl import load_workbook

    f = tmp_path / "good4.csv"
    write_csv(f, [row(880_051 + i, region_code="232762") for i in range(3)])
    assert getihu(capsys, "import", "businesses", str(f), http=gateway)[0] == 0
    out_file = tmp_path / "名录.xlsx"
    code, _, err = getihu(capsys, "export", "/api/v1/businesses", "-o", str(out_file), "--query", "region_code=232762",
                          http=gateway)
    assert code == 0, err
    assert "100.0%" in err and "已导出 3 行" in err
    sheet = list(load_workbook(out_file, read_only=True)["数据"].iter_rows(values_only=True))
    assert sorted(r[0] for r in sheet[1:]) == sorted(uscc.make("232701", serial=880_051 + i) for i in range(3))
    # A list without an export job says so in Chinese.
    code, _, err = getihu(capsys, "export", "/api/v1/directory", "-o", str(tmp_path / "x.xlsx"), http=gateway)
    assert code == cli.EXIT_USAGE and "没有导出任务" in err


@pytest.mark.parametrize("argv", [["export", "/api/v1/businesses", "-o", "x.csv", "--query", "year"],
                                  ["export", "/elsewhere", "-o", "x.csv"],
                                  ["export", "/api/v1/businesses", "-o", "x.pdf"]])
def test_export_refuses_bad_arguments_in_chinese(capsys, argv):
    code, _, err = getihu(capsys, *argv, http=httpx.Client(base_url="http://127.0.0.1:9"))
    assert code == cli.EXIT_USAGE and not err.strip().isascii()


def test_a_missing_file_is_a_sentence_not_a_traceback(capsys, tmp_path):
    code, _, err = getihu(capsys, "import", "businesses", str(tmp_path / "nowhere.csv"),
                          http=httpx.Client(base_url="http://127.0.0.1:9"))
    assert code == cli.EXIT_USAGE and "找不到文件" in err and "Traceback" not in err
    code, _, err = getihu(capsys, "import", "businesses", str(tmp_path),
                          http=httpx.Client(base_url="http://127.0.0.1:9"))
    assert code == cli.EXIT_USAGE and "不支持的文件类型" in err


def test_a_stopped_gateway_is_a_sentence_not_a_traceback(capsys, tmp_path, monkeypatch):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("GETIHU_URL", f"http://127.0.0.1:{port}")
    code, _, err = getihu(capsys, "job", "rg_x")
    assert code == cli.EXIT_UNREACHABLE and "无法连接平台网关" in err and str(port) in err
    f = tmp_path / "one.csv"
    write_csv(f, [row(880_041)])
    code, _, err = getihu(capsys, "import", "businesses", str(f))
    assert code == cli.EXIT_UNREACHABLE and "Traceback" not in err
