"""What a person does in the browser, step by step, written once for every browser test.

Labels and buttons are found by their visible text in the page's language, taken from
Atrium's own translation catalogue, so a French page must really be in French.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from django.utils import translation
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import LOCALES
from tests.e2e.server import Server

PASSWORD = "Atrium-e2e-Passw0rd!"


def t(lang: str, text: str) -> str:
    """`text` as Atrium shows it in `lang`."""
    with translation.override(lang):
        return translation.gettext(text)


@dataclass
class Tab:
    """A browser context (one person) and its page, with what went wrong in the console."""

    context: BrowserContext
    page: Page
    lang: str
    base: str
    console_errors: list[str] = field(default_factory=list)

    def goto(self, path: str) -> int:
        response = self.page.goto(urljoin(self.base, path))
        assert response is not None
        return response.status

    def close(self) -> None:
        self.context.close()


def open_tab(browser: Browser, server: Server, lang: str, **options) -> Tab:
    context = browser.new_context(locale=LOCALES[lang], **options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    tab = Tab(context=context, page=page, lang=lang, base=server.url + "/")
    page.on("console", lambda message: tab.console_errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: tab.console_errors.append(str(error)))
    return tab


def first_run(tab: Tab, token: str, org: str, name: str, email: str) -> None:
    """Open the first-run link and create the organisation and its owner."""
    page, lang = tab.page, tab.lang
    tab.goto("/")
    expect(page).to_have_url(re.compile(r"/setup/$"))
    assert tab.goto(f"/setup/?token={token}") == 200
    expect(page.locator("html")).to_have_attribute("lang", lang)
    title = t(lang, "Create your organisation")
    assert lang == "en" or title != "Create your organisation", f"no {lang} translation"
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    page.get_by_label(t(lang, "Name of your organisation"), exact=True).fill(org)
    page.get_by_label(t(lang, "Your full name"), exact=True).fill(name)
    page.get_by_label(t(lang, "Your e-mail address"), exact=True).fill(email)
    page.get_by_label(t(lang, "Choose a password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t(lang, "Create the organisation")).click()
    expect(page).to_have_url(re.compile(r"/\?welcome=1$"))


def sign_in(tab: Tab, email: str, password: str = PASSWORD) -> None:
    page = tab.page
    tab.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("input[name=password]").press("Enter")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def create_space(tab: Tab, name: str, visibility: str) -> str:
    """Create a space through its form; return its slug."""
    page, lang = tab.page, tab.lang
    tab.goto("/spaces/new/")
    page.get_by_label(t(lang, "Name"), exact=True).fill(name)
    page.locator(f"input[name=visibility][value={visibility}]").check()
    page.get_by_role("button", name=t(lang, "Create the space")).click()
    expect(page).to_have_url(re.compile(r"/s/[\w-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    match = re.search(r"/s/([\w-]+)/$", page.url)
    assert match
    return match.group(1)


def invite(tab: Tab, email: str, role: str, spaces: tuple[str, ...] = ()) -> str:
    """Invite `email` from /manage/invitations/; return the invitation link shown."""
    page = tab.page
    assert tab.goto("/manage/invitations/") == 200
    form = page.locator("form").filter(has=page.locator("input[name=email]")).first
    form.locator("input[name=email]").fill(email)
    role_field = form.locator("[name=role]").first
    if role_field.evaluate("element => element.tagName") == "SELECT":
        role_field.select_option(role)
    else:
        form.locator(f"input[name=role][value={role}]").check()
    for space in spaces:
        form.get_by_role("checkbox", name=space).check()
    form.locator("button[type=submit]").first.click()
    link = page.locator("#invitation-link")
    expect(link).to_be_visible()
    tag = link.evaluate("element => element.tagName")
    if tag in ("INPUT", "TEXTAREA"):
        value = link.input_value()
    else:
        value = link.get_attribute("href") or link.inner_text()
    value = value.strip()
    assert "/invite/" in value, value
    return urljoin(tab.base, value)


def accept_invitation(tab: Tab, link: str, name: str) -> None:
    page, lang = tab.page, tab.lang
    response = page.goto(link)
    assert response is not None and response.status == 200
    page.get_by_label(t(lang, "Your full name"), exact=True).fill(name)
    page.get_by_label(t(lang, "Choose a password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t(lang, "Create my account")).click()
    expect(page).to_have_url(re.compile(r"/\?welcome=1$"))


def space_slugs(page: Page, scope: str) -> set[str]:
    """The spaces linked from the part of the page matched by `scope`."""
    hrefs = page.locator(f"{scope} a[href^='/s/']").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))")
    return {href.split("/")[2] for href in hrefs}
