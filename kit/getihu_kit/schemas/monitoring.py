"""Events published by monitoring-svc (监测分析). Key: USCC."""
from __future__ import annotations

import datetime as dt
from typing import ClassVar

from getihu_kit.events import MONITORING, EventData


class QuestionnaireSent(EventData):
    """A published questionnaire version was sent to one business (二(七) 问卷调查, 二(八) 政策知晓度评估):
    one event per business of the target group; a business hears of a version once."""
    event_type: ClassVar[str] = "getihu.monitoring.questionnaire.sent.v1"
    topic: ClassVar[str] = MONITORING

    questionnaire_id: str
    version: int
    title: str
    uscc: str
    region_code: str
    sent_at: dt.datetime
    closes_on: dt.date | None = None
