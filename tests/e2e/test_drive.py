"""The drive in a real browser against a real `atrium serve`: uploads by the file and folder
choosers and by drag-and-drop (small files by form, a large one through tus), a second
version and its restore, image and PDF previews, a share link with a password opened
without an account, trash and restore, live refresh; hostile names and files never run;
the pages pass axe-core (English and French, light and dark) and their weight is printed."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e import axe
from tests.e2e.conftest import postgres_url
from tests.e2e.flows import create_space, first_run, open_tab
from tests.e2e.server import running_server
from tests.e2e.weight import measure

pytestmark = pytest.mark.browser

XSS_IMAGE = "<img src=x onerror=alert(1)>.png"
XSS_TEXT = '"><svg onload=alert(1)>'
DRIVE_BUDGET_BYTES = 150 * 1024


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 90, 200)).save(out, "PNG")
    return out.getvalue()


def pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(300, 400)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def payload(name: str, data: bytes, mime: str = "application/octet-stream") -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


@pytest.fixture(scope="module")
def drive_world(browser, tmp_path_factory):
    with running_server(database_url=postgres_url(), prefix="atrium-drive-e2e-") as server:
        owner = open_tab(browser, server, "en")
        first_run(owner, server.setup_token(), "Parkside Clinic", "Helen Martin",
                  "owner@example.org")
        slug = create_space(owner, "Projects", "open")
        state = owner.context.storage_state()
        owner.close()
        yield {"server": server, "slug": slug, "state": state,
               "tmp": tmp_path_factory.mktemp("drive")}


def rows(page):
    return page.locator("#drive-rows")


def wait_uploaded(page, *names: str) -> None:
    for name in names:
        expect(rows(page).get_by_role("link", name=name, exact=True)).to_be_visible(
            timeout=30_000)


def test_upload_version_preview_share_trash(browser, drive_world):
    """A person uploads files and folders (chooser, drag-and-drop, tus), versions,
    previews, shares with a password, trashes and restores; nothing hostile runs."""
    server, slug = drive_world["server"], drive_world["slug"]
    tab = open_tab(browser, server, "en", storage_state=drive_world["state"])
    page = tab.page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    assert tab.goto(f"/s/{slug}/drive/") == 200
    expect(page.get_by_role("link", name="Drive", exact=True).first).to_be_visible()

    # Several files by the chooser, one of them large enough for the resumable path.
    big = bytes(range(256)) * (9 * 1024 * 1024 // 256 + 3)
    page.set_input_files("#drive-files", [
        payload("photo.png", png(), "image/png"), payload("doc.pdf", pdf(), "application/pdf"),
        payload("notes.txt", b"first version\n", "text/plain"),
        payload(XSS_IMAGE, png(), "image/png"), payload(XSS_TEXT, b"hostile name\n"),
        payload("evil.html", b"<html><body><script>alert(2)</script></body></html>",
                "text/html"),
        payload("evil.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(3)">'
                            b"<script>alert(4)</script></svg>", "image/svg+xml"),
        payload("big.bin", big)])
    wait_uploaded(page, "photo.png", "doc.pdf", "notes.txt", XSS_IMAGE, XSS_TEXT,
                  "evil.html", "evil.svg", "big.bin")
    expect(page.locator("#drive-progress")).to_contain_text("Uploads finished")

    # A whole folder by the folder chooser.
    folder = Path(drive_world["tmp"]) / "Trip"
    (folder / "day1").mkdir(parents=True)
    (folder / "day1" / "a.txt").write_text("day one")
    (folder / "b.txt").write_text("bee")
    page.set_input_files("#drive-folder", str(folder))
    wait_uploaded(page, "Trip")

    # Drag-and-drop: a file, and a folder (given as the browser's file-system entries).
    page.locator("#drive-list").evaluate("""(zone) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File(["dropped"], "dropped.txt", {type: "text/plain"}));
        for (const type of ["dragover", "drop"]) zone.dispatchEvent(
            new DragEvent(type, {dataTransfer: transfer, bubbles: true, cancelable: true}));
        const file = {isFile: true, isDirectory: false, name: "inside.txt",
                      file: (ok) => ok(new File(["inside"], "inside.txt"))};
        let read = false;
        const dir = {isFile: false, isDirectory: true, name: "Dropped folder",
                     createReader: () => ({readEntries: (ok) => {
                         ok(read ? [] : [file]); read = true; }})};
        const drop = new Event("drop", {bubbles: true, cancelable: true});
        Object.defineProperty(drop, "dataTransfer",
                              {value: {items: [{webkitGetAsEntry: () => dir}], files: []}});
        zone.dispatchEvent(drop);
    }""")
    wait_uploaded(page, "dropped.txt", "Dropped folder")
    rows(page).get_by_role("link", name="Trip", exact=True).click()
    wait_uploaded(page, "day1", "b.txt")
    rows(page).get_by_role("link", name="day1", exact=True).click()
    wait_uploaded(page, "a.txt")
    tab.goto(f"/s/{slug}/drive/")
    rows(page).get_by_role("link", name="Dropped folder", exact=True).click()
    wait_uploaded(page, "inside.txt")
    tab.goto(f"/s/{slug}/drive/")

    # Hostile names are text; their pages run nothing.
    rows(page).get_by_role("link", name=XSS_IMAGE, exact=True).click()
    expect(page.get_by_role("heading", name=XSS_IMAGE)).to_be_visible()
    for name in ("evil.html", "evil.svg"):
        tab.goto(f"/s/{slug}/drive/")
        rows(page).get_by_role("link", name=name, exact=True).click()
        view = page.request.get(page.url + "view")
        assert view.headers["content-type"] == "application/octet-stream"
        assert "sandbox" in view.headers["content-security-policy"]

    # Image and PDF previews.
    tab.goto(f"/s/{slug}/drive/")
    rows(page).get_by_role("link", name="photo.png", exact=True).click()
    image = page.locator(".drive-preview img")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth") == 64
    tab.goto(f"/s/{slug}/drive/")
    rows(page).get_by_role("link", name="doc.pdf", exact=True).click()
    expect(page.locator("iframe.drive-pdf")).to_be_visible()
    page.wait_for_function("() => true")
    viewer = None
    for _attempt in range(50):
        viewer = next((f for f in page.frames if f.url.startswith("chrome-extension://")), None)
        if viewer:
            break
        page.wait_for_timeout(200)
    assert viewer is not None, "Chromium's PDF viewer did not open inside the preview"
    expect(viewer.locator("pdf-viewer")).to_have_count(1)

    # A second version, then the first restored.
    tab.goto(f"/s/{slug}/drive/")
    rows(page).get_by_role("link", name="notes.txt", exact=True).click()
    page.set_input_files("#new-version", [payload("whatever.txt", b"second version\n")])
    page.get_by_role("button", name="Upload the new version").click()
    expect(page.locator(".drive-text")).to_contain_text("second version")
    page.get_by_role("button", name="Restore version 1").click()
    expect(page.locator(".messages")).to_contain_text("Version 1 restored as version 3")
    expect(page.locator(".drive-text")).to_contain_text("first version")
    file_url = page.url

    # A share link with a password, opened without an account.
    page.get_by_label("Password (optional)").fill("Étoile-42")
    page.get_by_role("button", name="Create a link").click()
    link = page.locator("#new-share-link").inner_text().strip()
    assert "/drive/share/" in link
    visitor = open_tab(browser, server, "en")
    visitor_dialogs: list[str] = []
    visitor.page.on("dialog", lambda d: (visitor_dialogs.append(d.message), d.dismiss()))
    assert visitor.page.goto(link).status == 401
    visitor.page.get_by_label("Password", exact=True).fill("wrong")
    visitor.page.get_by_role("button", name="Open").click()
    expect(visitor.page.get_by_role("alert")).to_contain_text("The password is not right.")
    visitor.page.get_by_label("Password", exact=True).fill("Étoile-42")
    visitor.page.get_by_role("button", name="Open").click()
    expect(visitor.page.locator(".drive-text")).to_contain_text("first version")
    with visitor.page.expect_download() as download:
        visitor.page.get_by_role("link", name="Download").click()
    assert Path(download.value.path()).read_bytes() == b"first version\n"
    visitor.close()

    # Trash, then restore from the trash.
    page.goto(file_url)
    page.get_by_role("button", name="Put in the trash").click()
    expect(page.locator(".messages")).to_contain_text("was put in the trash")
    expect(rows(page).get_by_role("link", name="notes.txt", exact=True)).to_have_count(0)
    page.locator(".drive-sections").get_by_role("link", name="Trash").click()
    page.get_by_role("button", name="Restore notes.txt").click()
    expect(page.locator(".messages")).to_contain_text("was restored")
    tab.goto(f"/s/{slug}/drive/")
    wait_uploaded(page, "notes.txt")
    assert dialogs == [] and visitor_dialogs == [], dialogs + visitor_dialogs
    assert not [e for e in tab.console_errors if "alert" in e or "Refused" in e], tab.console_errors
    tab.close()


def test_another_person_sees_changes_live(browser, drive_world):
    """A folder made in one tab appears in another tab's listing without a reload."""
    server, slug = drive_world["server"], drive_world["slug"]
    one = open_tab(browser, server, "en", storage_state=drive_world["state"])
    two = open_tab(browser, server, "en", storage_state=drive_world["state"])
    two.goto(f"/s/{slug}/drive/")
    expect(two.page.locator("#rt-status")).to_have_attribute("data-state", "live")
    one.goto(f"/s/{slug}/drive/")
    one.page.get_by_label("New folder").fill("Made elsewhere")
    one.page.get_by_role("button", name="Create the folder").click()
    expect(rows(two.page).get_by_role("link", name="Made elsewhere")).to_be_visible(
        timeout=10_000)
    one.close()
    two.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_drive_pages_are_accessible(browser, drive_world, lang):
    """axe-core: no serious or critical violation on the drive's pages, light and dark."""
    try:
        axe.axe_source()
    except (axe.AxeUnavailable, OSError) as error:
        if axe.must_run():
            raise
        pytest.skip(f"axe-core unavailable: {error}")
    server, slug = drive_world["server"], drive_world["slug"]
    tab = open_tab(browser, server, lang, storage_state=drive_world["state"], bypass_csp=True)
    tab.goto(f"/s/{slug}/drive/")
    file_link = rows(tab.page).locator("a", has_text="photo.png")
    file_url = file_link.get_attribute("href") if file_link.count() else None
    pages = [f"/s/{slug}/drive/", f"/s/{slug}/drive/trash/", f"/s/{slug}/drive/search/?q=t",
             "/drive/", "/drive/search/?q=txt", "/manage/drive/"]
    if file_url:
        pages += [file_url, f"{file_url}pick/?op=move"]
    reports = []
    for path in pages:
        assert tab.goto(path) == 200, path
        for scheme in ("light", "dark"):
            tab.page.emulate_media(color_scheme=scheme)
            found = axe.check_page(tab.page)
            if found:
                reports.append(axe.describe(found, f"{path} ({lang}, {scheme})"))
    if file_url:  # the public pages of a share link, seen without an account
        tab.goto(file_url)
        tab.page.locator("#share-password").fill("pw")
        tab.page.locator(".drive-share-form button").click()
        link = tab.page.locator("#new-share-link").inner_text().strip()
        visitor = open_tab(browser, server, lang, bypass_csp=True)
        visitor.page.goto(link)
        for step in ("password", "shared"):
            for scheme in ("light", "dark"):
                visitor.page.emulate_media(color_scheme=scheme)
                found = axe.check_page(visitor.page)
                if found:
                    reports.append(axe.describe(found, f"share {step} ({lang}, {scheme})"))
            if step == "password":
                visitor.page.locator("#share-pw").fill("pw")
                visitor.page.locator("#share-pw").press("Enter")
                expect(visitor.page.locator(".drive-preview img")).to_be_visible()
        visitor.close()
    tab.close()
    assert not reports, "\n".join(reports)


def test_drive_page_weight(browser, drive_world):
    """The drive's folder page, cold: bytes on the wire printed, under the budget."""
    server, slug = drive_world["server"], drive_world["slug"]
    weight = measure(browser, f"{server.url}/s/{slug}/drive/", drive_world["state"])
    print(f"\nDrive folder page weight (cold): {weight.transferred / 1024:.1f} KB\n"
          + weight.summary())
    assert not weight.third_party and not weight.failed, weight.summary()
    assert weight.transferred < DRIVE_BUDGET_BYTES, weight.summary()
    assert re.search(r"/static/drive/drive\.\w+\.js", "\n".join(weight.requests))
