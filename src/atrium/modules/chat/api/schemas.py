"""Typed inputs and outputs of the chat API, and the parameter types its routers share.

A message answers in the one JSON shape of `present.message_payload` (the one events carry),
plus the caller's `abilities` on it; a channel in the shape of `present.channel_payload`,
plus the caller's abilities and membership. Inputs refuse unknown fields (see `In`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from ninja.params import P, PathEx, QueryEx
from pydantic import Field

from atrium.api.kernel.schemas import MAX_ID, Abilities, In, PatchIn, path_id
from atrium.modules.chat.models import MAX_CHANNEL_NAME, MAX_MESSAGE_CHARS, MAX_TOPIC

MAX_PAGE = 100
MAX_MEMBERS_AT_ONCE = 500  # actions.channels.MAX_ADDED_AT_ONCE
MAX_DIRECT_PEOPLE = 50  # the action says how many a conversation holds
MAX_EMOJI_CHARS = 64  # Reaction.emoji

ChannelId = path_id("The channel's id (direct conversations included).")
MessageId = path_id("The message's id.")
WebhookId = path_id("The webhook's id.")
MemberId = path_id("The person's id.")
Emoji = PathEx[str, P(min_length=1, max_length=MAX_EMOJI_CHARS,
                      description="The emoji, URL-encoded: the character itself (`%F0%9F%91%8D` "
                      "for 👍) or a short name such as `:tada:`.")]
Cursor = QueryEx[int | None, P(ge=1, le=MAX_ID, description="A message id.")]
PageSize = QueryEx[int, P(ge=1, le=MAX_PAGE, description=f"How many items (1 to {MAX_PAGE}).")]
When = QueryEx[datetime | None, P(description="An ISO 8601 date and time.")]
SearchLimit = QueryEx[int, P(ge=1, le=100, description="How many results (1 to 100).")]


def query_id(description: str) -> Any:
    return QueryEx[int | None, P(ge=1, le=MAX_ID, description=description)]


InChannel = query_id("Only in this channel.")
ByAuthor = query_id("Only by this person.")
SearchCursor = query_id("Only messages older than this one (the next page).")
NotifyName = Literal["", "all", "mentions", "nothing"]
ChannelKindName = Literal["public", "private", "direct"]


# Messages ----------------------------------------------------------------------------------

class PersonRef(Schema):
    id: int
    name: str
    initials: str
    is_bot: bool


class ReactionOut(Schema):
    emoji: str
    count: int
    user_ids: list[int]


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    mime_type: str
    width: int | None
    height: int | None
    url: str
    thumbnail_url: str | None


class MessageOut(Schema):
    id: int
    channel_id: int
    author: PersonRef | None = Field(description="Null for a webhook's message.")
    sender_name: str
    body: str = Field(description="The text as written (Markdown): data, never HTML.")
    html: str = Field(description="The body rendered and sanitised: the only form to show "
                      "as HTML.")
    created_at: datetime
    edited_at: datetime | None
    deleted: bool
    thread_root_id: int | None
    also_in_channel: bool
    reply_count: int
    last_reply_at: datetime | None
    reactions: list[ReactionOut]
    attachments: list[AttachmentOut]
    pinned: bool
    mention_ids: list[int]
    mentions_channel: bool
    mine: bool
    abilities: Abilities


class MessagesPage(Schema):
    items: list[MessageOut] = Field(description="Oldest first.")
    next_before: int | None = Field(description="Pass as `before` for older messages; null "
                                    "when there are none.")
    next_after: int | None = Field(description="Pass as `after` for newer messages; null "
                                   "when there are none yet.")


class MessageIn(In):
    # Not bounded here: a text past the limit answers 400 on the field "body", as from
    # every other way of posting (the request itself is bounded by the server).
    body: str = Field("", description=f"Markdown, at most {MAX_MESSAGE_CHARS} characters.")
    thread_root_id: int | None = Field(None, ge=1, le=MAX_ID,
                                       description="Reply in this message's thread.")
    also_in_channel: bool = Field(False, description="Also show the reply in the channel.")
    attachment_ids: list[int] = Field(default_factory=list, max_length=10,
                                      description="Files uploaded to this channel with "
                                      "`POST /chat/channels/{channel_id}/attachments`.")


class MessageEditIn(In):
    body: str = Field(description=f"Markdown, at most {MAX_MESSAGE_CHARS} characters.")


class RevisionOut(Schema):
    body: str
    replaced_at: datetime
    replaced_by_id: int | None


class ThreadOut(Schema):
    root: MessageOut
    replies: list[MessageOut] = Field(description="Oldest first.")


class SearchHit(MessageOut):
    snippet: str = Field(description="The matching passage as safe HTML: escaped text with "
                         "the matched words in `<mark>`.")
    channel_name: str


class SearchPage(Schema):
    items: list[SearchHit] = Field(description="Newest first.")
    next_before_id: int | None = Field(description="Pass as `before_id` for the next page.")


# Channels ----------------------------------------------------------------------------------

class MembershipOut(Schema):
    last_read_id: int
    unread_mentions: int
    notify: NotifyName
    muted: bool


class ChannelOut(Schema):
    id: int
    kind: ChannelKindName
    space_id: int | None = Field(description="Null for a direct conversation.")
    name: str = Field(description="Empty for a direct conversation.")
    topic: str
    archived: bool
    created_at: datetime
    last_message_id: int
    last_message_at: datetime | None
    member_ids: list[int] | None = Field(None, description="Direct conversations only.")
    abilities: Abilities


class ChannelDetail(ChannelOut):
    membership: MembershipOut | None = Field(description="Mine; null if I am not a member.")
    member_count: int = Field(description="Members whose account is active.")


class SpaceChannelItem(ChannelOut):
    member_count: int = Field(description="Members whose account is active.")


class SidebarItem(ChannelOut):
    title: str = Field(description="The channel's name, or the other members' names.")
    unread: int = Field(description="Unread messages by others in the channel's main flow.")
    membership: MembershipOut


class SidebarSpaceOut(Schema):
    space_id: int
    space_name: str
    channels: list[SidebarItem]


class SidebarOut(Schema):
    spaces: list[SidebarSpaceOut] = Field(description="Channels I am in, by space.")
    direct: list[SidebarItem] = Field(description="Direct conversations, latest first.")


class ChannelIn(In):
    name: str = Field(..., min_length=1, max_length=MAX_CHANNEL_NAME)
    kind: Literal["public", "private"] = "public"
    topic: str = Field("", max_length=MAX_TOPIC)
    member_ids: list[int] = Field(default_factory=list, max_length=MAX_MEMBERS_AT_ONCE,
                                  description="People to add at once (private channels).")


class ChannelPatch(PatchIn):
    name: str | None = Field(None, min_length=1, max_length=MAX_CHANNEL_NAME)
    topic: str | None = Field(None, max_length=MAX_TOPIC)


class MemberOut(Schema):
    user_id: int
    name: str
    initials: str
    is_bot: bool
    is_active: bool
    joined_at: datetime


class MembersPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[MemberOut]


class MembersIn(In):
    user_ids: list[int] = Field(..., min_length=1, max_length=MAX_MEMBERS_AT_ONCE)


class DirectIn(In):
    user_ids: list[int] = Field(..., min_length=1, max_length=MAX_DIRECT_PEOPLE,
                                description="The other people (you are added).")


class ReadIn(In):
    message_id: int = Field(..., ge=0, le=MAX_ID, description="The newest message read.")


class NotifyIn(PatchIn):
    level: NotifyName | None = Field(None, description="Empty for the default.")
    muted: bool | None = None


class ReadOut(Schema):
    channel_id: int
    membership: MembershipOut | None = Field(description="Null when I read a public channel "
                                             "without being in it: no position is kept.")


class ReceiptOut(Schema):
    user_id: int
    last_read_id: int


class AttachmentUploadOut(AttachmentOut):
    channel_id: int


class WebhookIn(In):
    name: str = Field(..., min_length=1, max_length=80)


class WebhookOut(Schema):
    id: int
    channel_id: int
    name: str
    prefix: str
    created_at: datetime
    created_by_id: int | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewWebhookOut(WebhookOut):
    url: str = Field(description="The secret address to POST Slack-shaped JSON to; shown "
                     "this once.")
