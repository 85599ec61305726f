"""Bulk jobs: apply chunks on a few threads while the caller reads and validates the next ones.

PostgreSQL works on earlier chunks while Python parses (psycopg releases the GIL while it waits),
and with two lanes both cores of a small host carry database work. A row's lane is fixed by its
key (the USCC), so one business's rows are applied in file order on one connection and concurrent
chunks never touch the same rows. At most `depth` chunks wait per lane, so memory stays bounded;
the first error stops the lanes and is raised to the caller.
"""
from __future__ import annotations

import queue
import threading
import zlib
from collections.abc import Callable


def lane_of(key: str, lanes: int) -> int:
    """A key's lane: stable across processes (a resumed job splits its rows the same way)."""
    return zlib.crc32(key.encode()) % lanes if lanes > 1 else 0


class ChunkLanes:
    def __init__(self, apply: Callable[[object], None], lanes: int = 1, depth: int = 2, name: str = "chunk-apply"):
        self.apply = apply
        self.queues: list[queue.Queue] = [queue.Queue(maxsize=depth) for _ in range(lanes)]
        self.error: BaseException | None = None
        self.threads = [threading.Thread(target=self._run, args=(q,), name=f"{name}-{i}", daemon=True)
                        for i, q in enumerate(self.queues)]
        for t in self.threads:
            t.start()

    @property
    def lanes(self) -> int:
        return len(self.queues)

    def _run(self, q: queue.Queue) -> None:
        while (chunk := q.get()) is not None:
            if self.error is None:
                try:
                    self.apply(chunk)
                except BaseException as exc:  # noqa: BLE001 - handed to the reading thread
                    self.error = exc

    def put(self, lane: int, chunk) -> None:
        if self.error is not None:
            raise self.error
        self.queues[lane].put(chunk)

    def close(self) -> None:
        """Wait for every chunk handed over; raise the first error."""
        for q in self.queues:
            q.put(None)
        for t in self.threads:
            t.join()
        if self.error is not None:
            raise self.error
