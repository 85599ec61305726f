"""A terminal progress bar for long work (jobs and typing runs) polled over HTTP."""
from __future__ import annotations

import sys
import time
from collections.abc import Callable


def bar(fraction: float, width: int = 30) -> str:
    fraction = max(0.0, min(1.0, fraction))
    done = int(round(fraction * width))
    return "[" + "#" * done + "-" * (width - done) + f"] {fraction * 100:5.1f}%"


def follow(poll: Callable[[], dict], *, done: Callable[[dict], bool], describe: Callable[[dict], str],
           interval: float = 0.5, timeout: float = 3600, out=sys.stderr) -> dict:
    """Poll until done(state); redraw one line with the bar and a short description."""
    deadline = time.monotonic() + timeout
    state = poll()
    while True:
        line = f"\r{bar(float(state.get('progress') or 0))} {describe(state)}"
        out.write(line[:200].ljust(80))
        out.flush()
        if done(state):
            out.write("\n")
            return state
        if time.monotonic() > deadline:
            out.write("\n")
            raise TimeoutError("仍未完成：可稍后用 `getihu job <id>` 查看进度")
        time.sleep(interval)
        state = poll()
