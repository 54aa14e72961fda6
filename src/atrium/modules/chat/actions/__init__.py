"""The one write path of the chat: every change goes through a `do_*` function here."""

from atrium.modules.chat.actions.channels import (
    do_add_members,
    do_create_channel,
    do_join_channel,
    do_leave_channel,
    do_open_direct,
    do_remove_member,
    do_set_archived,
    do_update_channel,
)
from atrium.modules.chat.actions.messages import (
    check_emoji,
    do_delete_message,
    do_edit_message,
    do_pin,
    do_post_message,
    do_react,
    message_history,
)
from atrium.modules.chat.actions.reading import do_mark_read, do_set_notify

__all__ = [
    "check_emoji",
    "do_add_members",
    "do_create_channel",
    "do_delete_message",
    "do_edit_message",
    "do_join_channel",
    "do_leave_channel",
    "do_mark_read",
    "do_open_direct",
    "do_pin",
    "do_post_message",
    "do_react",
    "do_remove_member",
    "do_set_archived",
    "do_set_notify",
    "do_update_channel",
    "message_history",
]
