"""Tables of cultivation-svc (SQLAlchemy 2, typed): every domain's models, on one metadata."""
from __future__ import annotations

from cultivation_svc.base import Base, idempotency_keys, inbox, job_chunks, jobs, outbox
from cultivation_svc.projections.models import (AppealProjection, BusinessProjection, BusinessType, FactsProjection,
                                                PersonProjection, TypingCount)
from cultivation_svc.regional.models import RegionSetting
from cultivation_svc.criteria.models import CountyCriteria
from cultivation_svc.windows.models import Window
from cultivation_svc.applications.models import Application, ApplicationStep
from cultivation_svc.recognitions.models import InfoReport, Recognition, SpotCheckDraw, SpotCheckItem
from cultivation_svc.feed.models import RecognitionFeedEntry

__all__ = ["Base", "outbox", "inbox", "jobs", "job_chunks", "idempotency_keys", "AppealProjection",
           "BusinessProjection", "BusinessType", "FactsProjection", "PersonProjection", "TypingCount", "RegionSetting",
           "CountyCriteria", "Window", "Application", "ApplicationStep", "InfoReport", "Recognition",
           "RecognitionFeedEntry", "SpotCheckDraw", "SpotCheckItem"]
