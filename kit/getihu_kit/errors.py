"""Domain errors: a stable English code, a Chinese detail a person can act on, an HTTP status.

Raised by services and rules (which never import FastAPI); kit.web turns them into RFC 9457
problem+json in one place.
"""
from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status: int = 400
    code: str = "bad_request"
    title: str = "请求有误"

    def __init__(self, detail: str, *, code: str | None = None, status: int | None = None,
                 field: str | None = None, errors: list[dict[str, Any]] | None = None, **extra: Any):
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        if status:
            self.status = status
        self.errors = errors or ([{"field": field, "message": detail}] if field else [])
        self.extra = extra


class InvalidInput(DomainError):
    status, code, title = 422, "invalid_input", "输入有误"


class NotFound(DomainError):
    status, code, title = 404, "not_found", "未找到"


class Conflict(DomainError):
    status, code, title = 409, "conflict", "冲突"


class Unauthorized(DomainError):
    status, code, title = 401, "unauthorized", "未登录或令牌无效"


class Forbidden(DomainError):
    status, code, title = 403, "forbidden", "无权操作"


class RuleViolation(DomainError):
    """A business rule of the seed refuses the action (e.g. quota reached)."""
    status, code, title = 409, "rule_violation", "不符合规定"


class UnsupportedMedia(DomainError):
    status, code, title = 415, "unsupported_media_type", "不支持的文件类型"
