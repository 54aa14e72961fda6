"""PDFs are read in a child process with hard limits, never in the server process.

A PDF is a program of sorts: pages can be huge, counted in thousands, or crafted to make a
parser loop or a C library crash. So the first-page thumbnail (pypdfium2) and the text
(pypdf) are made by `python -m atrium.kernel.pdfworker`, run with a clean environment (no
secrets), a memory ceiling, a CPU-time ceiling and a wall-clock timeout. A crash, a timeout or
a damaged file give None in the parent, never an exception.

This module must not import Django at the top: the child runs without settings.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from pathlib import Path

logger = logging.getLogger(__name__)

MEMORY_LIMIT = 1024 * 1024 * 1024  # address space of the child, bytes
TIMEOUT = 20.0  # seconds of wall-clock time for one job
MAX_PAGES_READ = 300  # pages whose text is extracted at most
PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the folder that holds `atrium`


def run(command: str, path: str | os.PathLike[str], *args: str,
        timeout: float | None = None) -> bytes | None:
    """What the child prints for `command` on the PDF at `path`, or None if it failed."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
           "PYTHONPATH": str(PACKAGE_ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    argv = [sys.executable, "-s", "-m", "atrium.kernel.pdfworker", command, str(path), *args]
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv, our own module
            argv, capture_output=True, env=env, timeout=timeout or TIMEOUT, check=False,
            stdin=subprocess.DEVNULL, cwd=PACKAGE_ROOT)
    except subprocess.TimeoutExpired:
        logger.warning("PDF %s of %s took too long; given up", command, path)
        return None
    except OSError:
        logger.exception("PDF worker could not start")
        return None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines() or [""]
        logger.warning("PDF %s failed (exit %s): %s", command, done.returncode, lines[-1][:300])
        return None
    return done.stdout


def _limit_resources() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    cpu = int(TIMEOUT) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # writes to stdout only (a pipe)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def render_first_page(path: str, size: int) -> bytes:
    """The first page as a WebP that fits in a `size` x `size` box, whatever the page size."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        if len(pdf) < 1:
            raise ValueError("no page")
        page = pdf[0]
        width, height = page.get_size()
        if not (width > 0 and height > 0):
            raise ValueError("empty page")
        scale = size / max(width, height)
        if min(width, height) * scale < 1:
            raise ValueError("degenerate page")
        bitmap = page.render(scale=scale, may_draw_forms=False)
        image = bitmap.to_pil()
        out = io.BytesIO()
        image.save(out, "WEBP", quality=80, method=4)
        return out.getvalue()
    finally:
        pdf.close()


def extract_text(path: str, limit_bytes: int) -> bytes:
    """The text of the first pages, as UTF-8, at most `limit_bytes` (plus one page's worth)."""
    from pypdf import PdfReader

    reader = PdfReader(path, strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        return b""
    parts: list[bytes] = []
    total = 0
    for number, page in enumerate(reader.pages):
        if number >= MAX_PAGES_READ or total >= limit_bytes:
            break
        text = page.extract_text() or ""
        encoded = text.encode("utf-8", "replace")[: limit_bytes - total]
        parts.append(encoded)
        total += len(encoded) + 1
    return b"\n".join(parts)


def main(argv: list[str]) -> int:
    _limit_resources()
    command, path, *rest = argv
    if command == "render":
        out = render_first_page(path, int(rest[0]))
    elif command == "text":
        out = extract_text(path, int(rest[0]))
    else:
        return 2
    sys.stdout.buffer.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
