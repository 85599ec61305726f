"""Fixtures every test folder shares: the real broker, a topic prefix per test, fresh databases."""
from __future__ import annotations

import pytest
from hypothesis import settings as hypothesis_settings

from getihu_kit import testing
from getihu_kit.bus import broker_ready, ensure_topics

# Property tests check rules, not speed: no deadline per example (a loaded machine is not a wrong rule,
# and speed is measured in bench/, never asserted in tests).
hypothesis_settings.register_profile("getihu", deadline=None)
hypothesis_settings.load_profile("getihu")


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    if not broker_ready(testing.KAFKA, timeout_s=10):
        pytest.fail(f"Kafka broker at {testing.KAFKA} does not answer: start it with `make kafka-up` "
                    "(make test does this itself)")
    return testing.KAFKA


@pytest.fixture(scope="module")
def topic_prefix(kafka_bootstrap) -> str:
    """A fresh prefix per test module, with every catalogued topic created under it (1 partition).

    Tests inside one module keep apart by their own consumer group names and their own USCCs.
    """
    prefix = testing.unique_prefix()
    ensure_topics(kafka_bootstrap, prefix, partitions=1)
    return prefix
