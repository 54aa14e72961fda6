"""The chat test world shared by the chat page tests: a private space with a public channel,
a private one, a direct conversation, a message in each and a file."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.test import Client

from atrium.kernel.actions.spaces import do_add_member
from atrium.kernel.models import SpaceRole, User
from atrium.modules.chat import actions
from atrium.modules.chat.actions.attachments import do_upload_attachment
from atrium.modules.chat.models import Channel, Message
from tests.factories import World, make_user, make_world


def png() -> io.BytesIO:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 6), (10, 120, 200)).save(out, "PNG")
    out.seek(0)
    return out


@dataclass
class Chat:
    world: World
    removed: User
    general: Channel
    secret: Channel
    direct: Channel
    in_general: Message
    in_secret: Message
    in_direct: Message
    file_id: int

    def user(self, role: str) -> User | None:
        return self.removed if role == "removed" else self.world.user(role)


def make_chat() -> Chat:
    world = make_world()
    removed = make_user(name="Rita Removed")
    do_add_member(world.space_admin, world.space, removed, SpaceRole.MEMBER)
    admin, member = world.space_admin, world.member
    general = actions.do_create_channel(admin, world.space, name="general", members=[member])
    secret = actions.do_create_channel(admin, world.space, name="secret", kind="private",
                                       members=[member, removed])
    actions.do_remove_member(admin, secret, removed)
    direct = actions.do_open_direct(member, [admin])
    in_general = actions.do_post_message(admin, general, "Hello **everyone**")
    actions.do_post_message(member, general, "A reply", thread_root=in_general)
    upload = do_upload_attachment(admin, secret, png(), "plan.png")
    in_secret = actions.do_post_message(admin, secret, "The plan", attachments=[upload])
    in_direct = actions.do_post_message(member, direct, "Just between us")
    return Chat(world, removed, general, secret, direct, in_general, in_secret, in_direct,
                upload.pk)


def client(chat: Chat, role: str) -> Client:
    browser = Client()
    user = chat.user(role)
    if user is not None:
        browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return browser


def script(browser: Client, path: str, data: dict | None = None):
    return browser.post(path, data or {}, HTTP_X_ATRIUM_FETCH="1")
