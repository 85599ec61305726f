"""The reverse proxy: pooled httpx, streaming both ways, 502/504 as problem+json."""
from __future__ import annotations

import httpx
from fastapi import Request
from starlette.background import BackgroundTask
from starlette.responses import StreamingResponse

from getihu_kit.web import problem

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade", "host", "content-length"}

SERVICE_NAMES = {"registry": "登记服务", "data-sharing": "数据共享服务", "typing": "分型服务",
                 "cultivation": "培育服务", "appeal": "异议服务", "notify": "通知服务",
                 "monitoring": "监测分析服务"}


async def forward(request: Request, client: httpx.AsyncClient, base_url: str, service: str,
                  timeout: httpx.Timeout):
    headers = [(k, v) for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP]
    headers.append(("x-request-id", request.state.request_id))
    headers = [(k, v) for k, v in headers if k.lower() != "traceparent"] + [("traceparent", request.state.traceparent)]
    headers.append(("x-forwarded-for", request.client.host if request.client else ""))
    has_body = "content-length" in request.headers or "transfer-encoding" in request.headers
    upstream = client.build_request(
        request.method, base_url + request.url.path, params=request.query_params.multi_items(),
        headers=headers, content=request.stream() if has_body else None, timeout=timeout)
    label = SERVICE_NAMES.get(service, service)
    try:
        response = await client.send(upstream, stream=True)
    except httpx.TimeoutException:
        return problem(504, "upstream_timeout", "上游服务超时", f"{label}响应超时，请稍后重试", request,
                       service=service)
    except httpx.TransportError:
        return problem(502, "upstream_unavailable", "上游服务不可用", f"{label}暂时不可用，请稍后重试", request,
                       service=service)
    out_headers = {k: v for k, v in response.headers.items() if k.lower() not in HOP_BY_HOP}
    return StreamingResponse(response.aiter_raw(), status_code=response.status_code, headers=out_headers,
                             background=BackgroundTask(response.aclose))
