"""`{% load linkpreviews %}`: the address of a link preview's image on Atrium's origin."""

from __future__ import annotations

from django import template

from atrium.kernel import linkpreview
from atrium.kernel.models import LinkPreview

register = template.Library()


@register.filter(name="preview_image_url")
def preview_image_url(preview: LinkPreview | None) -> str:
    return linkpreview.image_url(preview) if preview is not None else ""


@register.filter(name="preview_shown")
def preview_shown(preview: LinkPreview | None) -> bool:
    return linkpreview.is_shown(preview)
