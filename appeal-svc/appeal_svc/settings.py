import datetime as dt
from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from getihu_kit.settings import ServiceSettings
from getihu_kit.workdays import WorkingCalendar, make_calendar

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="APPEAL_", extra="ignore")

    service_name: str = "appeal"
    db_name: str = "appeal"
    port: int = 8005
    # Working days after filing by which the reply is due (APPEAL_REPLY_DUE_WORKING_DAYS); unset: the
    # dated parameter rules.deadlines.REPLY_DUE_WORKING_DAYS in force on the filing day.
    reply_due_working_days: int | None = Field(default=None, ge=1, le=120)
    # The State Council's holidays and make-up working days come from kit's calendar; these are a
    # deployment's own extra dates on top of it, as JSON lists (APPEAL_HOLIDAYS='["2026-11-30"]').
    holidays: list[dt.date] = Field(default_factory=list)
    extra_working_days: list[dt.date] = Field(default_factory=list)
    # Evidence limits; unset: the dated parameters of rules.evidence.
    evidence_max_bytes: int | None = Field(default=None, ge=1)
    evidence_max_files: int | None = Field(default=None, ge=1)

    def calendar(self) -> WorkingCalendar:
        return make_calendar(self.holidays, self.extra_working_days)


settings = Settings()
