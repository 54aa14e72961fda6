"""The shared content record (contract 5): one row per item a module shows in the feed.

Each module keeps its own tables (posts, files, pages…); when an item should appear in the
feed it publishes a `ContentEntry` through `atrium.kernel.content`. The feed reads this one
indexed table, whatever the number of modules, and asks each module to draw its own items.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ContentEntry(models.Model):
    space = models.ForeignKey("kernel.Space", on_delete=models.CASCADE, related_name="+")
    module_id = models.CharField(max_length=31)
    kind = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    # What the generic card says ("added a file", "created a page") and where it leads; a
    # snapshot taken when published, refreshed by publishing again.
    verb = models.CharField(max_length=40)
    title = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["module_id", "kind", "object_id"],
                                               name="content_entry_unique_object")]
        indexes = [
            models.Index(fields=["space", "-created_at", "-id"], name="content_space_recent"),
            models.Index(fields=["space", "-last_activity_at", "-id"],
                         name="content_space_activity"),
            models.Index(fields=["author", "-created_at", "-id"], name="content_author_recent"),
            models.Index(fields=["author", "-last_activity_at", "-id"],
                         name="content_author_activity"),
        ]

    def __str__(self) -> str:
        return f"{self.module_id}.{self.kind}:{self.object_id}"

    space_id: int
    author_id: int | None


class Follow(models.Model):
    """Someone following a colleague: their content joins the follower's home feed."""

    follower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="following")
    followed = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="followers")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["follower", "followed"],
                                               name="follow_unique_pair")]

    follower_id: int
    followed_id: int

    def __str__(self) -> str:
        return f"follow {self.pk}"


class LinkPreview(models.Model):
    """What the server learnt about a web address through the egress gate: title, description,
    image (stored as a blob, so pages never load a third-party origin). Shared by bookmarks,
    posts and chat; refreshed after `ATRIUM_LINK_PREVIEW_DAYS`."""

    url_hash = models.CharField(max_length=64, unique=True)  # SHA-256 of the normalised URL
    url = models.CharField(max_length=2000)
    final_url = models.CharField(max_length=2000, blank=True)
    title = models.CharField(max_length=300, blank=True)
    description = models.TextField(max_length=1000, blank=True)
    site_name = models.CharField(max_length=120, blank=True)
    image = models.ForeignKey("kernel.Blob", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    # Empty when the fetch worked; otherwise the refusal's code ("private_address", "timeout"…).
    error = models.CharField(max_length=40, blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.title or self.url

    image_id: int | None
