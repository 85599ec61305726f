"""HTTP of cultivation-svc: every domain's router under /api/v1/cultivation."""
from __future__ import annotations

from fastapi import APIRouter

from cultivation_svc.applications.routes import router as applications
from cultivation_svc.criteria.routes import router as criteria
from cultivation_svc.feed.routes import router as feed
from cultivation_svc.measures.routes import router as measures
from cultivation_svc.recognitions.routes import router as recognitions
from cultivation_svc.regional.routes import router as regional
from cultivation_svc.standards.routes import router as standards
from cultivation_svc.windows.routes import router as windows

router = APIRouter(prefix="/api/v1/cultivation")
for r in (criteria, windows, applications, recognitions, measures, regional, standards, feed):
    router.include_router(r)
