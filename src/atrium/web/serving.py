"""Interpreter settings for a process that serves requests and sockets (`atrium.asgi`).

Both come from profiles of `bench/realtime_fanout.py` (docs/benchmarks.md, "Real time"):

- The event loop and the request threads share one interpreter lock. A request's database
  call releases it and must win it back from a loop busy fanning out an event, which by
  default takes up to 5 ms each time: a post making twenty queries waited on the order of
  100 ms behind a busy loop. A shorter switch interval hands the lock over sooner.
- A full garbage collection walks every tracked object and frees the cyclic garbage that
  requests leave; with a thousand sockets next to Django's own objects it paused the process
  for hundreds of milliseconds, which made the p99. Once the application is loaded its
  objects are frozen (out of the collector's sight: they live as long as the process anyway)
  and the youngest generation is collected less often, so fewer short-lived objects reach
  the old generations. Reference counting still frees almost everything at once.

`ATRIUM_SWITCH_INTERVAL` (seconds) and `ATRIUM_GC_TUNING=0` undo them.
"""

from __future__ import annotations

import gc
import os
import sys

SWITCH_INTERVAL = 0.0005
YOUNG_THRESHOLD = 20_000


def tune_for_serving() -> None:
    sys.setswitchinterval(float(os.environ.get("ATRIUM_SWITCH_INTERVAL", SWITCH_INTERVAL)))
    if os.environ.get("ATRIUM_GC_TUNING", "1") == "0":
        return
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
