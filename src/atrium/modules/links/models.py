from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from atrium.kernel.models import LinkPreview, Space


class Link(models.Model):
    """A bookmark saved in a space (a shared space, or someone's personal one).

    `title` and `description` may be left empty: the page then shows the preview's, fetched
    by the server (`atrium.kernel.linkpreview`). `url_hash` is the SHA-256 of the normalised
    address, so "who else saved this" finds the same page whatever its spelling.
    """

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="links")
    url = models.URLField(_("address"), max_length=2000)
    url_hash = models.CharField(max_length=64, blank=True, db_index=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    tags = models.CharField(_("tags"), max_length=200, blank=True)
    collection = models.CharField(_("collection"), max_length=80, blank=True)
    preview = models.ForeignKey(LinkPreview, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["space", "collection"], name="link_space_collection"),
            models.Index(fields=["author", "-created_at", "-id"], name="link_author_recent"),
        ]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("links:list", kwargs={"space_slug": self.space.slug}) + f"#link-{self.pk}"

    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]

    @property
    def display_title(self) -> str:
        """The title given, else the preview's, else the address's host."""
        from urllib.parse import urlsplit

        preview = self.preview if self.preview_id else None
        return (self.title or (preview.title if preview and not preview.error else "")
                or urlsplit(self.url).hostname or self.url)

    @property
    def display_description(self) -> str:
        preview = self.preview if self.preview_id else None
        return self.description or (preview.description if preview and not preview.error
                                     else "")

    space_id: int
    author_id: int | None
    preview_id: int | None
