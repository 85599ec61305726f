"""The web console (console/, built by `make up` into console/dist) served at `/`.

A single-page application: its hashed assets are files, every other path outside the API and the
documentation is one of its routes and gets index.html, so a clerk's bookmark or a reload works.
Kept apart from the proxy: nothing here touches /api/v1.
"""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from getihu_kit.web import problem

# The paths the gateway itself or the API owns (CONTRACT: Web console), and /metrics, which the public
# port never serves (a 404, not the console); never a console route.
RESERVED = ("api/", "docs", "redoc", "openapi.json", "problems", "healthz", "readyz", "metrics", "static/")

NOT_BUILT = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>控制台尚未构建</title>
<body><h1>控制台尚未构建</h1><p>请在平台目录运行 make up（会自动构建控制台），或运行 make console。</p>
<p>接口仍可使用：<a href="/docs">接口文档</a>。</p></body></html>"""


def dist_dir(configured: str | None) -> Path:
    """GATEWAY_CONSOLE_DIR when set (images); else console/dist of the checkout the gateway runs from."""
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "console" / "dist"


def reserved(path: str) -> bool:
    return any(path == p.rstrip("/") or path.startswith(p if p.endswith("/") else p + "/") for p in RESERVED)


def file_in(dist: Path, path: str) -> Path | None:
    """The built file at `path`, never outside dist (a `..` in a path stays inside)."""
    if not path:
        return None
    candidate = (dist / path).resolve()
    if dist.resolve() not in candidate.parents or not candidate.is_file():
        return None
    return candidate


def install(app: FastAPI, dist: Path) -> None:
    """Add the console's catch-all route; call it after every other route of the gateway."""

    @app.get("/{path:path}", include_in_schema=False)
    def console(path: str, request: Request) -> Response:
        if reserved(path):
            return problem(404, "not_found", "未找到", "请求的地址不存在，请核对地址（接口参见 /docs）", request)
        index = dist / "index.html"
        if not index.is_file():
            return HTMLResponse(NOT_BUILT, status_code=503)
        found = file_in(dist, path)
        if found is not None:
            # Vite names assets by content hash: a changed file is a new name, so cache for a year.
            immutable = path.startswith("assets/")
            return FileResponse(found, headers={"Cache-Control": "public, max-age=31536000, immutable"
                                                if immutable else "no-cache"})
        if path.startswith("assets/"):
            return problem(404, "not_found", "未找到", "控制台文件不存在：请刷新页面以载入新版本", request)
        # A console route: the application decides what to show.
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
