"""Periodic housekeeping (event retention, unsent uploads, …), run by `atrium serve` in a
background thread and by `atrium worker`. Modules register jobs in their `ready()`."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections, connection

log = logging.getLogger(__name__)

_jobs: dict[str, Callable[[], object]] = {}


def register(name: str, job: Callable[[], object]) -> None:
    _jobs[name] = job


def run_all() -> dict[str, object]:
    """Run every job once; one failing job does not stop the others."""
    results: dict[str, object] = {}
    for name, job in list(_jobs.items()):
        try:
            results[name] = job()
        except Exception:  # logged, retried at the next round
            log.exception("housekeeping job %s failed", name)
            results[name] = None
        finally:
            # A job that broke its connection must not break the next one's; inside a
            # transaction (a test) closing would instead break every later job.
            if not connection.in_atomic_block:
                close_old_connections()
    return results


def start_thread(interval: float = 600.0) -> threading.Thread:
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval):
            run_all()

    thread = threading.Thread(target=loop, name="atrium-housekeeping", daemon=True)
    thread.start()
    return thread
