"""Reads of the chat, always restricted to what the person may read now."""

from atrium.modules.chat.queries.channels import (
    Sidebar,
    SidebarEntry,
    SidebarSpace,
    channels_of_space,
    sidebar,
)
from atrium.modules.chat.queries.content import RecentMessage, export_space, recent_messages
from atrium.modules.chat.queries.messages import (
    MAIN_FLOW,
    Page,
    access_channel,
    access_message,
    history,
    mentions_of,
    pins,
    read_receipts,
    thread,
    with_details,
)

__all__ = [
    "MAIN_FLOW",
    "Page",
    "RecentMessage",
    "Sidebar",
    "SidebarEntry",
    "SidebarSpace",
    "access_channel",
    "access_message",
    "channels_of_space",
    "export_space",
    "history",
    "mentions_of",
    "pins",
    "read_receipts",
    "recent_messages",
    "sidebar",
    "thread",
    "with_details",
]
