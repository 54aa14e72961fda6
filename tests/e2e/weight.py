"""How heavy a page is for a real browser with an empty cache: bytes on the wire, requests,
and origins other than the server's. Shared by the page-weight test and bench/page_weight.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import Browser

BUDGET_BYTES = 100 * 1024
BUDGET_REQUESTS = 15


@dataclass
class Weight:
    url: str
    transferred: int = 0  # bytes received, headers included, compressed as sent
    requests: list[str] = field(default_factory=list)
    third_party: set[str] = field(default_factory=set)
    failed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.url}: {self.transferred} bytes ({self.transferred / 1024:.1f} KiB) in "
                f"{len(self.requests)} requests; third-party origins: "
                f"{sorted(self.third_party) or 'none'}\n  " + "\n  ".join(self.requests))


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def first_run_by_field_names(browser: Browser, base: str, token: str, email: str,
                             password: str) -> dict:
    """Create the organisation through the first-run form; return the signed-in session
    (Playwright storage state)."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/setup/?token={token}")
    page.fill("#id_org_name", "Atrium Bench")
    page.fill("#id_full_name", "Bench Owner")
    page.fill("#id_email", email)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    page.goto(f"{base}/spaces/new/")
    page.fill("#id_name", "Cardiologie")
    page.locator("input[name=visibility][value=open]").check()
    with page.expect_navigation():
        page.locator("#id_name").press("Enter")
    state = context.storage_state()
    context.close()
    return state  # type: ignore[return-value]


def measure(browser: Browser, url: str, storage_state: dict | None = None) -> Weight:
    """Load `url` in a new context (empty cache) and count what crossed the network."""
    context = browser.new_context(storage_state=storage_state)  # type: ignore[arg-type]
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    urls: dict[str, str] = {}
    sizes: dict[str, int] = {}
    hops: list[tuple[str, int]] = []  # redirects: one request each
    weight = Weight(url=url)

    def sent(event: dict) -> None:
        key = event["requestId"]
        redirect = event.get("redirectResponse")
        if redirect is not None and key in urls:
            hops.append((urls.pop(key), int(redirect.get("encodedDataLength", 0))))
        target = event["request"]["url"]
        if target.startswith(("http://", "https://")):
            urls[key] = target

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.loadingFinished",
           lambda event: sizes.__setitem__(event["requestId"], int(event["encodedDataLength"])))
    cdp.on("Network.loadingFailed",
           lambda event: weight.failed.append(urls.get(event["requestId"], "?")))
    page.goto(url, wait_until="networkidle")
    context.close()
    home = origin(url)
    for target, size in hops + [(target, sizes.get(key, 0)) for key, target in urls.items()]:
        weight.requests.append(f"{size:>7} {target}")
        weight.transferred += size
        if origin(target) != home:
            weight.third_party.add(origin(target))
    return weight
