"""The audit log page and its CSV export."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from atrium.kernel import audit
from atrium.kernel.models import AuditEntry
from tests.factories import make_user


def _csv(response):
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


@pytest.mark.django_db
def test_audit_lists_newest_first_with_filters(client_for, world):
    """Entries come newest first; the action select lists existing actions."""
    audit.record("zz.newest", actor=world.owner, target_label="Last thing")
    html = client_for(world.org_admin).get("/manage/audit/").content.decode()
    table = html[html.index("<tbody>"):]
    assert table.index("zz.newest") < table.index("user.created")
    assert '<option value="user.deactivated">' in html


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "shown", "hidden"), [
    ("action=user.deactivated", "Dora Deactivated", "Cardiology"),
    ("target=cardio", "Cardiology", "Dora Deactivated"),
    ("actor={sami}", "Cardiology", "Partners"),
])
def test_audit_filters(client_for, world, query, shown, hidden):
    """Action, actor e-mail and target filters narrow the entries."""
    query = query.format(sami=world.space_admin.email)
    html = client_for(world.org_admin).get(f"/manage/audit/?{query}").content.decode()
    table = html[html.index("<tbody>"):]
    assert shown in table and hidden not in table


@pytest.mark.django_db
def test_audit_date_filters(client_for, world):
    """From/to dates include whole days; later days are out."""
    today = timezone.localdate()
    client = client_for(world.org_admin)
    html = client.get(f"/manage/audit/?date_from={today}&date_to={today}").content.decode()
    assert "user.deactivated" in html[html.index("<tbody>"):]
    tomorrow = today + timedelta(days=1)
    html = client.get(f"/manage/audit/?date_from={tomorrow}").content.decode()
    assert "No entry matches these filters." in html


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["date_from=2024-13-45", "date_to=yesterday",
                                   "date_from=2025-02-01&date_to=2025-01-01",
                                   "action=no.such.action"])
def test_bad_audit_filters_are_a_clear_400(client_for, world, query):
    """Invalid filters get a message on the page and a plain 400 for the CSV, never a 500."""
    client = client_for(world.org_admin)
    response = client.get(f"/manage/audit/?{query}")
    assert response.status_code == 400
    assert "Some filters are not valid" in response.content.decode()
    export = client.get(f"/manage/audit.csv?{query}")
    assert export.status_code == 400
    assert "The filters are not valid" in export.content.decode()


@pytest.mark.django_db
def test_audit_is_paginated_by_fifty(client_for, world):
    """Fifty entries per page, filters kept across pages."""
    for n in range(60):
        audit.record("bulk.entry", target_label=f"item {n:02d}")
    client = client_for(world.org_admin)
    first = client.get("/manage/audit/?action=bulk.entry").content.decode()
    assert first.count("<code>bulk.entry</code>") == 50
    assert "action=bulk.entry&amp;page=2" in first
    second = client.get("/manage/audit/?action=bulk.entry&page=2").content.decode()
    assert second.count("<code>bulk.entry</code>") == 10


@pytest.mark.django_db
def test_csv_export_follows_the_filters(client_for, world):
    """The CSV holds a header and exactly the filtered entries, as an attachment."""
    response = client_for(world.org_admin).get("/manage/audit.csv?action=user.deactivated")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="atrium-audit-')
    rows = _csv(response)
    assert rows[0] == ["time", "actor", "action", "target_type", "target_id", "target", "ip",
                       "details"]
    assert [(r[1], r[2], r[5]) for r in rows[1:]] == [
        (world.owner.email, "user.deactivated", "Dora Deactivated")]
    all_rows = _csv(client_for(world.org_admin).get("/manage/audit.csv"))
    assert len(all_rows) - 1 == AuditEntry.objects.count()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://evil\")", "+cmd|' /C calc'!A0",
                                  "-2+3", "@SUM(A1)"])
def test_csv_neutralises_formulas(client_for, world, name):
    """A cell that a spreadsheet would run as a formula is exported as plain text."""
    make_user(name=name)
    rows = _csv(client_for(world.org_admin).get("/manage/audit.csv?action=user.created"))
    targets = [r[5] for r in rows[1:]]
    assert "'" + name in targets
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)


@pytest.mark.django_db
def test_exporting_the_log_is_itself_audited(client_for):
    """Taking a CSV copy of the audit log leaves an entry naming who took it."""
    from atrium.kernel.models import AuditEntry
    from tests.factories import make_world

    world = make_world()
    response = client_for(world.org_admin).get("/manage/audit.csv", {"action": "user.created"})
    b"".join(response.streaming_content)
    entry = AuditEntry.objects.filter(action="audit.exported").get()
    assert entry.actor == world.org_admin
    assert entry.data["filters"] == {"action": "user.created"}
