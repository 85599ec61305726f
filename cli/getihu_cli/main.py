"""getihu — command line over the gateway.

  getihu token --sub clerk --role county_staff --region 232701     (development issuer only)
  getihu import businesses data.csv                               (upload, then a progress bar)
  getihu data-sharing tax 2024 tax.csv                            (agency file upload)
  getihu typing run 2025 [--reference-date 2025-06-30]            (start a run, follow it to completed)
  getihu typing publish <run id>                                  (publish a run, follow it to published)
  getihu job <id>                                                 (follow any job)

Environment: GETIHU_URL (default http://127.0.0.1:8000), GETIHU_TOKEN (a bearer token).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path

import httpx

from getihu_cli.progress import follow

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
        print(f"错误 {response.status_code}：{body.get('detail', body)}", file=sys.stderr)
        for e in body.get("errors", [])[:20]:
            print(f"  - {e.get('field')}: {e.get('message')}", file=sys.stderr)
    except ValueError:
        print(f"错误 {response.status_code}：{response.text[:500]}", file=sys.stderr)
    sys.exit(1)


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
                   describe=describe or (lambda s: f"{s['status']} 已处理 {s.get('processed', 0)} "
                                                   f"接收 {s.get('accepted', 0)} 拒收 {s.get('rejected', 0)}"))
    for e in state.get("errors", [])[:20]:
        print(f"  第{e.get('row')}行 {e.get('field') or ''}: {e.get('message')}", file=sys.stderr)
    return state


def upload(c: httpx.Client, url: str, path: Path, params: dict) -> None:
    media = MEDIA.get(path.suffix.lower())
    if media is None:
        print(f"不支持的文件类型：{path.suffix}（支持 .csv .xlsx .jsonl）", file=sys.stderr)
        sys.exit(2)
    r = c.post(url, params=params, content=stream_file(path), headers={"Content-Type": media})
    if r.status_code != 202:
        fail(r)
    state = follow_job(c, r.json()["id"])
    print(json.dumps({k: state[k] for k in ("id", "status", "accepted", "rejected")}, ensure_ascii=False))
    sys.exit(0 if state["status"] == "completed" else 1)


def typing_run(c: httpx.Client, year: int, reference_date: str | None) -> None:
    """Start a run and follow it (its own status words and counts) until it is done."""
    body = {"year": year} | ({"reference_date": reference_date} if reference_date else {})
    r = c.post("/api/v1/typing/runs", json=body)
    if r.status_code != 202:
        fail(r)
    run_id = r.json()["id"]
    state = follow(lambda: get(c, f"/api/v1/typing/runs/{run_id}"),
                   done=lambda s: s["status"] in ("completed", "failed", "publishing", "published"),
                   describe=lambda s: f"{s['status']} {json.dumps(s.get('counts') or {}, ensure_ascii=False)}")
    print(json.dumps(state, ensure_ascii=False))
    sys.exit(1 if state["status"] == "failed" else 0)


def typing_publish(c: httpx.Client, run_id: str) -> None:
    """Publish a run: the service answers at once with the run `publishing` and its job; follow the
    job's progress until the run is `published` (or the publication stopped: publish again to go on)."""
    r = c.post(f"/api/v1/typing/runs/{run_id}/publish")
    if r.status_code != 202:
        fail(r)
    follow_job(c, r.json()["job_id"], describe=lambda s: f"publishing 已发布 {s.get('processed', 0)} 户")
    run = get(c, f"/api/v1/typing/runs/{run_id}")
    print(json.dumps(run, ensure_ascii=False))
    if run["status"] != "published":
        print(f"发布未完成（{run['status']}）：{run.get('message') or ''}", file=sys.stderr)
    sys.exit(0 if run["status"] == "published" else 1)


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
    tp = ty.add_parser("publish", help="发布分型运行结果并查看进度")
    tp.add_argument("run_id")
    j = sub.add_parser("job", help="查看任务进度")
    j.add_argument("id")
    args = p.parse_args(argv)

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
            typing_run(c, args.year, args.reference_date)
        elif args.cmd == "typing":
            typing_publish(c, args.run_id)
        elif args.cmd == "job":
            state = follow_job(c, args.id)
            print(json.dumps(state, ensure_ascii=False))


if __name__ == "__main__":
    main()
