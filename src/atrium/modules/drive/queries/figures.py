"""Figures: a drive's usage against its quota, and what the single copy of each file saves
across the instance."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Sum

from atrium.kernel import blobstore
from atrium.kernel.errors import NotFound
from atrium.kernel.models import Space, User
from atrium.modules.drive.actions.common import quota_bytes, usage_bytes
from atrium.modules.drive.models import FileVersion


@dataclass(frozen=True)
class Usage:
    """Bytes of every version of every file (trash included until purged) and the quota
    (None: unlimited)."""

    used: int
    quota: int | None

    @property
    def remaining(self) -> int | None:
        return None if self.quota is None else max(0, self.quota - self.used)

    @property
    def percent(self) -> int | None:
        if self.quota is None:
            return None
        return 100 if self.quota == 0 else min(100, round(100 * self.used / self.quota))


def usage(space_or_user: Space | User) -> Usage:
    """The usage of a space's drive, or of a person's own drive. No rights check: callers
    show it to those who may read the drive (or to admins)."""
    if isinstance(space_or_user, User):
        space = Space.objects.filter(personal_owner=space_or_user).first()
        if space is None:
            raise NotFound("drive")
    else:
        space = space_or_user
    return Usage(usage_bytes(space.pk), quota_bytes(space.pk))


@dataclass(frozen=True)
class DriveFigure:
    space_id: int
    space_name: str
    personal: bool
    logical_bytes: int
    versions: int


@dataclass(frozen=True)
class DedupFigures:
    """Instance-wide: the bytes stored once, the bytes as referenced (drive, chat, feed…),
    and what the difference saves; per drive: the bytes its versions reference."""

    stored_bytes: int
    logical_bytes: int
    drives: list[DriveFigure]

    @property
    def saved_bytes(self) -> int:
        return max(0, self.logical_bytes - self.stored_bytes)

    @property
    def drive_bytes(self) -> int:
        return sum(d.logical_bytes for d in self.drives)


def dedup_figures(top: int = 50) -> DedupFigures:
    """For the organisation's admins (callers check): instance totals and the `top` drives
    by bytes referenced."""
    stored, logical = blobstore.stored_bytes()
    rows = (FileVersion.objects.values("node__space_id", "node__space__name",
                                       "node__space__personal_owner_id")
            .annotate(total=Sum("size"), count=Count("id")).order_by("-total")[:top])
    drives = [DriveFigure(row["node__space_id"], row["node__space__name"],
                          row["node__space__personal_owner_id"] is not None,
                          int(row["total"] or 0), row["count"]) for row in rows]
    return DedupFigures(stored, logical, drives)
