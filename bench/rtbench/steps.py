"""One measured step: a sender posts at a fixed rate for a while, the clients receive, and the
step ends when every expected delivery arrived or deliveries stopped coming."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from rtbench import procs
from rtbench.clients import ClientGroup
from rtbench.report import ms
from rtbench.sender import Sender

EXPLODED_MS = 5_000.0  # a p99 past this (or 10% undelivered) ends a server's rising rates


@dataclass
class Target:
    name: str
    group: ClientGroup
    sender: Sender
    pids: Callable[[], list[int]]
    sockets: int
    stopped_at: float | None = None
    steps: list[Step] = field(default_factory=list)
    shutdown: Callable[[], None] = lambda: None

    def cpu(self) -> float:
        return sum(procs.cpu_seconds(pid) for pid in self.pids())


@dataclass
class Step:
    rate: float
    sent: int
    accepted: int
    errors: dict[str, int]
    expected: int
    frames: int
    deliveries_per_s: float
    p50: float
    p99: float
    worst: float
    server_cores: float
    client_cores: float
    answer_p50: float
    frame_bytes: int

    @property
    def exploded(self) -> bool:
        return self.p99 > EXPLODED_MS or self.frames < 0.9 * self.expected

    def cells(self) -> list[str]:
        share = self.frames / self.expected if self.expected else 0.0
        return [f"{self.deliveries_per_s:,.0f}", ms(self.p50), ms(self.p99),
                f"{share:.1%}", f"{self.server_cores:.2f}"]


async def drain(group: ClientGroup, expected: int, limit: float, quiet: float = 3.0) -> None:
    """Wait until `expected` frames arrived, or none came for `quiet` seconds, or `limit`."""
    deadline = time.monotonic() + limit
    last, last_change = -1, time.monotonic()
    while time.monotonic() < deadline:
        frames = sum(answer["frames"] for answer in group.ask("status"))
        if frames >= expected:
            return
        if frames != last:
            last, last_change = frames, time.monotonic()
        elif time.monotonic() - last_change > quiet:
            return
        await asyncio.sleep(0.2)


async def run_step(target: Target, rate: float, seconds: float, drain_limit: float = 60.0
                   ) -> Step:
    target.group.mark()
    cpu_before, client_before = target.cpu(), target.group.cpu_seconds()
    began = time.monotonic()
    sent = await target.sender.run(rate, seconds)
    await drain(target.group, sent.ok * target.sockets, drain_limit)
    merged = target.group.report()
    wall = time.monotonic() - began
    span = (merged.last_recv - sent.started) if merged.last_recv else wall
    answers = sorted(sent.answer_ms)
    step = Step(
        rate=rate, sent=sent.sent, accepted=sent.ok, errors=sent.errors,
        expected=sent.ok * target.sockets, frames=merged.frames,
        deliveries_per_s=merged.frames / span if span > 0 else 0.0,
        p50=merged.p(0.50), p99=merged.p(0.99),
        worst=max(merged.latencies) if merged.latencies else float("nan"),
        server_cores=(target.cpu() - cpu_before) / wall,
        client_cores=(target.group.cpu_seconds() - client_before) / wall,
        answer_p50=answers[len(answers) // 2] if answers else float("nan"),
        frame_bytes=merged.max_len)
    target.steps.append(step)
    return step


def sockets_per_process(pids: list[int]) -> list[int]:
    """How many sockets each process holds (the listening one included)."""
    counts = []
    for pid in pids:
        n = 0
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"):
                        n += 1
        counts.append(n)
    return counts


def sustained(steps: list[Step]) -> Step | None:
    """The step with the most deliveries per second among those that kept up (everything
    delivered, p99 under a second)."""
    kept = [s for s in steps if s.frames >= 0.999 * s.expected and s.p99 < 1000]
    return max(kept, key=lambda s: s.deliveries_per_s) if kept else None
