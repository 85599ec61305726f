"""Event handlers of typing-svc: each applied inside the consumer's unit of work."""
from __future__ import annotations

from sqlalchemy.orm import Session

from getihu_kit.barrier import Projection
from getihu_kit.consumer import Subscription
from getihu_kit.events import APPEAL, CULTIVATION, DATA_SHARING_FACTS, REGISTRY_ANNUAL_REPORT, REGISTRY_BUSINESS, CloudEvent
from getihu_kit.schemas.appeal import AppealDecided
from getihu_kit.schemas.cultivation import RecognitionChanged
from getihu_kit.schemas.data_sharing import BusinessFacts
from getihu_kit.schemas.registry import AnnualReportClosed, BusinessState
from typing_svc import projections, service


def on_annual_report_closed(session: Session, event: CloudEvent) -> None:
    service.start_run_on_annual_report_closed(session, event_id=event.id, data=event.data)


def on_appeal_decided(session: Session, event: CloudEvent) -> None:
    service.apply_appeal_decision(session, data=event.data, traceparent=event.traceparent)


# The projections a run reads: it waits until they applied what their sources had accepted.
READ_BY_RUNS = ("typing.business-projection", "typing.facts-projection")


def projections_read_by_runs() -> list[Projection]:
    return [Projection(sub.name, tuple(sub.topics)) for sub in subscriptions() if sub.name in READ_BY_RUNS]


def subscriptions() -> list[Subscription]:
    return [
        Subscription(
            name="typing.business-projection",
            topics=[REGISTRY_BUSINESS],
            batch_handlers={BusinessState.event_type: projections.apply_business_states},
        ),
        Subscription(
            name="typing.facts-projection",
            topics=[DATA_SHARING_FACTS],
            batch_handlers={BusinessFacts.event_type: projections.apply_business_facts},
        ),
        Subscription(
            name="typing.annual-report-closed",
            topics=[REGISTRY_ANNUAL_REPORT],
            handlers={AnnualReportClosed.event_type: on_annual_report_closed},
        ),
        Subscription(
            name="typing.appeal-decisions",
            topics=[APPEAL],
            handlers={AppealDecided.event_type: on_appeal_decided},
        ),
        Subscription(
            name="typing.recognition-projection",
            topics=[CULTIVATION],
            batch_handlers={RecognitionChanged.event_type: projections.apply_recognition_changes},
        ),
    ]
