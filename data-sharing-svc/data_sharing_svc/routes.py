"""HTTP of data-sharing-svc: parse, call the service, shape the response."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/data-sharing", tags=["data-sharing"])
