"""The migrations build exactly what the models say (the questionnaire tables included)."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from getihu_kit import testing
from getihu_kit.db import make_engine
from monitoring_svc.models import Base
from monitoring_svc.settings import MIGRATIONS


def test_the_head_builds_what_the_models_say():
    engine = make_engine(testing.fresh_database("test_monitoring_svc_head", MIGRATIONS))
    try:
        with engine.connect() as c:
            diff = compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}), Base.metadata)
    finally:
        engine.dispose()
    assert diff == []
