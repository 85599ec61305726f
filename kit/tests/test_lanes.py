"""Chunk lanes: a key's chunks applied in order on one lane, the first error raised to the reader."""
from __future__ import annotations

import threading
import time

import pytest

from getihu_kit.lanes import ChunkLanes, lane_of


def test_a_keys_chunks_keep_their_order_and_lanes_run_at_once():
    seen: dict[int, list[int]] = {}
    running, peak = set(), [0]
    lock = threading.Lock()

    def apply(chunk):
        lane, n = chunk
        with lock:
            running.add(threading.current_thread().name)
            peak[0] = max(peak[0], len(running))
        time.sleep(0.01)  # long enough for the other lane to start
        with lock:
            running.discard(threading.current_thread().name)
            seen.setdefault(lane, []).append(n)

    lanes = ChunkLanes(apply, lanes=2, depth=1)
    for n in range(20):
        lanes.put(n % 2, (n % 2, n))
    lanes.close()
    assert seen == {0: list(range(0, 20, 2)), 1: list(range(1, 20, 2))}
    assert peak[0] == 2


def test_the_first_error_stops_the_lanes_and_reaches_the_reader():
    applied = []

    def apply(n):
        if n == 3:
            raise ValueError("chunk 3 failed")
        applied.append(n)

    lanes = ChunkLanes(apply, lanes=1, depth=1)
    with pytest.raises(ValueError, match="chunk 3"):
        try:
            for n in range(10):
                lanes.put(0, n)  # raises once the lane has failed
                time.sleep(0.005)
        finally:
            lanes.close()  # as the services do: waits, then raises the first error
    assert applied == [0, 1, 2], "nothing after the failed chunk is applied"


def test_lane_of_is_stable_and_spreads_keys():
    keys = [f"92232701MA{i:08d}" for i in range(1000)]
    assert [lane_of(k, 2) for k in keys] == [lane_of(k, 2) for k in keys]
    assert 400 < sum(lane_of(k, 2) for k in keys) < 600
    assert {lane_of(k, 1) for k in keys} == {0}
