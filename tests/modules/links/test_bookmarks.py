"""Bookmarks through their actions and queries: previews, tags, collections, editing,
my bookmarks, and who else saved the same address without leaking other spaces."""

from __future__ import annotations

import pytest

from atrium.kernel.actions.spaces import do_add_member, do_remove_member
from atrium.kernel.errors import ActionError, Conflict, Forbidden
from atrium.kernel.models import AuditEntry, ContentEntry, EventRecord, LinkPreview, SpaceRole
from atrium.modules.links import actions, queries
from atrium.modules.links.models import Link
from tests.factories import make_space, make_user, make_world

pytestmark = pytest.mark.django_db


def test_adding_keeps_the_hash_a_pending_preview_and_publishes(django_capture_on_commit_callbacks):
    """A new link gets the normalised address's hash, a preview queued after commit, an
    event and a feed entry."""
    world = make_world()
    with django_capture_on_commit_callbacks() as callbacks:
        link = actions.do_add_link(world.member, world.space, url="https://Example.org/a#x",
                                   tags=" qualité , #soin,,qualité", collection=" Guides  HAS ")
    assert link.url_hash == LinkPreview.objects.get().url_hash
    assert link.preview is not None and link.preview.error == "pending"
    assert (link.tags, link.collection) == ("qualité, soin", "Guides HAS")
    assert callbacks  # the preview's fetch and the event's push
    assert EventRecord.objects.filter(type="links.added").count() == 1
    entry = ContentEntry.objects.get(module_id="links", object_id=link.pk)
    assert entry.space_id == world.space.pk and entry.title == "example.org"


def test_an_empty_title_shows_the_previews_once_fetched():
    """Left empty, title and description come from the preview (never from a failed one)."""
    world = make_world()
    link = actions.do_add_link(world.member, world.space, url="https://example.org/guide")
    assert link.display_title == "example.org" and link.display_description == ""
    LinkPreview.objects.filter(pk=link.preview_id).update(
        title="The guide", description="All about it", error="")
    link = Link.objects.select_related("preview").get(pk=link.pk)
    assert (link.display_title, link.display_description) == ("The guide", "All about it")
    LinkPreview.objects.filter(pk=link.preview_id).update(error="timeout")
    link = Link.objects.select_related("preview").get(pk=link.pk)
    assert link.display_title == "example.org"


def test_two_spellings_of_an_address_share_one_preview():
    """Host case, fragment and default port do not make another preview."""
    world = make_world()
    a = actions.do_add_link(world.member, world.space, url="https://example.org/x")
    b = actions.do_add_link(world.space_admin, world.space, url="HTTPS://EXAMPLE.org:443/x#top")
    assert a.preview_id == b.preview_id and a.url_hash == b.url_hash


@pytest.mark.parametrize(("fields", "field"), [
    ({"url": "javascript:alert(1)"}, "url"), ({"url": "http://exa mple.org"}, "url"),
    ({"url": "https://example.org:99999/"}, "url"), ({"url": "https://"}, "url"),
    ({"url": "https://x.org", "title": "t" * 201}, "title"),
    ({"url": "https://x.org", "description": "d" * 2001}, "description"),
    ({"url": "https://x.org", "collection": "c" * 81}, "collection"),
])
def test_bad_input_names_its_field_and_changes_nothing(fields, field):
    """Each refusal says which field is wrong; no link, preview or entry is made."""
    world = make_world()
    with pytest.raises(ActionError) as refused:
        actions.do_add_link(world.member, world.space, **fields)
    assert refused.value.field == field
    assert not Link.objects.exists() and not LinkPreview.objects.exists()
    assert not ContentEntry.objects.filter(module_id="links").exists()


def test_a_reader_may_not_add():
    """Readers only read: Forbidden, nothing stored."""
    world = make_world()
    with pytest.raises(Forbidden):
        actions.do_add_link(world.reader, world.space, url="https://example.org")
    assert not Link.objects.exists()


def test_the_author_and_space_admins_edit_others_may_not():
    """Edit: the author and the space's admins; another member gets Forbidden, no change."""
    world = make_world()
    link = actions.do_add_link(world.member, world.space, url="https://example.org/a",
                               title="A")
    other = make_user()
    do_add_member(world.space_admin, world.space, other, SpaceRole.MEMBER)
    with pytest.raises(Forbidden):
        actions.do_edit_link(other, link, title="Hacked")
    assert Link.objects.get(pk=link.pk).title == "A"
    actions.do_edit_link(world.member, link, title="B", tags="x", collection="Guides")
    actions.do_edit_link(world.space_admin, link, url="https://example.net/b")
    link.refresh_from_db()
    assert (link.title, link.tags, link.collection) == ("B", "x", "Guides")
    assert link.url == "https://example.net/b" and link.edited_at is not None
    assert link.preview.url == "https://example.net/b"
    assert ContentEntry.objects.get(module_id="links", object_id=link.pk).title == "B"


def test_deleting_withdraws_the_entry_and_an_admin_deletion_is_audited():
    """A space admin deleting a member's link is audited; the feed entry goes."""
    world = make_world()
    link = actions.do_add_link(world.member, world.space, url="https://example.org/a")
    with pytest.raises(Forbidden):
        actions.do_delete_link(world.reader, link)
    actions.do_delete_link(world.space_admin, link)
    assert not Link.objects.exists()
    assert not ContentEntry.objects.filter(module_id="links").exists()
    assert AuditEntry.objects.filter(action="links.delete").count() == 1


def test_bookmarks_in_a_personal_space_stay_out_of_the_feed():
    """Saving for oneself publishes nothing to the feed."""
    world = make_world()
    personal = world.member.personal_space
    actions.do_add_link(world.member, personal, url="https://example.org/mine")
    assert not ContentEntry.objects.filter(module_id="links").exists()


def test_saving_to_my_bookmarks_copies_once():
    """A reader copies a shared link into their personal space; twice is a Conflict."""
    world = make_world()
    link = actions.do_add_link(world.member, world.space, url="https://example.org/a",
                               title="A", tags="t")
    copy = actions.do_save_to_my_bookmarks(world.reader, link)
    assert copy.space == world.reader.personal_space and copy.author == world.reader
    assert (copy.title, copy.tags, copy.url_hash) == ("A", "t", link.url_hash)
    with pytest.raises(Conflict):
        actions.do_save_to_my_bookmarks(world.reader, link)
    with pytest.raises(Forbidden):
        actions.do_save_to_my_bookmarks(world.outsider, link)
    assert Link.objects.count() == 2


def test_tag_and_collection_filters_match_whole_values():
    """?tag matches a whole tag in any case; ?collection an exact collection."""
    world = make_world()
    add = actions.do_add_link
    a = add(world.member, world.space, url="https://a.org", tags="Soin, qualité",
            collection="Guides")
    b = add(world.member, world.space, url="https://b.org", tags="soins")
    c = add(world.member, world.space, url="https://c.org", tags="x, soin, y")
    assert set(queries.links_of_space(world.space, tag="soin")) == {a, c}
    assert set(queries.links_of_space(world.space, tag="#SOINS")) == {b}
    assert list(queries.links_of_space(world.space, collection="Guides")) == [a]
    assert set(queries.links_of_space(world.space, "qualit")) == {a}
    assert queries.collections_of_space(world.space) == [("Guides", 1)]
    tag, count = queries.tags_of(queries.links_of_space(world.space))[0]
    assert (tag.casefold(), count) == ("soin", 2)


def test_who_else_saved_this_never_reveals_a_space_the_viewer_cannot_read():
    """Others who saved the same address are listed from readable spaces only: not from
    another private space, a secret one, or someone's personal bookmarks."""
    world = make_world()
    url = "https://example.org/shared"
    mine = actions.do_add_link(world.member, world.space, url=url)
    actions.do_add_link(world.space_admin, world.space, url=url + "#again")
    actions.do_add_link(world.owner, world.other_space, url=url)  # private, reader not in it
    secret_owner = make_user(name="Zed Secret")
    secret = make_space(secret_owner, "secret", "Board")
    actions.do_add_link(secret_owner, secret, url=url)
    actions.do_add_link(world.outsider, world.outsider.personal_space, url=url)
    seen_by_reader = queries.savers(world.reader, [mine])[mine.pk]
    assert [p.display_name for p in seen_by_reader] == ["Sami Spaceadmin"]
    seen_by_author = queries.savers(world.member, [mine])[mine.pk]
    assert [p.pk for p in seen_by_author] == [world.space_admin.pk]
    do_add_member(world.owner, world.other_space, world.reader, SpaceRole.READER)
    world.reader.__dict__.pop("_space_roles", None)
    names = {p.display_name for p in queries.savers(world.reader, [mine])[mine.pk]}
    assert names == {"Sami Spaceadmin", "Olivia Owner"}


def test_my_bookmarks_span_the_spaces_i_still_read():
    """My list holds my links of every space I read, and drops a space I left."""
    world = make_world()
    shared = actions.do_add_link(world.member, world.space, url="https://a.org")
    personal = actions.do_add_link(world.member, world.member.personal_space,
                                   url="https://b.org")
    actions.do_add_link(world.space_admin, world.space, url="https://c.org")
    assert set(queries.my_links(world.member)) == {shared, personal}
    do_remove_member(world.space_admin, world.space, world.member)
    world.member.__dict__.pop("_space_roles", None)
    assert list(queries.my_links(world.member)) == [personal]
