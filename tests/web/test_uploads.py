"""Uploads past the limit are cut while they arrive and explained; nothing is kept."""

import io

import pytest
from django.test import override_settings
from PIL import Image

from atrium.kernel.models import Blob
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def png(size=(64, 64)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "photo.png"
    return buffer


def test_upload_over_the_instance_limit_is_cut_and_explained(client_for, settings):
    """A file larger than ATRIUM_MAX_UPLOAD_BYTES is refused with the limit in the message."""
    person = make_user()
    big = io.BytesIO(b"\x89PNG" + b"0" * (2 * 1024 * 1024))
    big.name = "big.png"
    with override_settings(ATRIUM_MAX_UPLOAD_BYTES=1024 * 1024):
        response = client_for(person).post("/profile/", {"form": "photo", "photo": big})
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert not Blob.objects.exists()
    person.refresh_from_db()
    assert person.photo is None
    leftovers = list((settings.DATA_DIR / "tmp").glob("*"))
    assert not [p for p in leftovers if p.stat().st_size > 1024 * 1024]


def test_missing_file_is_explained(client_for):
    """Submitting the photo form without a file says to choose one."""
    response = client_for(make_user()).post("/profile/", {"form": "photo"})
    assert response.status_code == 400 and "Choose an image" in response.content.decode()


def test_a_valid_photo_is_stored_once_and_shown(client_for):
    """The same picture uploaded by two people is stored once and served to colleagues."""
    first, second = make_user(), make_user()
    for person in (first, second):
        assert client_for(person).post("/profile/", {"form": "photo", "photo": png()})\
            .status_code == 302
    assert Blob.objects.count() == 1 and Blob.objects.get().refcount == 2
    response = client_for(second).get(f"/people/{first.pk}/photo")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
