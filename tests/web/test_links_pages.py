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


# --- Bookmarks: previews, edit, save, my bookmarks, who else -----------------------------

R, L, N, F, OK = 302, "302L", 404, 403, 200


def _link(world, **extra):
    from atrium.modules.links.actions import do_add_link

    return do_add_link(world.member, world.space, url="https://example.org/a", title="A",
                       **extra)


BOOKMARK_MATRIX = [
    # anonymous, guest, outsider, reader, member, space_admin, org_admin, deactivated
    ("/s/{slug}/links/{link}/edit/", "get", [L, N, N, F, OK, OK, N, L]),
    ("/s/{slug}/links/{link}/edit/", "post", [L, N, N, F, R, R, N, L]),
    ("/s/{slug}/links/{link}/save/", "post", [L, N, N, R, R, R, N, L]),
    ("/s/{slug}/links/{link}/delete/", "post", [L, N, N, R, R, R, N, L]),
    ("/links/", "get", [L, OK, OK, OK, OK, OK, OK, L]),
    ("/links/add/", "post", [L, R, R, R, R, R, R, L]),
]


@pytest.mark.parametrize("url,method,expected", BOOKMARK_MATRIX,
                         ids=[f"{m} {u}" for u, m, _ in BOOKMARK_MATRIX])
def test_bookmark_pages_answer_exactly_per_role(client_for, url, method, expected):
    """Each role gets exactly the expected status on every bookmark page."""
    from tests.factories import ROLES

    world = make_world()
    for role, want in zip(ROLES, expected, strict=True):
        link = _link(world)
        path = url.format(slug=world.space.slug, link=link.pk)
        client = client_for(world.user(role))
        response = client.post(path, {"url": "https://example.org/b", "title": "B"}) \
            if method == "post" else client.get(path)
        if want == L:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == want, (role, response.status_code)


def test_refused_edits_and_deletes_change_nothing(client_for):
    """A reader's edit and delete, and an outsider's, leave the link as it was."""
    world = make_world()
    link = _link(world)
    for user in (world.reader, world.outsider):
        client = client_for(user)
        client.post(f"/s/{world.space.slug}/links/{link.pk}/edit/", {"url": "https://x.org",
                                                                      "title": "Hacked"})
        client.post(f"/s/{world.space.slug}/links/{link.pk}/delete/")
    link.refresh_from_db()
    assert (link.title, link.url) == ("A", "https://example.org/a")


def test_a_bad_edit_says_why_and_keeps_the_input(client_for):
    """An edit with a bad address answers 400 with the message and what was typed."""
    world = make_world()
    link = _link(world)
    response = client_for(world.member).post(
        f"/s/{world.space.slug}/links/{link.pk}/edit/",
        {"url": "ftp://nope", "title": "Kept title"})
    body = response.content.decode()
    assert response.status_code == 400 and 'role="alert"' in body and "Kept title" in body
    assert 'aria-invalid="true"' in body
    link.refresh_from_db()
    assert link.url == "https://example.org/a"


def _ready_preview(link, **fields):
    from atrium.kernel.models import LinkPreview

    LinkPreview.objects.filter(pk=link.preview_id).update(error="", **fields)


def test_the_preview_fills_an_empty_title_and_its_text_is_escaped(client_for):
    """A link saved without title shows the preview's; hostile preview text stays text."""
    from atrium.modules.links.actions import do_add_link

    world = make_world()
    link = do_add_link(world.member, world.space, url="https://example.org/x")
    _ready_preview(link, title="<script>alert(1)</script>",
                   description="<img src=x onerror=alert(2)>", site_name="<b>Site</b>")
    page = client_for(world.reader).get(f"/s/{world.space.slug}/links/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "<b>Site</b>" not in page and "&lt;b&gt;Site&lt;/b&gt;" in page


def test_the_preview_image_comes_from_our_origin(client_for):
    """The card's image is /previews/<id>/image?k=…, never the remote address."""
    from atrium.kernel import blobstore
    from tests.kernel.test_linkpreview import png

    world = make_world()
    link = _link(world)
    from io import BytesIO

    from atrium.kernel import previews as thumbs

    webp = thumbs.render_image(BytesIO(png(40, 30)), 600)
    blob = blobstore.put_bytes(webp.data, allowed_types={"image/webp"})
    _ready_preview(link, image=blob)
    page = client_for(world.reader).get(f"/s/{world.space.slug}/links/").content.decode()
    assert f'src="/previews/{link.preview_id}/image?k=' in page


def test_who_else_saved_it_is_shown_on_the_card(client_for):
    """The card names the other people who saved the same address here."""
    from atrium.modules.links.actions import do_add_link

    world = make_world()
    _link(world)
    do_add_link(world.space_admin, world.space, url="https://EXAMPLE.org/a")
    page = client_for(world.reader).get(f"/s/{world.space.slug}/links/").content.decode()
    assert "Also saved by Sami Spaceadmin" in page or "Also saved by Mia Member" in page


def test_tags_and_collections_filter_the_list(client_for):
    """?tag= and ?collection= narrow the list; the facets list them with counts."""
    from atrium.modules.links.actions import do_add_link

    world = make_world()
    do_add_link(world.member, world.space, url="https://a.org", title="Alpha", tags="soin",
                collection="Guides")
    do_add_link(world.member, world.space, url="https://b.org", title="Beta", tags="rh")
    client = client_for(world.reader)
    page = client.get(f"/s/{world.space.slug}/links/?tag=soin").content.decode()
    assert "Alpha" in page and "Beta" not in page
    page = client.get(f"/s/{world.space.slug}/links/?collection=Guides").content.decode()
    assert "Alpha" in page and "Beta" not in page and "Guides" in page
    partial = client.get(f"/s/{world.space.slug}/links/?q=Bet", HTTP_HX_REQUEST="true",
                         HTTP_HX_TARGET="link-list").content.decode()
    assert "Beta" in partial and "Alpha" not in partial and "<html" not in partial


def test_my_bookmarks_lists_what_i_saved_everywhere(client_for):
    """/links/ shows my links of every space and saves new ones into my personal space."""
    from atrium.modules.links.actions import do_add_link

    world = make_world()
    do_add_link(world.member, world.space, url="https://a.org", title="In Cardiology")
    do_add_link(world.space_admin, world.space, url="https://b.org", title="Not mine")
    client = client_for(world.member)
    response = client.post("/links/add/", {"url": "https://c.org", "title": "For me"})
    assert response.status_code == 302
    assert Link.objects.get(title="For me").space == world.member.personal_space
    page = client.get("/links/").content.decode()
    assert "In Cardiology" in page and "For me" in page and "Not mine" not in page
    bad = client.post("/links/add/", {"url": "javascript:alert(1)", "title": "Kept"})
    assert bad.status_code == 400 and "Kept" in bad.content.decode()


def test_saving_a_shared_link_puts_it_in_my_bookmarks(client_for):
    """The save button copies the link into the reader's personal space, once."""
    world = make_world()
    link = _link(world)
    client = client_for(world.reader)
    client.post(f"/s/{world.space.slug}/links/{link.pk}/save/")
    client.post(f"/s/{world.space.slug}/links/{link.pk}/save/")
    assert Link.objects.filter(space=world.reader.personal_space).count() == 1


def test_the_list_page_costs_the_same_queries_for_2_or_12_links(client_for,
                                                                django_assert_max_num_queries):
    """Previews, authors and who-else are fetched in bulk: the query count does not grow."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from atrium.modules.links.actions import do_add_link

    world = make_world()
    client = client_for(world.reader)
    url = f"/s/{world.space.slug}/links/"

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    for n in range(2):
        do_add_link(world.member, world.space, url=f"https://s{n}.org", tags="t")
    small = count()
    for n in range(10):
        do_add_link(world.space_admin, world.space, url=f"https://s{n % 2}.org",
                    collection=f"C{n}")
    assert count() == small
