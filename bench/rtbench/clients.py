"""The parent's side of the client processes: start them, wait until their sockets are
ready, mark the start of a step, collect and merge what they measured."""

from __future__ import annotations

import json
import subprocess
import tempfile
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rtbench import procs

HERE = Path(__file__).resolve().parent


def percentile(values: list[float] | array, fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class Merged:
    latencies: array
    frames: int
    bytes: int
    max_len: int
    first_recv: float
    last_recv: float

    def p(self, fraction: float) -> float:
        return percentile(self.latencies, fraction)


class ClientGroup:
    """`processes` client processes sharing `count` sockets to one server."""

    def __init__(self, script: str, port: int, count: int, processes: int = 1,
                 tokens: Path | None = None, extra: list[str] | None = None,
                 log: Path | None = None, python: str = procs.PYTHON) -> None:
        self.procs: list[subprocess.Popen] = []
        self.closed = False
        self.tmp = Path(tempfile.mkdtemp(prefix="rtbench-"))
        share, rest = divmod(count, processes)
        start = 0
        for index in range(processes):
            n = share + (1 if index < rest else 0)
            argv = [python, str(HERE / script), "--port", str(port), "--count", str(n),
                    "--start", str(start), *(extra or [])]
            if tokens is not None:
                argv += ["--tokens", str(tokens)]
            self.procs.append(procs.spawn(argv, log=log, pipes=True))
            start += n

    def ask(self, command: str) -> list[dict[str, Any]]:
        for proc in self.procs:
            assert proc.stdin is not None
            proc.stdin.write(command + "\n")
            proc.stdin.flush()
        return [self._answer(proc) for proc in self.procs]

    def _answer(self, proc: subprocess.Popen) -> dict[str, Any]:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"a client process ended (exit {proc.poll()})")
        return json.loads(line)

    def wait_ready(self) -> list[dict[str, Any]]:
        return [self._answer(proc) for proc in self.procs]

    def status(self) -> dict[str, Any]:
        total: dict[str, Any] = {"open": 0, "ever": 0, "reconnects": 0, "last_open_at": 0.0,
                                 "failures": {}, "closed_codes": {}, "reloads": 0}
        for answer in self.ask("status"):
            for key in ("open", "ever", "reconnects", "reloads"):
                total[key] += answer[key]
            total["last_open_at"] = max(total["last_open_at"], answer["last_open_at"])
            for key in ("failures", "closed_codes"):
                for name, n in answer[key].items():
                    total[key][name] = total[key].get(name, 0) + n
        return total

    def mark(self) -> None:
        self.ask("mark")

    def report(self) -> Merged:
        latencies = array("d")
        frames = size = max_len = 0
        first, last = float("inf"), 0.0
        for index, proc in enumerate(self.procs):
            path = self.tmp / f"lat-{index}.bin"
            assert proc.stdin is not None
            proc.stdin.write(f"report {path}\n")
            proc.stdin.flush()
            answer = self._answer(proc)
            part = array("d")
            with path.open("rb") as handle:
                part.frombytes(handle.read())
            latencies.extend(part)
            frames += answer["frames"]
            size += answer["bytes"]
            max_len = max(max_len, answer["max_len"])
            if answer["first_recv"]:
                first = min(first, answer["first_recv"])
            last = max(last, answer["last_recv"])
        return Merged(latencies, frames, size, max_len, first if last else 0.0, last)

    def cpu_seconds(self) -> float:
        return sum(procs.cpu_seconds(proc.pid) for proc in self.procs)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        for proc in self.procs:
            if proc.poll() is None and proc.stdin is not None:
                try:
                    proc.stdin.write("quit\n")
                    proc.stdin.flush()
                except OSError:
                    pass
        for proc in self.procs:
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                procs.kill_hard(proc)
        for path in self.tmp.glob("*"):
            path.unlink()
        self.tmp.rmdir()
