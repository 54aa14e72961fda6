"""The feed's tables: posts (with images, files, polls), comments, reactions, mentions,
hashtags, announcement confirmations and reports. Every post also has a kernel
`ContentEntry` (module "feed", kind "post"), which is what the home feed reads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from atrium.kernel.models import Blob, Space

MAX_POST_CHARS = 20_000
MAX_COMMENT_CHARS = 5_000
MAX_POLL_OPTIONS = 20


class Post(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="feed_posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="feed_posts")
    body = models.TextField(max_length=MAX_POST_CHARS, blank=True)  # Markdown, as typed
    html = models.TextField(blank=True)  # rendered once by the one sanitiser
    # A share of another post into this space; the share may add its own words.
    shared_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="shares")
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Moderation: hidden by a space admin, kept for the record and shown to admins only.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    # Announcement: pinned on top of the space feed (and of the home feed of its members).
    pinned_at = models.DateTimeField(null=True, blank=True)
    pinned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    pinned_until = models.DateTimeField(null=True, blank=True)
    requires_confirmation = models.BooleanField(default=False)
    comment_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["space", "-created_at", "-id"], name="feed_post_space_recent"),
            models.Index(fields=["space", "pinned_at"], name="feed_post_space_pinned"),
            models.Index(fields=["author", "-created_at"], name="feed_post_author_recent"),
        ]

    def __str__(self) -> str:
        return f"post {self.pk} in {self.space_id}"

    def get_absolute_url(self) -> str:
        return reverse("feed:post", kwargs={"space_slug": self.space.slug, "post_id": self.pk})

    @property
    def is_announcement(self) -> bool:
        return self.pinned_at is not None

    space_id: int
    author_id: int | None
    shared_from_id: int | None


class Attachment(models.Model):
    """An image (shown in the post's gallery) or a file attached to a post; bytes in the blob
    store, once, however many posts carry them."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=255)
    is_image = models.BooleanField(default=False)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    post_id: int
    blob_id: int

    def __str__(self) -> str:
        return f"attachment {self.pk}"


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    # One level of replies: a reply's parent is always a top-level comment.
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    body = models.TextField(max_length=MAX_COMMENT_CHARS)
    html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["post", "created_at", "id"], name="feed_comment_post")]

    post_id: int
    parent_id: int | None
    author_id: int | None

    def __str__(self) -> str:
        return f"comment {self.pk}"


class Reaction(models.Model):
    """An emoji on a post or on a comment (exactly one of the two)."""

    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="reactions")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    emoji = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(post__isnull=False, comment__isnull=True)
                | Q(post__isnull=True, comment__isnull=False),
                name="feed_reaction_one_target"),
            models.UniqueConstraint(fields=["post", "user", "emoji"],
                                    condition=Q(post__isnull=False),
                                    name="feed_reaction_unique_post"),
            models.UniqueConstraint(fields=["comment", "user", "emoji"],
                                    condition=Q(comment__isnull=False),
                                    name="feed_reaction_unique_comment"),
        ]

    post_id: int | None
    comment_id: int | None
    user_id: int

    def __str__(self) -> str:
        return f"reaction {self.pk}"


class Poll(models.Model):
    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="poll")
    multiple = models.BooleanField(default=False)
    closes_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"poll {self.pk}"

    def is_open(self, now: object = None) -> bool:
        return self.closes_at is None or (now or timezone.now()) < self.closes_at  # type: ignore[operator]

    post_id: int


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    poll_id: int

    def __str__(self) -> str:
        return f"polloption {self.pk}"


class PollVote(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["option", "user"],
                                               name="feed_vote_unique")]
        indexes = [models.Index(fields=["poll", "user"], name="feed_vote_poll_user")]

    poll_id: int
    option_id: int
    user_id: int

    def __str__(self) -> str:
        return f"pollvote {self.pk}"


class Mention(models.Model):
    """A person or a space named in a post or a comment."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")
    mentioned_space = models.ForeignKey(Space, null=True, blank=True, on_delete=models.CASCADE,
                                        related_name="+")

    post_id: int
    comment_id: int | None
    user_id: int | None
    mentioned_space_id: int | None

    def __str__(self) -> str:
        return f"mention {self.pk}"


class Hashtag(models.Model):
    name = models.CharField(max_length=60, unique=True)  # casefolded, without "#"

    def __str__(self) -> str:
        return f"#{self.name}"


class PostHashtag(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="post_hashtags")
    hashtag = models.ForeignKey(Hashtag, on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "hashtag"],
                                               name="feed_post_hashtag_unique")]
        indexes = [models.Index(fields=["hashtag", "space", "-created_at"],
                                name="feed_hashtag_recent")]

    post_id: int
    hashtag_id: int
    space_id: int

    def __str__(self) -> str:
        return f"posthashtag {self.pk}"


class Confirmation(models.Model):
    """Someone confirmed having read an announcement that asks for it."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="confirmations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    confirmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"],
                                               name="feed_confirmation_unique")]

    post_id: int
    user_id: int

    def __str__(self) -> str:
        return f"confirmation {self.pk}"


class Report(models.Model):
    """Content reported to the space's admins (a post, or a comment of it)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                 related_name="+")
    reason = models.TextField(max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    # "hidden" (the content was hidden) or "dismissed" (nothing wrong).
    resolution = models.CharField(max_length=20, blank=True)

    class Meta:
        indexes = [models.Index(fields=["post", "resolved_at"], name="feed_report_open")]

    post_id: int
    comment_id: int | None

    def __str__(self) -> str:
        return f"report {self.pk}"
