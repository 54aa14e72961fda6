"""The admin overview: counts of people, spaces, invitations, storage and modules."""

import re

import pytest

from atrium.kernel import blobstore, registry
from atrium.kernel.actions.invitations import do_invite


def _figure(html, heading_id):
    """The big figure of the card whose heading has `heading_id`."""
    card = html[html.index(f'id="{heading_id}"'):]
    return re.search(r'<p class="stat">([^<]+)', card).group(1).strip()


@pytest.mark.django_db
def test_overview_counts(client_for, world):
    """People by role, deactivated, spaces, pending invitations and storage are counted."""
    do_invite(world.owner, email="one@example.net")
    blobstore.put_bytes(b"same bytes")
    blobstore.put_bytes(b"same bytes")
    html = client_for(world.org_admin).get("/manage/").content.decode()
    assert _figure(html, "stat-people") == "7"
    assert "<dt>Member</dt><dd>4</dd>" in html and "<dt>Guest</dt><dd>1</dd>" in html
    assert "<dt>Deactivated</dt><dd>1</dd>" in html
    assert _figure(html, "stat-spaces") == "2"
    assert _figure(html, "stat-invitations") == "1"
    assert _figure(html, "stat-storage") == "10\xa0bytes"
    assert "<dt>As shared</dt><dd>20\xa0bytes</dd>" in html
    assert "<dt>Saved</dt><dd>10\xa0bytes</dd>" in html
    modules = len(registry.all_modules())
    assert _figure(html, "stat-modules") == f"{modules} of {modules}"


@pytest.mark.django_db
def test_overview_links_every_section_and_marks_only_itself(client_for, world):
    """The sub-navigation links every admin section; only the current one is marked."""
    html = client_for(world.owner).get("/manage/people/").content.decode()
    for url in ("/manage/", "/manage/people/", "/manage/invitations/", "/manage/modules/",
                "/manage/security/", "/manage/audit/"):
        assert f'href="{url}"' in html
    assert html.count('aria-current="page"') == 2  # "Administration" above, "People" below
    assert '<a href="/manage/people/" aria-current="page">' in html


@pytest.mark.django_db
def test_person_page_shows_their_spaces_and_history(client_for, world):
    """A person's admin page lists their spaces and the audit entries about them."""
    html = client_for(world.org_admin).get(f"/manage/people/{world.member.pk}/")
    html = html.content.decode()
    assert "Cardiology" in html
    assert "space.member_added" in html and "user.created" in html
