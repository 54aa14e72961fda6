"""Weight of the signed-in home page in a real Chromium with an empty cache.

    .venv/bin/python bench/page_weight.py

Starts `atrium serve` on a fresh data folder, creates the organisation and one space through
the first-run form, then loads / in a new browser context (cold cache) and counts the bytes
transferred (compressed, headers included), the requests and any third-party origin.
Budget: under 100 KB, under 15 requests, no third-party origin; exits 1 when over it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright

from tests.e2e.server import start_server
from tests.e2e.weight import (
    BUDGET_BYTES,
    BUDGET_REQUESTS,
    first_run_by_field_names,
    measure,
)

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="atrium-bench-") as root:
        server = start_server(Path(root) / "data")
        try:
            with sync_playwright() as driver:
                browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                state = first_run_by_field_names(browser, server.url, server.setup_token(),
                                                 "bench@example.org", "Bench-Passw0rd!")
                weights = [measure(browser, f"{server.url}/", storage_state=state)
                           for _ in range(3)]
                browser.close()
        finally:
            server.stop()
    weight = weights[-1]
    print(weight.summary())
    print(f"transferred (3 cold loads): {[w.transferred for w in weights]} bytes")
    within = (weight.transferred < BUDGET_BYTES and len(weight.requests) < BUDGET_REQUESTS
              and not weight.third_party)
    print(f"budget (< {BUDGET_BYTES} B, < {BUDGET_REQUESTS} requests, no third party): "
          f"{'met' if within else 'EXCEEDED'}")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
