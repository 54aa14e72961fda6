"""The real-time audience of a channel: ("chat.channel", id).

A person's sockets follow the channels they are members of and may still read; a page showing
a public channel they have not joined subscribes to it explicitly, checked with the same bulk
rule. Typing indicators are ephemeral signals sent to this audience.
"""

from __future__ import annotations

from atrium.modules.chat.abilities import channels_followed, readable_channel_ids
from atrium.modules.chat.events import CHANNEL_AUDIENCE
from atrium.realtime.audiences import AudienceKind, register_audience

CHANNEL_KIND = AudienceKind(
    CHANNEL_AUDIENCE,
    readable=readable_channel_ids,
    defaults=channels_followed,
    signals=frozenset({"typing"}),
)


def register() -> None:
    register_audience(CHANNEL_KIND)
