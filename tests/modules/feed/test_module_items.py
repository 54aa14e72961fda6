"""Other modules' content in the feed: a file added to a drive, a saved link."""

from __future__ import annotations

import io

import pytest

from atrium.modules.drive.actions import do_trash, do_upload_file
from atrium.modules.drive.actions.common import drive_root
from atrium.modules.feed import queries
from atrium.modules.feed.queries import ModuleItem
from atrium.modules.links.actions import do_add_link, do_delete_link

pytestmark = pytest.mark.django_db


def module_items(user):
    return [i for i in queries.home_feed(user).items if isinstance(i, ModuleItem)]


def test_drive_file_appears_once_and_leaves_when_trashed(world):
    """A new file shows as a card; a new version does not add one; the trash removes it."""
    root = drive_root(world.space)
    node = do_upload_file(world.member, root, "plan.txt", io.BytesIO(b"v1"))
    do_upload_file(world.member, root, "plan.txt", io.BytesIO(b"v2"))
    items = module_items(world.reader)
    assert [(i.entry.module_id, i.entry.title, i.author.pk) for i in items] \
        == [("drive", "plan.txt", world.member.pk)]
    assert items[0].entry.url == f"/s/{world.space.slug}/drive/n/{node.pk}/"
    assert module_items(world.outsider) == []
    do_trash(world.member, node)
    assert module_items(world.reader) == []


def test_saved_link_appears_and_leaves_when_deleted(world):
    """A saved link shows as a card for readers of the space, until deleted."""
    link = do_add_link(world.member, world.space, url="https://example.org/page",
                       title="Example")
    assert [i.entry.module_id for i in module_items(world.reader)] == ["links"]
    do_delete_link(world.member, link)
    assert module_items(world.reader) == []


def test_another_modules_card_says_what_was_done_in_the_readers_language(world, client_for):
    """The verb is stored in English and marked for translation by the module that published
    it: a French reader reads « a ajouté un fichier », an English one "added a file"."""
    do_upload_file(world.member, drive_root(world.space), "plan.txt", io.BytesIO(b"v1"))
    reader = client_for(world.reader)
    french = reader.get("/feed/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").content.decode()
    english = reader.get("/feed/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert "a ajouté un fichier" in french and "added a file" not in french
    assert "added a file" in english
