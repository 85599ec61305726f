"""getihu — command line over the gateway.

  getihu token --sub clerk --role county_staff --region 232701     (development issuer only)
  getihu import businesses data.csv                               (upload, then a progress bar)
  getihu data-sharing tax 2024 tax.csv                            (agency file upload)
  getihu typing run 2025 [--reference-date 2025-06-30]            (start a run, follow it to completed)
  getihu typing publish <run id>                                  (publish a run, follow it to published)
  getihu job <id>                                                 (follow any job)

  getihu typing run 2025 --region 232701 --region 232721           (a run for some counties only)
  getihu export /api/v1/typing/results -o results.csv --query year=2025   (the server's CSV stream)
  getihu export /api/v1/businesses -o 名录.xlsx                      (an export job: progress bar, then the file)

Environment: GETIHU_URL (default http://127.0.0.1:8000), GETIHU_TOKEN (a bearer token).

Exit status: 0 done; 1 the work failed or was refused; 2 a usage or file problem; 3 the import
completed but rejected rows (their count is printed); 4 the gateway cannot be reached.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import sys
from pathlib import Path

import httpx

from getihu_cli.progress import follow
from getihu_kit.labels import status_label, type_label

EXIT_FAILED, EXIT_USAGE, EXIT_REJECTED, EXIT_UNREACHABLE = 1, 2, 3, 4


class Stop(Exception):
    """End the command with a Chinese message and an exit status (main prints it, no traceback)."""

    def __init__(self, message: str, code: int = EXIT_FAILED):
        super().__init__(message)
        self.code = code


MEDIA = {".csv": "text/csv", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         ".jsonl": "application/x-ndjson", ".ndjson": "application/x-ndjson"}


def client() -> httpx.Client:
    headers = {}
    if os.environ.get("GETIHU_TOKEN"):
        headers["Authorization"] = f"Bearer {os.environ['GETIHU_TOKEN']}"
    return httpx.Client(base_url=os.environ.get("GETIHU_URL", "http://127.0.0.1:8000"), headers=headers,
                        timeout=httpx.Timeout(60, write=600))


def fail(response: httpx.Response) -> None:
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        print(f"错误 {response.status_code}：{body.get('detail', body)}", file=sys.stderr)
        for e in body.get("errors", [])[:20]:
            print(f"  - {e.get('field')}: {e.get('message')}", file=sys.stderr)
    else:
        print(f"错误 {response.status_code}：{response.text[:500]}", file=sys.stderr)
    sys.exit(EXIT_FAILED)


def readable_file(path: Path) -> Path:
    if not path.exists():
        raise Stop(f"找不到文件：{path}（请核对路径）", EXIT_USAGE)
    if not path.is_file():
        raise Stop(f"不是文件：{path}（请给出要上传的文件，而不是目录）", EXIT_USAGE)
    if not os.access(path, os.R_OK):
        raise Stop(f"无权读取文件：{path}", EXIT_USAGE)
    return path


def stream_file(path: Path, chunk: int = 1 << 20):
    with path.open("rb") as f:
        while data := f.read(chunk):
            yield data


def get(c: httpx.Client, path: str) -> dict:
    r = c.get(path)
    if r.status_code != 200:
        fail(r)
    return r.json()


def follow_job(c: httpx.Client, job_id: str, describe=None) -> dict:
    state = follow(lambda: get(c, f"/api/v1/jobs/{job_id}"), done=lambda s: s["status"] in ("completed", "failed"),
                   describe=describe or (lambda s: f"{status_label(s['status'])} 已处理 {s.get('processed', 0)} "
                                                   f"接收 {s.get('accepted', 0)} 拒收 {s.get('rejected', 0)}"))
    for e in state.get("errors", [])[:20]:
        print(f"  第{e.get('row')}行 {e.get('field') or ''}: {e.get('message')}", file=sys.stderr)
    return state


def job_exit(state: dict) -> None:
    """The exit status of a finished job: failed, or completed with rejected rows, is not success."""
    rejected = int(state.get("rejected") or 0)
    if state["status"] != "completed":
        raise Stop(f"任务{status_label(state['status'])}：{state.get('message') or '请查看上面的错误'}"
                   + (f"（已拒收 {rejected} 行）" if rejected else ""), EXIT_FAILED)
    if rejected:
        raise Stop(f"任务已完成，但拒收 {rejected} 行（接收 {state.get('accepted', 0)} 行）："
                   "请按上面列出的行号改正后重新导入这些行", EXIT_REJECTED)
    sys.exit(0)


def upload(c: httpx.Client, url: str, path: Path, params: dict) -> None:
    media = MEDIA.get(path.suffix.lower())
    if media is None:
        raise Stop(f"不支持的文件类型：{path.suffix or '无扩展名'}（支持 .csv .xlsx .jsonl）", EXIT_USAGE)
    readable_file(path)
    r = c.post(url, params=params, content=stream_file(path), headers={"Content-Type": media})
    if r.status_code != 202:
        fail(r)
    state = follow_job(c, r.json()["id"])
    print(json.dumps({k: state[k] for k in ("id", "status", "accepted", "rejected")}, ensure_ascii=False))
    job_exit(state)


def typing_run(c: httpx.Client, year: int, reference_date: str | None, regions: list[str] | None = None) -> None:
    """Start a run (for some counties only with --region) and follow it until it is done."""
    body = ({"year": year} | ({"reference_date": reference_date} if reference_date else {})
            | ({"region_codes": regions} if regions else {}))
    r = c.post("/api/v1/typing/runs", json=body)
    if r.status_code != 202:
        fail(r)
    run_id = r.json()["id"]
    state = follow(lambda: get(c, f"/api/v1/typing/runs/{run_id}"),
                   done=lambda s: s["status"] in ("completed", "failed", "publishing", "published"),
                   describe=lambda s: f"{status_label(s['status'])} {counts_text(s.get('counts'))}")
    print(json.dumps(state, ensure_ascii=False))
    if state["status"] == "failed":
        raise Stop(f"分型运行失败：{state.get('message') or '请查看分型服务的日志'}", EXIT_FAILED)
    sys.exit(0)


def counts_text(counts: dict | None) -> str:
    return " ".join(f"{type_label(k)} {v}" for k, v in (counts or {}).items())


def typing_publish(c: httpx.Client, run_id: str) -> None:
    """Publish a run: the service answers at once with the run `publishing` and its job; follow the
    job's progress until the run is `published` (or the publication stopped: publish again to go on)."""
    r = c.post(f"/api/v1/typing/runs/{run_id}/publish")
    if r.status_code != 202:
        fail(r)
    follow_job(c, r.json()["job_id"], describe=lambda s: f"{status_label('publishing')} 已发布 {s.get('processed', 0)} 户")
    run = get(c, f"/api/v1/typing/runs/{run_id}")
    print(json.dumps(run, ensure_ascii=False))
    if run["status"] != "published":
        raise Stop(f"发布未完成（{status_label(run['status'])}）：{run.get('message') or '再次发布可继续'}",
                   EXIT_FAILED)
    sys.exit(0)


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _query_params(query: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for q in query:
        key, sep, value = q.partition("=")
        if not sep or not key:
            raise Stop(f"查询条件应为“名称=值”格式：{q}", EXIT_USAGE)
        params[key] = value
    return params


def _save(response: httpx.Response, out: Path) -> int:
    """A streamed file into `out`, a block at a time; the bytes written (shown as they arrive)."""
    size = 0
    with out.open("wb") as f:
        for block in response.iter_bytes(1 << 16):
            f.write(block)
            size += len(block)
            print(f"\r已下载 {size / 2**20:.1f} MB", end="", file=sys.stderr)
    return size


def export(c: httpx.Client, path: str, out: Path, query: list[str], limit: int = 500, job: bool = False) -> None:
    """A staff list to a file (CONTRACT: Exports). CSV: the server's own stream (`format=csv`, its
    Chinese headers and labels). XLSX, or `job`: the list's export job (`POST <list>/exports`), its
    progress bar, then the file. A list the server does not export is paged into CSV through
    next_cursor (one page in memory at a time; nested values as JSON)."""
    params = _query_params(query)
    if not path.startswith("/api/v1/"):
        raise Stop(f"导出地址应以 /api/v1/ 开头：{path}", EXIT_USAGE)
    fmt = {".xlsx": "xlsx", ".csv": "csv"}.get(out.suffix.lower())
    if fmt is None:
        raise Stop(f"导出文件应以 .csv 或 .xlsx 结尾：{out}", EXIT_USAGE)
    if fmt == "xlsx" or job:
        export_job(c, path, out, params, fmt)
    with c.stream("GET", path, params={**params, "format": "csv"}) as r:
        if r.status_code == 200 and r.headers.get("content-type", "").startswith("text/csv"):
            size = _save(r, out)
            print(f"\r已导出 {size / 2**20:.1f} MB 到 {out}", file=sys.stderr)
            sys.exit(0)
        r.read()
        if r.status_code != 200:
            fail(r)
    if fmt != "csv":
        raise Stop(f"{path} 不提供 xlsx 导出，请改用 .csv 文件名", EXIT_USAGE)
    export_pages(c, path, out, params, limit)


def export_job(c: httpx.Client, path: str, out: Path, params: dict[str, str], fmt: str) -> None:
    r = c.post(f"{path}/exports", json={**params, "format": fmt})
    if r.status_code == 404:
        raise Stop(f"{path} 没有导出任务（可改用 .csv 文件名直接导出）", EXIT_USAGE)
    if r.status_code != 202:
        fail(r)
    job_id = r.json()["id"]
    state = follow(lambda: get(c, f"{path}/exports/{job_id}"), done=lambda s: s["status"] in ("completed", "failed"),
                   describe=lambda s: f"{status_label(s['status'])} 已写出 {s.get('processed', 0)} 行")
    if state["status"] != "completed":
        raise Stop(f"导出{status_label(state['status'])}：{state.get('message') or '请重新导出'}", EXIT_FAILED)
    with c.stream("GET", f"{path}/exports/{job_id}/file") as f:
        if f.status_code != 200:
            f.read()
            fail(f)
        _save(f, out)
    print(f"\r已导出 {state.get('processed', 0)} 行到 {out}", file=sys.stderr)
    sys.exit(0)


def export_pages(c: httpx.Client, path: str, out: Path, params: dict[str, str], limit: int) -> None:
    written, columns = 0, None
    with out.open("w", newline="", encoding="utf-8-sig") as f:  # the BOM lets Excel read the Chinese
        w = csv.writer(f)
        cursor = None
        while True:
            page = get(c, path + "?" + str(httpx.QueryParams({**params, "limit": limit,
                                                               **({"cursor": cursor} if cursor else {})})))
            if not isinstance(page, dict) or "items" not in page:
                raise Stop(f"{path} 不是列表接口（应答中没有 items），无法导出", EXIT_USAGE)
            for item in page["items"]:
                if columns is None:
                    columns = list(item)
                    w.writerow(columns)
                w.writerow([cell(item.get(k)) for k in columns])
                written += 1
            cursor = page.get("next_cursor")
            print(f"\r已导出 {written} 条", end="", file=sys.stderr)
            if not cursor:
                break
    print(f"\r已导出 {written} 条到 {out}", file=sys.stderr)
    sys.exit(0)


def main(argv: list[str] | None = None, http: httpx.Client | None = None) -> None:
    """`http`: the client to talk through (default: one to GETIHU_URL with GETIHU_TOKEN)."""
    p = argparse.ArgumentParser(prog="getihu", description="Getihu 平台命令行")
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("token", help="开发环境令牌")
    t.add_argument("--sub", required=True)
    t.add_argument("--role", action="append", required=True)
    t.add_argument("--region")
    t.add_argument("--uscc", action="append")
    t.add_argument("--dataset")
    i = sub.add_parser("import", help="批量导入登记数据")
    i.add_argument("kind", choices=["businesses", "annual_reports", "marks", "status"])
    i.add_argument("file", type=Path)
    d = sub.add_parser("data-sharing", help="上传部门数据文件")
    d.add_argument("dataset")
    d.add_argument("year", type=int)
    d.add_argument("file", type=Path)
    ty = sub.add_parser("typing", help="分型").add_subparsers(dest="action", required=True)
    tr = ty.add_parser("run", help="发起分型运行并查看进度")
    tr.add_argument("year", type=int)
    tr.add_argument("--reference-date")
    tr.add_argument("--region", action="append", help="只对这些县级区划分型（可重复）")
    tp = ty.add_parser("publish", help="发布分型运行结果并查看进度")
    tp.add_argument("run_id")
    j = sub.add_parser("job", help="查看任务进度")
    j.add_argument("id")
    e = sub.add_parser("export", help="把列表导出为 CSV 或 XLSX（服务器流式导出；xlsx 以导出任务生成）")
    e.add_argument("path", help="列表接口，如 /api/v1/typing/results")
    e.add_argument("-o", "--out", type=Path, required=True, help="写入的文件（.csv 或 .xlsx）")
    e.add_argument("--job", action="store_true", help="csv 也以导出任务生成（数据量很大时）")
    e.add_argument("--query", action="append", default=[], help="查询条件 名称=值（可重复），如 year=2025")
    args = p.parse_args(argv)
    try:
        run(args, http)
    except Stop as stop:
        print(f"\n{stop}", file=sys.stderr)
        sys.exit(stop.code)
    except httpx.ConnectError:
        url = str(http.base_url) if http is not None else os.environ.get("GETIHU_URL", "http://127.0.0.1:8000")
        print(f"无法连接平台网关 {url}：请确认平台已启动（make up）且 GETIHU_URL 设置正确", file=sys.stderr)
        sys.exit(EXIT_UNREACHABLE)
    except httpx.TimeoutException:
        print("平台网关响应超时：请稍后重试；长时间的任务可用 `getihu job <编号>` 继续查看", file=sys.stderr)
        sys.exit(EXIT_UNREACHABLE)
    except httpx.HTTPError as exc:
        print(f"与平台网关通信出错：{exc}", file=sys.stderr)
        sys.exit(EXIT_UNREACHABLE)
    except TimeoutError as exc:
        print(f"\n{exc}", file=sys.stderr)
        sys.exit(EXIT_FAILED)
    except OSError as exc:  # the file being read or written
        print(f"读写文件出错：{exc.filename or ''} {exc.strerror or exc}", file=sys.stderr)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        print("\n已中断（服务器上的任务仍在继续，可用 `getihu job <编号>` 查看）", file=sys.stderr)
        sys.exit(130)


def run(args, http: httpx.Client | None) -> None:
    with (contextlib.nullcontext(http) if http is not None else client()) as c:
        if args.cmd == "token":
            body = {"sub": args.sub, "roles": args.role, "region_code": args.region, "usccs": args.uscc,
                    "dataset": args.dataset}
            r = c.post("/api/v1/auth/dev-token", json={k: v for k, v in body.items() if v})
            if r.status_code != 200:
                fail(r)
            print(r.json()["access_token"])
        elif args.cmd == "import":
            upload(c, "/api/v1/businesses/imports", args.file, {"kind": args.kind})
        elif args.cmd == "data-sharing":
            upload(c, "/api/v1/data-sharing/batches/files", args.file, {"dataset": args.dataset, "year": args.year})
        elif args.cmd == "typing" and args.action == "run":
            typing_run(c, args.year, args.reference_date, args.region)
        elif args.cmd == "typing":
            typing_publish(c, args.run_id)
        elif args.cmd == "job":
            state = follow_job(c, args.id)
            print(json.dumps(state, ensure_ascii=False))
            job_exit(state)
        elif args.cmd == "export":
            export(c, args.path, args.out, args.query, job=args.job)


if __name__ == "__main__":
    main()
