"""The Links module's pages: sharing, searching, deleting, and bad input."""

import pytest

from atrium.modules.links.models import Link
from tests.factories import make_world

pytestmark = pytest.mark.django_db


def test_member_shares_a_link_and_everyone_in_the_space_sees_it(client_for):
    """A member shares a link; a reader sees it; the home page lists it as new."""
    world = make_world()
    slug = world.space.slug
    response = client_for(world.member).post(f"/s/{slug}/links/add/", {
        "url": "https://www.has-sante.fr/guide", "title": "Guide HAS", "tags": "qualité, #soin"})
    assert response.status_code == 302
    link = Link.objects.get()
    assert link.tag_list() == ["qualité", "soin"]
    page = client_for(world.reader).get(f"/s/{slug}/links/").content.decode()
    assert "Guide HAS" in page
    assert "Guide HAS" in client_for(world.reader).get("/").content.decode()
    assert "Guide HAS" not in client_for(world.outsider).get("/").content.decode()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x", "not a url",
                                 "", "https://" + "a" * 2100 + ".org"])
def test_bad_addresses_are_refused_with_a_message(client_for, url):
    """Only http(s) addresses are accepted; the form says why and keeps what was typed."""
    world = make_world()
    response = client_for(world.member).post(f"/s/{world.space.slug}/links/add/",
                                             {"url": url, "title": "Kept title"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'role="alert"' in body and "Kept title" in body
    assert not Link.objects.exists()


def test_link_text_is_escaped(client_for):
    """A title full of markup is shown as text, never as HTML."""
    world = make_world()
    client_for(world.member).post(f"/s/{world.space.slug}/links/add/", {
        "url": "https://example.org", "title": "<script>alert(1)</script>",
        "description": "<img src=x onerror=alert(1)>"})
    page = client_for(world.member).get(f"/s/{world.space.slug}/links/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x" not in page


def test_only_the_author_or_a_space_admin_deletes(client_for):
    """The author and space admins may delete a link; another member may not."""
    world = make_world()
    slug = world.space.slug
    client_for(world.member).post(f"/s/{slug}/links/add/", {"url": "https://example.org"})
    link = Link.objects.get()
    client_for(world.reader).post(f"/s/{slug}/links/{link.pk}/delete/")
    assert Link.objects.exists()
    client_for(world.space_admin).post(f"/s/{slug}/links/{link.pk}/delete/")
    assert not Link.objects.exists()


def test_link_of_another_space_cannot_be_reached_through_this_one(client_for):
    """A link id from another space answers 404, even for an admin of this space."""
    world = make_world()
    other = world.other_space
    from atrium.modules.links.actions import do_add_link

    foreign = do_add_link(world.owner, other, url="https://example.org/secret")
    response = client_for(world.space_admin).post(
        f"/s/{world.space.slug}/links/{foreign.pk}/delete/")
    assert response.status_code == 404
    assert Link.objects.filter(pk=foreign.pk).exists()
