"""The world of `make_world` with a lively feed, seen through the API with a token per role.

In the world's space ("Cardiology", private unless asked otherwise): a post by the member
with a poll, a hashtag and a file; the member's comment on it and the space admin's reply; an
announcement by the space admin asking for read confirmation; a report by the reader on the
member's post. The guest belongs to another space only; the organisation's admin and the
outsider are not in the space.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from atrium.kernel.models import Visibility
from atrium.modules.feed.actions import (
    PollSpec,
    do_comment,
    do_create_post,
    do_report,
)
from atrium.modules.feed.models import Attachment
from tests.api.conftest import Api, build_api


def png_bytes(size: tuple[int, int] = (4, 3)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def png(name: str = "pixel.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), "image/png")


def text_file(name: str = "notes.txt", data: bytes = b"Shift notes\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, "text/plain")


@dataclass
class FeedApi(Api):
    ids: dict[str, int] = field(default_factory=dict)

    def path(self, template: str) -> str:
        return template.format(**self.ids)


def populate(api: FeedApi) -> FeedApi:
    world = api.world
    space = world.space
    post = do_create_post(world.member, space, body="Ward round at **nine** #cardio",
                          files=[text_file()],
                          poll=PollSpec(options=["Yes", "No", "Maybe"]))
    comment = do_comment(world.member, post, body="See you there")
    reply = do_comment(world.space_admin, post, body="Me too", parent=comment)
    announcement = do_create_post(world.space_admin, space, body="New visiting hours",
                                  announce=True, requires_confirmation=True)
    report = do_report(world.reader, post, reason="Wrong room")
    options = list(post.poll.options.order_by("position").values_list("pk", flat=True))
    attachment = Attachment.objects.get(post=post)
    api.ids.update({
        "space": space.pk, "other_space": world.other_space.pk, "post": post.pk,
        "comment": comment.pk, "reply": reply.pk, "announcement": announcement.pk,
        "report": report.pk, "option": options[0], "option2": options[1],
        "file": attachment.pk, "member": world.member.pk, "space_admin": world.space_admin.pk,
        "outsider": world.outsider.pk,
    })
    return api


def build_feed_api(visibility: str = Visibility.PRIVATE) -> FeedApi:
    base = build_api(visibility)
    api = FeedApi(base.world, tokens=base.tokens)
    return populate(api)


@pytest.fixture
def feed_api(db) -> FeedApi:
    """The feed world around a private space."""
    return build_feed_api()


@pytest.fixture
def open_feed_api(db) -> FeedApi:
    """The same around an open space."""
    return build_feed_api(Visibility.OPEN)


def fill(body: Any, ids: dict[str, int]) -> Any:
    """Names of targets inside a body (`"option"`) become their ids."""
    if isinstance(body, dict):
        return {key: fill(value, ids) for key, value in body.items()}
    if isinstance(body, list):
        return [fill(value, ids) for value in body]
    if isinstance(body, str) and body in ids:
        return ids[body]
    return body
