"""Chat: channels in spaces, direct conversations, messages with threads, reactions, pins,
attachments, read positions and incoming webhooks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from atrium.kernel.models import Blob, Space

MAX_MESSAGE_CHARS = 40_000  # Slack's limit: scripts written for it fit here too
MAX_CHANNEL_NAME = 80
MAX_TOPIC = 250


class ChannelKind(models.TextChoices):
    PUBLIC = "public", _("Public channel")
    PRIVATE = "private", _("Private channel")
    DIRECT = "direct", _("Direct conversation")


class NotifyLevel(models.TextChoices):
    DEFAULT = "", _("Default")
    ALL = "all", _("Every message")
    MENTIONS = "mentions", _("Mentions only")
    NOTHING = "nothing", _("Nothing")


class Channel(models.Model):
    """A conversation. Public and private channels live in a space; a direct conversation
    (two people or a small group) lives in no space and is read by its members only."""

    space = models.ForeignKey(Space, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="chat_channels")
    kind = models.CharField(max_length=10, choices=ChannelKind.choices,
                            default=ChannelKind.PUBLIC)
    name = models.CharField(_("name"), max_length=MAX_CHANNEL_NAME, blank=True)
    topic = models.CharField(_("topic"), max_length=MAX_TOPIC, blank=True)
    # Sorted member ids of a direct conversation ("3,8,12"): opening one with the same
    # people returns the same conversation.
    direct_key = models.CharField(max_length=400, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    # Id of the newest message shown in the channel: unread counts compare it with each
    # member's read position without touching the messages table.
    last_message_id = models.BigIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="direct", space__isnull=True)
                | (~models.Q(kind="direct") & models.Q(space__isnull=False)),
                name="chat_channel_space_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"direct {self.direct_key}"

    space_id: int | None

    @property
    def is_direct(self) -> bool:
        return self.kind == ChannelKind.DIRECT


class ChannelMember(models.Model):
    """A person in a channel, with where they stopped reading and how to notify them."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="chat_memberships")
    joined_at = models.DateTimeField(auto_now_add=True)
    last_read_id = models.BigIntegerField(default=0)
    unread_mentions = models.PositiveIntegerField(default=0)
    notify = models.CharField(max_length=10, choices=NotifyLevel.choices, blank=True,
                              default=NotifyLevel.DEFAULT)
    muted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "user"], name="chat_member_once"),
        ]
        indexes = [models.Index(fields=["user", "channel"])]

    channel_id: int
    user_id: int

    def __str__(self) -> str:
        return f"{self.user_id} in {self.channel_id}"


class Message(models.Model):
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="chat_messages")
    # Name shown for messages posted by an incoming webhook (no author).
    sender_name = models.CharField(max_length=80, blank=True)
    body = models.TextField(max_length=MAX_MESSAGE_CHARS, blank=True)
    html = models.TextField(blank=True)
    thread_root = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="replies")
    # A thread reply also shown in the channel's main flow.
    also_in_channel = models.BooleanField(default=False)
    reply_count = models.PositiveIntegerField(default=0)
    last_reply_at = models.DateTimeField(null=True, blank=True)
    mentions_channel = models.BooleanField(default=False)  # @channel or @here
    has_attachment = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    pinned_at = models.DateTimeField(null=True, blank=True)
    pinned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["channel", "id"]),
            models.Index(fields=["thread_root", "id"]),
            models.Index(fields=["author", "id"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} in {self.channel_id}"

    channel_id: int
    author_id: int | None
    thread_root_id: int | None

    @property
    def in_main_flow(self) -> bool:
        return self.thread_root_id is None or self.also_in_channel


class MessageRevision(models.Model):
    """An earlier text of a message, kept when it is edited or deleted (admins may read)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    replaced_at = models.DateTimeField(auto_now_add=True)
    replaced_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-replaced_at", "-id"]

    def __str__(self) -> str:
        return f"revision of {self.message_id}"

    message_id: int


class Mention(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="chat_mentions")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="chat_mention_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.message_id}"

    message_id: int
    user_id: int


class Reaction(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    emoji = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["message", "user", "emoji"],
                                    name="chat_reaction_once"),
        ]

    def __str__(self) -> str:
        return f"{self.emoji} on {self.message_id}"

    message_id: int


class Attachment(models.Model):
    """A file sent with a message. The bytes live once in the kernel blob store; forwarding
    the same file makes another row, never another copy."""

    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="attachments")
    # Uploaded before the message is sent; an attachment never sent is purged.
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    uploader = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                 on_delete=models.SET_NULL, related_name="+")
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    thumbnail = models.ForeignKey(Blob, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    mime_type = models.CharField(max_length=100)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    message_id: int | None
    blob_id: int

    @property
    def is_image(self) -> bool:
        return self.thumbnail_id is not None

    thumbnail_id: int | None


class Webhook(models.Model):
    """An incoming webhook: a secret URL that posts Slack-shaped JSON into one channel."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="webhooks")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
