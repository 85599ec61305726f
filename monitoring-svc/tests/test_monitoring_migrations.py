"""The migrations build exactly what the models say (the questionnaire tables included)."""
from __future__ import annotations

from getihu_kit import testing
from monitoring_svc.models import Base
from monitoring_svc.settings import MIGRATIONS


def test_the_head_builds_what_the_models_say():
    url = testing.fresh_database("test_monitoring_svc_head", MIGRATIONS)
    assert testing.schema_drift(url, Base.metadata) == []
