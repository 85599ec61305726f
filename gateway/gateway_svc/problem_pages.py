"""The pages a problem's `type` names: GET /problems/{code} and GET /problems (kit.problems).

A browser (it names text/html) gets a page a clerk can read; a program gets JSON. Public, like
/docs: an error's explanation must not need a token, least of all after a 401. The pages are
self-contained (inline style, no script, nothing fetched) for offline bureau networks.
"""
from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field

from getihu_kit.errors import NotFound
from getihu_kit.pagination import Page, page_params, sequence_page
from getihu_kit.problems import ALL, PROBLEM_TYPES, ProblemType, type_uri
from getihu_kit.web import operation_id

router = APIRouter(tags=["problems"], generate_unique_id_function=operation_id)
# The catalogue is small and fixed per release: one page by default, paged like every list.
CataloguePage = page_params(1000, default=1000)
HTML = {"text/html": {"schema": {"type": "string"}}}


class ProblemTypeRead(BaseModel):
    code: str = Field(description="problem+json 中的 code")
    type: str = Field(description="problem+json 中的 type，即本页地址", examples=["/problems/run_not_found"])
    status: int = Field(description="以此代码应答时的 HTTP 状态码")
    title: str
    description: str = Field(description="含义与常见原因")
    action: str = Field(description="如何处理")


class ProblemTypePage(Page[ProblemTypeRead]):
    """Every problem type, by status then code."""


def _read(p: ProblemType) -> ProblemTypeRead:
    return ProblemTypeRead(code=p.code, type=type_uri(p.code), status=p.status, title=p.title,
                           description=p.description, action=p.action)


def _qualities(accept: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in accept.split(","):
        media, *params = (x.strip() for x in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media:
            out[media.lower()] = max(q, out.get(media.lower(), 0.0))
    return out


def wants_html(accept: str | None) -> bool:
    """HTML for a client that names it (a browser does) and ranks it no lower than JSON; `*/*` alone,
    or no Accept at all, is a program: JSON. The most specific range decides (RFC 9110 §12.5.1)."""
    q = _qualities(accept or "")
    html = q.get("text/html", q.get("text/*", 0.0))
    json = q.get("application/json", q.get("application/*", q.get("*/*", 0.0)))
    return html > 0 and html >= json


_STYLE = """
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;
margin:0;background:#f5f6f8;color:#1f2329;line-height:1.7}
main{max-width:880px;margin:2.5rem auto;padding:2rem 2.5rem;background:#fff;border-radius:8px;
box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:1.5rem;margin:0 0 .5rem}h2{font-size:1.05rem;margin:1.6rem 0 .3rem;color:#3c4a5c}
code{font-family:ui-monospace,Consolas,monospace;background:#f0f2f5;padding:.1rem .35rem;border-radius:4px}
.meta{color:#646a73}.status{display:inline-block;padding:.05rem .55rem;border-radius:4px;color:#fff;
font-weight:600;background:#d9534f}.s4{background:#c77c02}
table{width:100%;border-collapse:collapse;font-size:.95rem}th,td{text-align:left;padding:.45rem .5rem;
border-bottom:1px solid #e5e6eb;vertical-align:top}th{background:#fafbfc}
a{color:#1f6feb;text-decoration:none}a:hover{text-decoration:underline}
footer{margin-top:2rem;font-size:.9rem;color:#646a73}
"""


def _badge(status: int) -> str:
    return f'<span class="status s{str(status)[0]}">HTTP {status}</span>'


def _html(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)} — Getihu 平台</title><style>{_STYLE}</style></head>"
            f"<body><main>{body}<footer>Getihu 个体工商户分型分类培育平台 · "
            f'<a href="/problems">全部错误类型</a> · <a href="/docs">接口文档</a></footer></main></body></html>\n')


def _page(p: ProblemType) -> str:
    body = (f"<h1>{escape(p.title)}</h1>"
            f'<p class="meta">{_badge(p.status)} 错误代码 <code>{escape(p.code)}</code> · '
            f"类型 <code>{escape(type_uri(p.code))}</code></p>"
            f"<h2>含义</h2><p>{escape(p.description)}</p>"
            f"<h2>怎么办</h2><p>{escape(p.action)}</p>"
            f"<h2>在应答中</h2><p>接口以 <code>application/problem+json</code> 应答，<code>code</code> 为 "
            f"<code>{escape(p.code)}</code>；<code>detail</code> 是针对这一次请求的中文说明，"
            f"<code>errors</code> 逐项列出有误的字段，<code>request_id</code> 供联系运维时引用。"
            f'各接口可能的应答见<a href="/docs">接口文档</a>。</p>')
    return _html(p.title, body)


def _index(types: list[ProblemType]) -> str:
    rows = "".join(f'<tr><td><a href="{escape(type_uri(p.code))}"><code>{escape(p.code)}</code></a></td>'
                   f"<td>{p.status}</td><td>{escape(p.title)}</td></tr>" for p in types)
    body = ("<h1>错误类型</h1><p class=\"meta\">平台的每个错误应答（<code>application/problem+json</code>）都带有 "
            "<code>type</code>，指向下表中的一页：含义、常见原因与处理办法。</p>"
            f"<table><thead><tr><th>代码</th><th>HTTP 状态</th><th>名称</th></tr></thead><tbody>{rows}</tbody></table>")
    return _html("错误类型", body)


def _ordered(p: ProblemType) -> tuple:
    return p.status, p.code


_VARY = {"Vary": "Accept"}  # one address, two representations: caches keep them apart


@router.get("/problems", response_model=ProblemTypePage, responses={200: {"content": HTML}},
            summary="错误类型一览（浏览器得到 HTML 表格，程序得到 JSON；公开）")
def list_problem_types(request: Request, page: CataloguePage):
    if wants_html(request.headers.get("accept")):
        return HTMLResponse(_index(sorted(ALL, key=_ordered)), headers=_VARY)
    items, nxt = sequence_page(ALL, key=_ordered, page=page)
    return JSONResponse(ProblemTypePage(items=[_read(p) for p in items], next_cursor=nxt).model_dump(),
                        headers=_VARY)


@router.get("/problems/{code}", response_model=ProblemTypeRead, responses={200: {"content": HTML}},
            summary="某一错误类型的说明（problem+json 中 type 所指；浏览器得到 HTML，程序得到 JSON；公开）")
def get_problem_type(request: Request, code: Annotated[str, Path(max_length=100, pattern="^[a-z0-9_]+$", description="错误代码（小写字母、数字与下划线）")]):
    p = PROBLEM_TYPES.get(code)
    if p is None:
        raise NotFound(f"没有代码为“{code}”的错误类型，全部类型见 /problems")
    if wants_html(request.headers.get("accept")):
        return HTMLResponse(_page(p), headers=_VARY)
    return JSONResponse(_read(p).model_dump(), headers=_VARY)
