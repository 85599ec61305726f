"""A burst of SIGTERMs stops a worker's main loop: the handler never takes the stop event's lock
on the thread that may already hold it (setting the event inside the handler hung ~1 run in 10)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

CHILD = """
import threading
from getihu_kit.worker import stop_on_signals
stop = threading.Event()
stop_on_signals(stop)
print("ready", flush=True)
while not stop.wait(0.00001):  # as the worker's and the relay's main loops wait, but busier
    pass
print("stopped", flush=True)
"""


def test_a_burst_of_sigterms_always_stops_the_loop():
    for _ in range(10):
        p = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True)
        try:
            assert p.stdout.readline().strip() == "ready"
            for _ in range(300):
                try:
                    os.kill(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    break
            assert p.wait(10) == 0
            assert p.stdout.read().strip() == "stopped"
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
