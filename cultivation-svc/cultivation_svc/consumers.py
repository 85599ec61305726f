"""Event handlers of cultivation-svc: one consumer group per source, each handler a unit of work."""
from __future__ import annotations

from getihu_kit.barrier import Projection
from getihu_kit.consumer import Subscription
from getihu_kit.events import APPEAL, DATA_SHARING_FACTS, DATA_SHARING_PERSONS, REGISTRY_BUSINESS, TYPING_RESULTS, TYPING_RUNS
from getihu_kit.schemas.appeal import AppealDecided, AppealFiled
from getihu_kit.schemas.data_sharing import BusinessFacts, PersonFacts
from getihu_kit.schemas.registry import BusinessState
from getihu_kit.schemas.typing import TypingPublished, TypingResultPublished
from cultivation_svc.projections import handlers


TYPING_GROUP = "cultivation-typing"


def projections_read_by_quota() -> list[Projection]:
    """The consumer group whose projection holds the 5 % quota's base (typing's counts and results)."""
    return [Projection(sub.name, tuple(sub.topics)) for sub in subscriptions() if sub.name == TYPING_GROUP]


def subscriptions() -> list[Subscription]:
    return [
        Subscription("cultivation-registry", [REGISTRY_BUSINESS],
                     batch_handlers={BusinessState.event_type: handlers.business_states}),
        Subscription(TYPING_GROUP, [TYPING_RUNS, TYPING_RESULTS],
                     handlers={TypingPublished.event_type: handlers.typing_published},
                     batch_handlers={TypingResultPublished.event_type: handlers.typing_results}),
        Subscription("cultivation-data-sharing", [DATA_SHARING_FACTS, DATA_SHARING_PERSONS],
                     batch_handlers={BusinessFacts.event_type: handlers.business_facts,
                                     PersonFacts.event_type: handlers.person_facts}),
        Subscription("cultivation-appeals", [APPEAL],
                     handlers={AppealFiled.event_type: handlers.appeal_filed,
                               AppealDecided.event_type: handlers.appeal_decided}),
    ]
