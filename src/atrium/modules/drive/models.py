"""The drive's rows: a tree of nodes per space, a version per upload, share links, quotas.

Every space's drive has one root folder (`parent` NULL); every other node has a parent in
the same space. Names are unique among the live children of a folder by `name_key` (NFC,
case-folded, see `names.py`), so "Report.pdf" and "report.PDF" clash as on macOS and
Windows; the trash may hold duplicates. Bytes live in the kernel blob store: each version
points at a `Blob` and holds one reference to it. A node keeps its current version's size,
type and time, so listing a folder reads one table.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atrium.kernel.models import Blob, Space


class NodeKind(models.TextChoices):
    # Listing puts folders first by ordering on `kind` descending ("folder" > "file").
    FILE = "file", _("File")
    FOLDER = "folder", _("Folder")


class Node(models.Model):
    """A folder or a file of a space's drive."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="drive_nodes")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="children")
    kind = models.CharField(max_length=6, choices=NodeKind.choices)
    name = models.CharField(_("name"), max_length=255)
    name_key = models.CharField(max_length=800)
    # Denormalised from the current version (files) for fast listing.
    current = models.ForeignKey("FileVersion", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    size = models.BigIntegerField(default=0)
    mime_type = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    # In the trash: the moment, who, and the node the person trashed (itself, or the folder
    # it was in when that folder went to the trash). Restoring that node restores this one.
    trashed_at = models.DateTimeField(null=True, blank=True)
    trashed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    trashed_with = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["parent", "name_key"],
                                    condition=Q(trashed_at__isnull=True),
                                    name="drive_live_name_unique_in_folder"),
            models.UniqueConstraint(fields=["space"], condition=Q(parent__isnull=True),
                                    name="drive_one_root_per_space"),
        ]
        indexes = [
            # Folders first ("folder" > "file"), then by name: the default listing order, read
            # straight from the index (an all-ascending one made SQLite sort the whole folder).
            models.Index(fields=["parent", "-kind", "name_key", "id"], name="drive_by_name"),
            models.Index(fields=["parent", "kind", "updated_at", "id"], name="drive_by_modified"),
            models.Index(fields=["parent", "kind", "size", "id"], name="drive_by_size"),
            models.Index(fields=["space", "trashed_at"], name="drive_space_trash"),
        ]

    def __str__(self) -> str:
        return self.name or "/"

    @property
    def is_folder(self) -> bool:
        return self.kind == NodeKind.FOLDER

    @property
    def is_root(self) -> bool:
        return self.parent_id is None

    @property
    def in_trash(self) -> bool:
        return self.trashed_at is not None

    space_id: int
    parent_id: int | None
    current_id: int | None
    created_by_id: int | None
    updated_by_id: int | None
    trashed_by_id: int | None
    trashed_with_id: int | None


class FileVersion(models.Model):
    """One upload of a file (or a restored earlier version): who, when, which bytes."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    size = models.BigIntegerField()
    mime_type = models.CharField(max_length=100)
    name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    restored_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["node", "number"], name="drive_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    node_id: int
    blob_id: int
    uploaded_by_id: int | None
    restored_from_id: int | None


class FileText(models.Model):
    """The text found in a blob's bytes (text files, PDFs), for search by content. One row
    per blob, whichever files share it; filled by `actions.index_pending_texts()`."""

    blob = models.OneToOneField(Blob, on_delete=models.CASCADE, primary_key=True,
                                related_name="drive_text")
    text = models.TextField(blank=True)
    extracted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"text of blob {self.pk}"

    blob_id: int


class DriveQuota(models.Model):
    """The bytes a space's drive may hold (a personal space's: its owner's quota).
    No row, or NULL: unlimited. Set by the organisation's admins."""

    space = models.OneToOneField(Space, on_delete=models.CASCADE, primary_key=True,
                                 related_name="drive_quota")
    quota_bytes = models.BigIntegerField(null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"quota of {self.space_id}: {self.quota_bytes}"

    space_id: int


class ShareLink(models.Model):
    """A link for people outside the space to read one file or folder. Only the SHA-256 of
    the token is kept; the password (optional) is hashed like an account's."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(max_length=64, unique=True)
    password_hash = models.CharField(max_length=256, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    access_count = models.PositiveIntegerField(default=0)
    last_access_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"share link {self.pk} of node {self.node_id}"

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)

    def is_active(self, now: datetime | None = None) -> bool:
        moment = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > moment)

    node_id: int
    created_by_id: int | None
    revoked_by_id: int | None
