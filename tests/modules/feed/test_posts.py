"""Posts: who may create, edit, delete and share; what bad input says; refusals change
nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from atrium.kernel.errors import ActionError, Forbidden, NotFound
from atrium.kernel.models import AuditEntry, ContentEntry, Visibility
from atrium.modules.feed import actions
from atrium.modules.feed.models import Attachment, Hashtag, Poll, Post, PostHashtag
from tests.factories import ROLES, make_space
from tests.modules.feed.helpers import png, post, text_file

pytestmark = pytest.mark.django_db

CREATE = {"anonymous": Forbidden, "guest": NotFound, "outsider": NotFound,
          "reader": Forbidden, "member": None, "space_admin": None, "org_admin": NotFound,
          "deactivated": Forbidden}


def outcome(fn):
    try:
        fn()
    except (ActionError, NotFound) as error:
        return type(error)
    return None


@pytest.mark.parametrize("role", ROLES)
def test_create_post_matrix(world, role):
    """Members and admins post in a private space; others are refused, nothing written."""
    actor = world.user(role)
    got = outcome(lambda: post(actor, world.space, "Hello #team"))
    assert got is CREATE[role]
    expected = 1 if CREATE[role] is None else 0
    assert Post.objects.count() == expected and ContentEntry.objects.count() == expected


def test_create_post_renders_markdown_stores_hashtags_images_files_and_entry(world):
    """A post keeps its Markdown, safe HTML, hashtags, images with sizes, files, entry."""
    made = post(world.member, world.space, "**Bold** #Qualité and #qualité <script>x</script>",
                images=[png(8, 6)], files=[text_file()])
    assert "<strong>Bold</strong>" in made.html and "<script>" not in made.html
    assert list(Hashtag.objects.values_list("name", flat=True)) == ["qualité"]
    assert PostHashtag.objects.filter(post=made).count() == 1
    image, file = Attachment.objects.filter(post=made).order_by("position")
    assert (image.is_image, image.width, image.height) == (True, 8, 6)
    assert (file.is_image, file.name) == (False, "notes.txt")
    entry = ContentEntry.objects.get(module_id="feed", object_id=made.pk)
    assert entry.space_id == world.space.pk and entry.author_id == world.member.pk


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"body": ""}, "body"),
    ({"body": "x" * 20_001}, "body"),
    ({"body": "x", "images": [text_file()]}, "file"),
    ({"body": "x", "images": [png()] * 21}, "images"),
    ({"body": "x", "files": [text_file()] * 11}, "files"),
    ({"body": "x", "poll": actions.PollSpec(options=["only one"])}, "poll.options"),
    ({"body": "x", "poll": actions.PollSpec(options=["a", "A"])}, "poll.options"),
    ({"body": "x", "poll": actions.PollSpec(options=["a", "b"],
                                            closes_at=timezone.now() - timedelta(1))},
     "poll.closes_at"),
    ({"body": "x", "requires_confirmation": True}, "announce"),
])
def test_bad_input_names_the_field_and_writes_nothing(world, kwargs, field):
    """Each invalid post is refused with the offending field; nothing is stored."""
    with pytest.raises(ActionError) as error:
        actions.do_create_post(world.member, world.space, **kwargs)
    assert error.value.field == field and error.value.message
    assert not Post.objects.exists() and not Attachment.objects.exists()
    assert not Poll.objects.exists()


def test_only_managers_announce(world):
    """A member may not publish an announcement; a space admin may."""
    with pytest.raises(Forbidden):
        post(world.member, world.space, "Read me", announce=True)
    made = post(world.space_admin, world.space, "Read me", announce=True,
                requires_confirmation=True)
    assert made.pinned_at is not None and made.requires_confirmation


@pytest.mark.parametrize("role", ROLES)
def test_edit_only_by_author(world, role):
    """Only the author edits a post (while they may write); the text is unchanged otherwise."""
    made = post(world.member, world.space, "first")
    actor = world.user(role)
    got = outcome(lambda: actions.do_edit_post(actor, made, body="second #new"))
    allowed = role == "member"
    assert (got is None) == allowed
    made.refresh_from_db()
    assert made.body == ("second #new" if allowed else "first")
    assert (made.edited_at is not None) == allowed


@pytest.mark.parametrize("role", ROLES)
def test_delete_by_author_or_manager(world, role):
    """The author or a space manager deletes; the entry leaves the feed; others refused."""
    made = post(world.member, world.space, "bye", images=[png()])
    actor = world.user(role)
    got = outcome(lambda: actions.do_delete_post(actor, made))
    allowed = role in ("member", "space_admin")
    assert (got is None) == allowed
    made.refresh_from_db()
    assert (made.deleted_at is not None) == allowed
    assert ContentEntry.objects.filter(object_id=made.pk).exists() != allowed
    assert Attachment.objects.filter(post=made).exists() != allowed
    assert AuditEntry.objects.filter(action="feed.post_deleted").exists() == (
        role == "space_admin")


def test_deleted_post_cannot_be_edited_or_deleted_again(world):
    """A deleted post answers NotFound to every later action."""
    made = post(world.member, world.space, "gone")
    actions.do_delete_post(world.member, made)
    with pytest.raises(NotFound):
        actions.do_edit_post(world.member, made, body="back")
    with pytest.raises(NotFound):
        actions.do_delete_post(world.member, made)


def test_share_from_open_space_into_a_space_one_writes(world):
    """A post of an open space is shared into a space the sharer writes in."""
    open_space = make_space(world.outsider, Visibility.OPEN)
    original = post(world.outsider, open_space, "worth reading")
    share = actions.do_share_post(world.member, original, world.space, body="look")
    assert share.shared_from_id == original.pk and share.space_id == world.space.pk
    again = actions.do_share_post(world.space_admin, share, world.space)
    assert again.shared_from_id == original.pk  # a share of a share carries the original


def test_no_share_out_of_a_private_or_secret_space(world):
    """Sharing never carries a post out of a non-open space: refused, nothing written."""
    secret = make_space(world.member, Visibility.SECRET)
    original = post(world.member, secret, "CANARY secret words")
    for source in (original, post(world.member, world.space, "private words")):
        with pytest.raises(Forbidden):
            actions.do_share_post(world.member, source, world.space)
    assert Post.objects.filter(shared_from__isnull=False).count() == 0


def test_share_needs_write_in_target(world):
    """One may not share into a space one only reads."""
    open_space = make_space(world.outsider, Visibility.OPEN)
    original = post(world.outsider, open_space, "worth reading")
    with pytest.raises(Forbidden):
        actions.do_share_post(world.reader, original, world.space)
    with pytest.raises(NotFound):
        actions.do_share_post(world.outsider, original, world.space)
