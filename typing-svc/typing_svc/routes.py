"""HTTP of typing-svc: parse, call the service, shape the response."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/typing", tags=["typing"])
