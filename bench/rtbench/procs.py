"""Starting and stopping the benchmark's processes, each in its own process group."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent
ROOT = BENCH.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


NICENESS = {"value": 0}


def prioritise(niceness: int = -10) -> int:
    """Run the benchmark (and what it starts) ahead of other work on a shared machine, when
    allowed (root); returns the niceness in force. With the kernel's autogroups, a niceness
    only counts inside a session, so each process started in a new session gets its
    autogroup's niceness set too (see spawn)."""
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, 0, niceness)
    _autogroup(os.getpid(), niceness)
    NICENESS["value"] = os.getpriority(os.PRIO_PROCESS, 0)
    return NICENESS["value"]


def _autogroup(pid: int, niceness: int) -> None:
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/autogroup").write_text(str(niceness))


def raise_nofile(wanted: int = 65_536) -> int:
    """Raise this process's open-file limit as far as the hard limit allows (children inherit
    it); returns the new soft limit."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(wanted, hard) if hard != resource.RLIM_INFINITY else wanted
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def spawn(argv: list[str], log: Path | None = None, env: dict[str, str] | None = None,
          pipes: bool = False, cwd: Path | None = None) -> subprocess.Popen:
    """Start argv in a new session (its own process group) so that stop() ends it whole."""
    out = log.open("ab") if log else subprocess.DEVNULL
    try:
        process = subprocess.Popen(
            argv, env=env, cwd=cwd, start_new_session=True,
            stdin=subprocess.PIPE if pipes else subprocess.DEVNULL,
            stdout=subprocess.PIPE if pipes else out,
            stderr=out,
            text=pipes, bufsize=1 if pipes else -1,
        )
        if NICENESS["value"]:
            _autogroup(process.pid, NICENESS["value"])
        return process
    finally:
        if log:
            out.close()  # type: ignore[union-attr]


def stop(process: subprocess.Popen | None, sig: int = signal.SIGINT, timeout: float = 10.0
         ) -> None:
    """Signal the process group, then SIGKILL it if it lingers."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout)


def kill_hard(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


def wait_port(port: int, process: subprocess.Popen | None = None, timeout: float = 60.0,
              log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            text = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}\n{text}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f}s")


def children(pid: int) -> list[int]:
    """Every descendant of pid (uvicorn's workers under its supervisor)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        current = todo.pop()
        path = Path(f"/proc/{current}/task/{current}/children")
        with contextlib.suppress(OSError):
            kids = [int(x) for x in path.read_text().split()]
            found.extend(kids)
            todo.extend(kids)
    return found


def rss_kib(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far."""
    with contextlib.suppress(OSError, IndexError, ValueError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks
    return 0.0
