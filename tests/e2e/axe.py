"""axe-core, the accessibility engine, run inside pages through Playwright.

The npm package is installed on first use into tests/e2e/node_modules (ignored by git):
`npm install --prefix tests/e2e` with the version pinned in tests/e2e/package.json.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

from playwright.sync_api import Page

HERE = Path(__file__).resolve().parent
AXE_FILE = HERE / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


class AxeUnavailable(RuntimeError):
    pass


@cache
def axe_source() -> str:
    if not AXE_FILE.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise AxeUnavailable("axe-core is not installed and npm is missing: run "
                                 "`npm install --prefix tests/e2e` (needs Node.js and npm)")
        subprocess.run(
            [npm, "install", "--prefix", str(HERE), "--no-audit", "--no-fund",
             "--no-package-lock", "--loglevel=error"],
            check=True, timeout=300, stdin=subprocess.DEVNULL,
        )
    return AXE_FILE.read_text()


def check_page(page: Page) -> list[dict]:
    """Run axe on the page as it is; return the serious and critical violations.

    The page's context must bypass CSP (`bypass_csp=True`): Atrium forbids inline scripts.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in BLOCKING]


def describe(violations: list[dict], where: str) -> str:
    """A report a person can act on: rule, impact, help and each failing element."""
    lines = [f"{len(violations)} serious/critical accessibility violation(s) on {where}:"]
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} "
                     f"({violation['helpUrl']})")
        for node in violation["nodes"][:8]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    at {' > '.join(map(str, node['target']))}: {node['html'][:200]}")
            if summary:
                lines.append(f"       {summary[:400]}")
    return "\n".join(lines)


def must_run() -> bool:
    """In CI a missing axe-core is a failure, not a skip."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")
