import datetime as dt

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from getihu_kit.settings import ServiceSettings
from appeal_svc.rules.deadlines import REPLY_DUE_WORKING_DAYS
from appeal_svc.rules.evidence import MAX_EVIDENCE_BYTES, MAX_EVIDENCE_FILES


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="APPEAL_", extra="ignore")

    service_name: str = "appeal"
    db_name: str = "appeal"
    port: int = 8005
    # Working days after filing by which the reply is due (APPEAL_REPLY_DUE_WORKING_DAYS).
    reply_due_working_days: int = Field(default=REPLY_DUE_WORKING_DAYS.value, ge=1, le=120)
    # Public holidays that are not working days, as a JSON list (APPEAL_HOLIDAYS='["2026-10-01"]').
    holidays: list[dt.date] = Field(default_factory=list)
    # Weekend days that are working days (调休), as a JSON list.
    extra_working_days: list[dt.date] = Field(default_factory=list)
    evidence_max_bytes: int = MAX_EVIDENCE_BYTES.value
    evidence_max_files: int = MAX_EVIDENCE_FILES.value


settings = Settings()
