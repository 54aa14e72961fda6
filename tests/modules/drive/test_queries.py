"""Listing (order, cursor pagination, constant queries), breadcrumbs, search by name and
content within what the person may read, usage and dedup figures, feed and export."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atrium.kernel.actions.spaces import do_add_member
from atrium.kernel.errors import ActionError, NotFound
from atrium.kernel.models import SpaceRole, Visibility
from atrium.modules.drive import actions, queries
from atrium.modules.drive.models import Node
from tests.factories import make_space, make_user
from tests.modules.drive.factories import fresh, make_file, make_folder

pytestmark = pytest.mark.django_db


def fill(user, folder, count: int) -> None:
    for i in range(count):
        make_file(user, folder, f"file-{i:04d}.txt", f"content {i % 7}".encode())


def test_folders_first_then_by_name_and_pages_chain(drive):
    member = drive.world.member
    box = make_folder(member, drive.root, "Box")
    fill(member, box, 25)
    make_folder(member, box, "zeta")
    make_folder(member, box, "Alpha")
    seen, cursor = [], None
    while True:
        page = queries.children(member, fresh(box), cursor=cursor, limit=10)
        seen.extend(n.name for n in page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen[:2] == ["Alpha", "zeta"]
    assert seen[2:] == [f"file-{i:04d}.txt" for i in range(25)]


@pytest.mark.parametrize("order", ["-name", "size", "-size", "modified", "-modified"])
def test_every_order_pages_without_loss_or_repeat(drive, order):
    member = drive.world.member
    box = make_folder(member, drive.root, "Box")
    for i in range(12):
        make_file(member, box, f"f{i}.bin", b"x" * (i % 4))
    seen, cursor = [], None
    for _ in range(20):
        page = queries.children(member, fresh(box), order=order, cursor=cursor, limit=5)
        seen.extend(n.pk for n in page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 12
    if order.endswith("size"):
        sizes = [Node.objects.get(pk=pk).size for pk in seen]
        assert sizes == sorted(sizes, reverse=order.startswith("-"))


def test_a_bad_order_or_cursor_is_refused(drive):
    with pytest.raises(ActionError):
        queries.children(drive.world.member, drive.folder, order="owner")
    with pytest.raises(ActionError):
        queries.children(drive.world.member, drive.folder, cursor="not-a-cursor")


def test_listing_50_or_500_files_costs_the_same_queries(drive):
    member = drive.world.member
    small, large = make_folder(member, drive.root, "Small"), make_folder(member, drive.root, "Big")
    fill(member, small, 50)
    fill(member, large, 500)
    counts = []
    for folder in (small, large):
        viewer = fresh(folder)
        member.__dict__.pop("_space_roles", None)
        viewer.space.__dict__.pop("_module_settings", None)
        with CaptureQueriesContext(connection) as queries_run:
            page = queries.children(member, viewer, limit=1000)
            names = [str(n.updated_by) for n in page.items]  # what a listing shows
        counts.append(len(queries_run))
        assert len(names) in (50, 500)
    assert counts[0] == counts[1]


def test_breadcrumbs_go_from_the_root(drive):
    crumbs = queries.breadcrumbs(drive.world.member, fresh(drive.file))
    assert [c.pk for c in crumbs] == [drive.root.pk, drive.folder.pk, drive.file.pk]
    with pytest.raises(NotFound):
        queries.breadcrumbs(drive.world.outsider, fresh(drive.file))


def test_search_by_name_and_by_content(drive):
    member = drive.world.member
    memo = make_file(member, drive.folder, "Memo.txt", b"the budget for 2027")
    actions.store_text(memo.current.blob, "the budget for 2027")
    assert [n.name for n in queries.search(member, "MEMO")] == ["Memo.txt"]
    assert [n.name for n in queries.search(member, "budget")] == ["Memo.txt"]
    assert [n.name for n in queries.search(member, "budget plan")] == []
    assert queries.search(member, "   ") == []


def test_a_secret_spaces_files_never_appear_in_anyone_elses_search(drive):
    """Not to members of other spaces, not to the organisation's admins, not to guests."""
    boss = make_user(name="Secret Keeper")
    secret = make_space(boss, Visibility.SECRET, "Merger")
    hidden = make_file(boss, actions.drive_root(secret), "acquisition-target.txt",
                       b"acquisition target")
    actions.store_text(hidden.current.blob, "acquisition target")
    assert [n.pk for n in queries.search(boss, "acquisition")] == [hidden.pk]
    for role in ("member", "space_admin", "org_admin", "guest", "outsider", "reader"):
        person = drive.user(role)
        assert queries.search(person, "acquisition") == [], role
        assert queries.search(person, "target") == [], role
        assert queries.search(person, "acquisition", space=secret) == [], role
    assert queries.search(drive.world.owner, "acquisition") == []


def test_search_in_content_only_where_readable_and_live(drive):
    member = drive.world.member
    actions.store_text(drive.file.current.blob, "the plan")
    do_add_member(drive.world.space_admin, drive.space, drive.world.guest, SpaceRole.READER)
    drive.world.guest.__dict__.pop("_space_roles", None)
    assert [n.pk for n in queries.search(drive.world.guest, "plan")] == [drive.file.pk]
    actions.do_trash(member, fresh(drive.file))
    assert queries.search(member, "plan") == []


def test_index_pending_texts_fills_file_text(drive, monkeypatch):
    from atrium.modules.drive.actions import text

    monkeypatch.setattr(text, "_text_of", lambda blob: "extracted words")
    assert actions.index_pending_texts() >= 1
    assert [n.pk for n in queries.search(drive.world.member, "extracted")] == [drive.file.pk]
    assert actions.index_pending_texts() == 0


def test_usage_and_dedup_figures(drive):
    member = drive.world.member
    data = b"0123456789" * 10
    make_file(member, drive.folder, "a.bin", data)
    make_file(member, drive.folder, "b.bin", data)
    mine = actions.personal_drive(member)
    make_file(member, mine, "c.bin", data)
    figures = queries.dedup_figures()
    assert figures.logical_bytes - figures.stored_bytes >= 200
    assert figures.saved_bytes == figures.logical_bytes - figures.stored_bytes
    by_space = {d.space_id: d for d in figures.drives}
    assert by_space[drive.space.pk].logical_bytes == queries.usage(drive.space).used
    assert by_space[mine.space_id].personal and by_space[mine.space_id].logical_bytes == 100
    assert queries.usage(member).used == 100 and queries.usage(member).quota is None


def test_recent_files_and_export(drive):
    member = drive.world.member
    recent = queries.recent_files(member, 10)
    assert [r.node.pk for r in recent] == [drive.file.pk]
    assert recent[0].space == drive.space and recent[0].get_absolute_url()
    assert queries.recent_files(drive.world.outsider, 10) == []
    sub = make_folder(member, drive.root, "Later")
    actions.do_move(member, fresh(drive.folder), sub)
    rows = {row["path"]: row for row in queries.export_space(drive.space)}
    assert set(rows) == {"/Later", "/Later/Reports", "/Later/Reports/plan.txt"}
    assert rows["/Later/Reports/plan.txt"]["versions"][0]["size"] == len(b"the plan\n")


def test_an_upload_event_reaches_the_space_audience(drive, django_capture_on_commit_callbacks,
                                                    monkeypatch):
    from atrium.realtime import publish

    pushed = []
    monkeypatch.setattr(publish, "publish", pushed.append)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_upload_file(drive.world.member, drive.folder, "live.txt", BytesIO(b"hi"))
    assert [(e["e"], e["a"]) for e in pushed if e["k"] == "event"] == [
        ("drive.node.created", f"space:{drive.space.pk}")]


def test_the_kernel_extractor_makes_text_files_searchable(drive):
    member = drive.world.member
    make_file(member, drive.folder, "minutes.txt", b"We agreed on the quarterly roadmap.\n")
    assert actions.index_pending_texts() >= 1
    assert [n.name for n in queries.search(member, "roadmap")] == ["minutes.txt"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
def test_the_default_listing_order_comes_from_an_index_not_a_sort(drive):
    """Folders first then by name is read from `drive_by_name`: no sort of the whole folder
    (10,000 files listed 18 ms slower with an all-ascending index, docs/benchmarks.md)."""
    member = drive.world.member
    folder = make_folder(member, drive.root, "Listed")
    fill(member, folder, 3)
    with CaptureQueriesContext(connection) as run:
        queries.children(member, fresh(folder))
    listing = next(q["sql"] for q in run.captured_queries
                   if "ORDER BY" in q["sql"] and '"name_key" ASC' in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {listing}")
        plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
    assert "drive_by_name" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


def test_an_uploaded_text_file_is_found_by_its_contents_once_committed(
        drive, django_capture_on_commit_callbacks):
    """The upload queues the text extraction: no wait for the next housekeeping round."""
    member = drive.world.member
    with django_capture_on_commit_callbacks(execute=True):
        make_file(member, drive.folder, "minutes.txt", b"the quarterly rota is agreed")
        make_file(member, drive.folder, "photo.bin", b"\x89PNG-not-text\x00\x01")
    assert [n.name for n in queries.search(member, "quarterly")] == ["minutes.txt"]
