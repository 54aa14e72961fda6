"""Chat attachments: who may upload and download, types from content, names cleaned,
thumbnails, one copy of the bytes, unsent files purged."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from PIL import Image

from atrium.kernel.abilities import abilities
from atrium.kernel.blobstore import UploadTooLarge
from atrium.kernel.errors import ActionError, Forbidden, NotFound
from atrium.kernel.models import Blob
from atrium.modules.chat.actions import do_delete_message
from atrium.modules.chat.actions.attachments import (
    clean_file_name,
    do_upload_attachment,
    open_attachment,
    purge_unsent_attachments,
)
from atrium.modules.chat.models import Attachment
from tests.modules.chat.factories import CHAT_ROLES, make_message

pytestmark = pytest.mark.django_db


def png(width: int = 64, height: int = 32, color: str = "red") -> bytes:
    out = BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def upload(user, channel, data: bytes = b"some notes", name: str = "notes.txt") -> Attachment:
    return do_upload_attachment(user, channel, BytesIO(data), name)


UPLOADERS = {"anonymous": False, "guest": True, "outsider": False, "reader": False,
             "member": True, "space_admin": True, "org_admin": False, "deactivated": False,
             "removed": True}


@pytest.mark.parametrize("role", CHAT_ROLES)
def test_who_may_upload_to_the_public_channel(chat, role):
    """Those who may post in the channel may upload; the others are refused, nothing stored."""
    user = chat.user(role)
    assert UPLOADERS[role] == bool(user and abilities(user, chat.public)["post"])
    if UPLOADERS[role]:
        assert upload(user, chat.public).uploader == user
    else:
        with pytest.raises(Forbidden):
            upload(user, chat.public)
        assert not Attachment.objects.exists() and not Blob.objects.exists()


@pytest.mark.parametrize("role", CHAT_ROLES)
def test_private_channel_and_direct_uploads(chat, role):
    """Only members may upload into a private channel or a direct conversation."""
    user = chat.user(role)
    # The reader is a member of the private channel but only reads in the space.
    for channel, allowed in ((chat.private, {"member", "space_admin"}),
                             (chat.direct, {"member", "guest"})):
        may_post = bool(user and abilities(user, channel)["post"])
        if may_post:
            upload(user, channel)
        else:
            with pytest.raises(Forbidden):
                upload(user, channel)
        assert may_post == (role in allowed)


def test_same_bytes_are_stored_once(chat):
    """Two uploads of the same file share one blob with two references."""
    w = chat.world
    first = upload(w.member, chat.public, b"same bytes", "a.txt")
    second = upload(w.space_admin, chat.public, b"same bytes", "b.txt")
    assert first.blob_id == second.blob_id
    assert Blob.objects.get(pk=first.blob_id).refcount == 2


def test_type_comes_from_the_content_not_the_name(chat):
    """A PNG named .exe is an image; HTML named .png is HTML, kept as a plain download."""
    w = chat.world
    image = upload(w.member, chat.public, png(), "setup.exe")
    assert image.mime_type == "image/png" and image.thumbnail_id is not None
    page = upload(w.member, chat.public, b"<!DOCTYPE html><script>alert(1)</script>",
                  "photo.png")
    assert page.mime_type == "text/html" and page.thumbnail_id is None
    assert page.name == "photo.png"


def test_images_get_a_thumbnail_and_their_size(chat):
    """A large image keeps its width and height and gets a small WebP thumbnail."""
    w = chat.world
    attachment = upload(w.member, chat.public, png(1600, 800), "wide.png")
    assert (attachment.width, attachment.height) == (1600, 800)
    opened = open_attachment(w.member, attachment.pk, thumbnail=True)
    with opened.file, Image.open(opened.file) as thumb:
        assert thumb.format == "WEBP"
        assert thumb.size == (480, 240)
    assert opened.mime_type == "image/webp" and opened.inline_safe
    assert opened.name == "wide.webp"


def test_damaged_image_is_refused(chat):
    """Bytes that claim to be an image but are not one are refused."""
    with pytest.raises(ActionError):
        upload(chat.world.member, chat.public, b"GIF89a" + b"\x00" * 64, "x.gif")


def test_size_limit_from_settings(chat, settings):
    """A file past ATRIUM_MAX_UPLOAD_BYTES is refused with 413."""
    settings.ATRIUM_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(UploadTooLarge) as error:
        upload(chat.world.member, chat.public, b"x" * 1001)
    assert error.value.status == 413
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ada\\report.pdf", "report.pdf"),
        ("/abs/path/", "file"),
        ("a\x00b.txt", "ab.txt"),
        ("line\nbreak.txt", "line break.txt"),
        ("\u202etxt.exe", "txt.exe"),
        ("bell\x07.txt", "bell.txt"),
        ("", "file"),
        (None, "file"),
        ("..", "file"),
        ("  .hidden  ", "hidden"),
        ("Cafe\u0301 ete\u0301.txt", "Caf\u00e9 et\u00e9.txt"),
        ("x" * 300 + ".txt", "x" * 251 + ".txt"),
        ("y" * 300, "y" * 255),
    ],
)
def test_file_names_are_cleaned(raw, clean):
    """No path parts, NUL, control or direction characters; 255 at most, extension kept."""
    assert clean_file_name(raw) == clean


def test_name_is_cleaned_on_upload(chat):
    """The stored name is the cleaned one."""
    attachment = upload(chat.world.member, chat.public, b"x", "..\\..\\secret\x00.txt")
    assert attachment.name == "secret.txt"


DOWNLOADERS = {"anonymous": False, "guest": False, "outsider": False, "reader": True,
               "member": True, "space_admin": True, "org_admin": False, "deactivated": False,
               "removed": False}


@pytest.mark.parametrize("role", CHAT_ROLES)
def test_who_may_download_from_a_private_channel(chat, role):
    """Those who may read the channel now download; everyone else gets NotFound."""
    w = chat.world
    attachment = upload(w.member, chat.private, b"board minutes", "minutes.txt")
    make_message(w.member, chat.private, "minutes", attachments=[attachment])
    user = chat.user(role)
    if DOWNLOADERS[role]:
        opened = open_attachment(user, attachment.pk)
        with opened.file:
            assert opened.file.read() == b"board minutes"
        assert (opened.name, opened.mime_type, opened.inline_safe) == (
            "minutes.txt", "text/plain", False)
    else:
        with pytest.raises(NotFound):
            open_attachment(user, attachment.pk)


def test_unknown_attachment_is_not_found(chat):
    """A missing id answers like a forbidden one."""
    with pytest.raises(NotFound):
        open_attachment(chat.world.member, 999_999)


def test_unsent_attachment_is_seen_by_its_uploader_only(chat):
    """Before the message is sent, only the uploader may open the file."""
    w = chat.world
    attachment = upload(w.member, chat.public)
    open_attachment(w.member, attachment.pk).file.close()
    with pytest.raises(NotFound):
        open_attachment(w.space_admin, attachment.pk)


def test_files_of_a_deleted_message_are_gone(chat):
    """Deleting a message removes its files for everyone."""
    w = chat.world
    attachment = upload(w.member, chat.public)
    message = make_message(w.member, chat.public, "file", attachments=[attachment])
    do_delete_message(w.member, message)
    with pytest.raises(NotFound):
        open_attachment(w.member, attachment.pk)


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "text/html"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
         "image/svg+xml"),
        (b"%PDF-1.4 not really", "application/pdf"),
    ],
)
def test_active_content_is_never_inline(chat, data, mime):
    """HTML, SVG and PDF are served as downloads; only raster images may show inline."""
    w = chat.world
    attachment = upload(w.member, chat.public, data, "looks-harmless.png")
    make_message(w.member, chat.public, "see", attachments=[attachment])
    opened = open_attachment(w.space_admin, attachment.pk)
    opened.file.close()
    assert opened.mime_type == mime and not opened.inline_safe
    assert attachment.thumbnail_id is None
    with pytest.raises(NotFound):
        open_attachment(w.space_admin, attachment.pk, thumbnail=True)


def test_purge_of_unsent_attachments(chat):
    """Files never sent are purged after the delay and release their blobs; sent and recent
    ones stay."""
    w = chat.world
    old_unsent = upload(w.member, chat.public, png(), "old.png")
    recent_unsent = upload(w.member, chat.public, b"recent", "recent.txt")
    sent = upload(w.member, chat.public, b"sent", "sent.txt")
    make_message(w.member, chat.public, "here", attachments=[sent])
    Attachment.objects.filter(pk__in=[old_unsent.pk, sent.pk]).update(
        created_at=timezone.now() - timedelta(days=2))
    assert purge_unsent_attachments(timedelta(hours=24)) == 1
    assert set(Attachment.objects.values_list("pk", flat=True)) == {recent_unsent.pk, sent.pk}
    assert Blob.objects.get(pk=old_unsent.blob_id).refcount == 0
    assert Blob.objects.get(pk=old_unsent.thumbnail_id).refcount == 0
    assert Blob.objects.get(pk=sent.blob_id).refcount == 1


def test_purge_runs_with_the_housekeeping(chat, monkeypatch):
    """The periodic housekeeping purges unsent attachments older than a day."""
    from atrium.kernel import housekeeping

    monkeypatch.setattr(housekeeping, "close_old_connections", lambda: None)
    old = upload(chat.world.member, chat.public)
    Attachment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    upload(chat.world.member, chat.public, b"new", "new.txt")
    assert housekeeping.run_all()["chat.unsent_attachments"] == 1
    assert Attachment.objects.count() == 1
