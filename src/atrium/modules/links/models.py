from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from atrium.kernel.models import Space


class Link(models.Model):
    """A bookmark shared in a space."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="links")
    url = models.URLField(_("address"), max_length=2000)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    tags = models.CharField(_("tags"), max_length=200, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("links:list", kwargs={"space_slug": self.space.slug}) + f"#link-{self.pk}"

    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]

    space_id: int
    author_id: int | None
