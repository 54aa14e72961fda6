"""Typed inputs and outputs of the feed API, and the parameter types its routers share.

A post answers with its rendered `html` (the only form to show as HTML), its Markdown `body`
only to those who may edit it, its images and files with their download addresses, its poll,
reactions, last comments, the post it shares and the link preview, plus the caller's
`abilities` on it (the dict the pages read). Inputs refuse unknown fields (see `In`) and bound
every string and list, so a mistake answers 422 naming the field before any action runs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Schema
from ninja.params import P, PathEx, QueryEx
from pydantic import AwareDatetime, Field, StringConstraints

from atrium.api.kernel.schemas import MAX_ID, Abilities, In, path_id
from atrium.modules.feed.models import MAX_COMMENT_CHARS, MAX_POLL_OPTIONS, MAX_POST_CHARS

MAX_PAGE = 50
MAX_EMOJI_CHARS = 32  # Reaction.emoji
MAX_OPTION_CHARS = 200  # PollOption.label
MAX_REASON_CHARS = 1000  # Report.reason
MAX_HASHTAG_CHARS = 60  # Hashtag.name
MAX_CURSOR_CHARS = 200

OptionLabel = Annotated[str, StringConstraints(max_length=MAX_OPTION_CHARS)]
PostId = path_id("The post's id.")
CommentId = path_id("The comment's id.")
ReportId = path_id("The report's id.")
AttachmentId = path_id("The image's or file's id.")
UserId = path_id("The person's id.")
Emoji = PathEx[str, P(min_length=1, max_length=MAX_EMOJI_CHARS,
                      description="The emoji, URL-encoded: the character itself "
                      "(`%F0%9F%91%8D` for 👍) or a short name such as `:tada:`.")]
HashtagName = PathEx[str, P(min_length=1, max_length=MAX_HASHTAG_CHARS + 1,
                            pattern=r"^#?[^\s#/\x00]+$",
                            description="The hashtag, with or without its `#`.")]
Before = QueryEx[str | None, P(max_length=MAX_CURSOR_CHARS, pattern=r"^[A-Za-z0-9_=-]+$",
                               description="The `next_cursor` of the previous page.")]
PageSize = QueryEx[int, P(ge=1, le=MAX_PAGE, description=f"How many items (1 to {MAX_PAGE}).")]
Order = QueryEx[Literal["recent", "activity"],
                P(description="`recent`: newest posts first; `activity`: most recently "
                  "commented first.")]
After = QueryEx[int | None, P(ge=1, le=MAX_ID, description="A comment's id: the comments "
                              "after it.")]
CommentPageSize = QueryEx[int, P(ge=1, le=100, description="How many top-level comments (1 to "
                                 "100).")]
SearchText = QueryEx[str, P(min_length=1, max_length=100, pattern=r"^[^\x00]*$",
                            description="Words to search for.")]
SearchLimit = QueryEx[int, P(ge=1, le=MAX_PAGE, description=f"How many results (1 to "
                             f"{MAX_PAGE}).")]


# Outputs -----------------------------------------------------------------------------------

class PersonRef(Schema):
    id: int
    name: str
    initials: str
    has_photo: bool


class SpaceRef(Schema):
    id: int
    slug: str
    name: str


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    mime_type: str
    width: int | None
    height: int | None
    url: str = Field(description="Download address (the API's, so a token works too).")


class PollOptionOut(Schema):
    id: int
    label: str
    votes: int
    mine: bool


class PollOut(Schema):
    id: int
    multiple: bool
    closes_at: datetime | None
    is_open: bool
    total: int = Field(description="How many votes were cast.")
    options: list[PollOptionOut]
    my_votes: list[int] = Field(description="The ids of the options I chose.")


class ReactionOut(Schema):
    emoji: str
    count: int
    mine: bool


class ReplyOut(Schema):
    id: int
    post_id: int
    parent_id: int | None
    author: PersonRef | None
    html: str = Field(description="Rendered and sanitised: the only form to show as HTML.")
    body: str | None = Field(description="The Markdown as written; only for those who may "
                             "edit it.")
    created_at: datetime
    edited_at: datetime | None
    deleted: bool
    hidden: bool
    reactions: list[ReactionOut]
    abilities: Abilities


class CommentOut(ReplyOut):
    replies: list[ReplyOut] = Field(description="One level of replies, oldest first.")


class PreviewOut(Schema):
    url: str
    final_url: str
    title: str
    description: str
    site_name: str
    image_url: str | None = Field(description="Served by Atrium, never by the other site.")


class PostCore(Schema):
    id: int
    space: SpaceRef
    author: PersonRef | None
    html: str = Field(description="Rendered and sanitised: the only form to show as HTML.")
    body: str | None = Field(description="The Markdown as written; only for those who may "
                             "edit it.")
    created_at: datetime
    edited_at: datetime | None
    deleted: bool
    hidden: bool
    pinned: bool
    pinned_until: datetime | None
    requires_confirmation: bool
    confirmed: bool = Field(description="Whether I confirmed reading this announcement.")
    images: list[AttachmentOut]
    files: list[AttachmentOut]
    poll: PollOut | None
    reactions: list[ReactionOut]
    comment_count: int
    comments: list[CommentOut] = Field(description="The last comments with their replies.")
    preview: PreviewOut | None
    abilities: Abilities


class PostOut(PostCore):
    shared: PostCore | None = Field(description="The post this one shares, if I may read it.")
    shared_from_id: int | None
    shared_unavailable: bool = Field(description="This post shares one I may not read (or "
                                     "that was deleted): show that it is not available.")


class ModuleItemOut(Schema):
    module: str
    module_name: str
    kind: str
    object_id: int
    space: SpaceRef
    verb: str
    title: str
    url: str
    author: PersonRef | None
    created_at: datetime


class FeedItemOut(Schema):
    type: Literal["post", "module"]
    post: PostOut | None = Field(description="When `type` is `post`.")
    item: ModuleItemOut | None = Field(description="When `type` is `module`: another "
                                       "module's content (a file added, a link saved).")


class FeedPageOut(Schema):
    items: list[FeedItemOut]
    next_cursor: str | None = Field(description="Pass as `before` for the next page; null "
                                    "at the end.")


class CommentsPage(Schema):
    items: list[CommentOut] = Field(description="Top-level comments, oldest first, each with "
                                    "its replies.")
    count: int = Field(description="How many comments and replies the post has.")
    next_after: int | None = Field(description="Pass as `after` for the next comments; null "
                                   "at the end.")


class ConfirmationsOut(Schema):
    confirmed: list[PersonRef]
    pending: list[PersonRef]


class ConfirmationOut(Schema):
    post_id: int
    user_id: int
    confirmed_at: datetime


class ReportOut(Schema):
    id: int
    post_id: int
    comment_id: int | None
    reporter: PersonRef | None
    reason: str
    created_at: datetime
    resolved_at: datetime | None
    resolution: str


class ReactionsOut(Schema):
    present: bool = Field(description="Whether my reaction is there now.")
    reactions: list[ReactionOut]


# Inputs ------------------------------------------------------------------------------------

class PollIn(In):
    options: list[OptionLabel] = Field(..., min_length=2, max_length=MAX_POLL_OPTIONS,
                               description=f"2 to {MAX_POLL_OPTIONS} choices, each up to "
                               f"{MAX_OPTION_CHARS} characters.")
    multiple: bool = Field(False, description="Whether several choices may be ticked.")
    closes_at: AwareDatetime | None = Field(None, description="When voting ends (ISO 8601 "
                                            "with a time zone).")


class PostIn(In):
    body: str = Field("", max_length=MAX_POST_CHARS,
                      description=f"Markdown, at most {MAX_POST_CHARS} characters; "
                      "`<@id>` mentions a person, `<#id>` a space, `#word` is a hashtag.")
    poll: PollIn | None = None
    announce: bool = Field(False, description="Pin it as an announcement (space admins).")
    requires_confirmation: bool = Field(False, description="Ask readers to confirm they read "
                                        "the announcement.")
    pinned_until: AwareDatetime | None = Field(None, description="The announcement unpins "
                                               "itself then.")


class PostEditIn(In):
    body: str = Field(..., max_length=MAX_POST_CHARS,
                      description=f"Markdown, at most {MAX_POST_CHARS} characters.")


class ShareIn(In):
    space_id: int = Field(..., ge=1, le=MAX_ID, description="The space to share into.")
    body: str = Field("", max_length=MAX_POST_CHARS, description="Words of your own.")


class CommentIn(In):
    body: str = Field(..., max_length=MAX_COMMENT_CHARS,
                      description=f"Markdown, at most {MAX_COMMENT_CHARS} characters.")
    parent_id: int | None = Field(None, ge=1, le=MAX_ID,
                                  description="Reply to this comment (one level).")


class CommentEditIn(In):
    body: str = Field(..., max_length=MAX_COMMENT_CHARS,
                      description=f"Markdown, at most {MAX_COMMENT_CHARS} characters.")


class VoteIn(In):
    option_ids: list[int] = Field(..., max_length=MAX_POLL_OPTIONS,
                                  description="The options chosen (one unless the poll is "
                                  "multiple); an empty list takes my vote back.")


class PinIn(In):
    requires_confirmation: bool = Field(False, description="Ask readers to confirm.")
    until: AwareDatetime | None = Field(None, description="Unpin by itself then.")


class ReportIn(In):
    reason: str = Field(..., min_length=1, max_length=MAX_REASON_CHARS,
                        description="What is wrong, for the space's admins.")
    comment_id: int | None = Field(None, ge=1, le=MAX_ID,
                                   description="A comment of this post, if it is what is "
                                   "reported.")


class ResolveIn(In):
    resolution: Literal["hidden", "dismissed"] = Field(
        ..., description="`hidden`: hide the content; `dismissed`: nothing wrong.")
