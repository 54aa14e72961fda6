from django import template
from django.utils.safestring import SafeString, mark_safe

from atrium.kernel.text import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(source: str) -> SafeString:
    """User text rendered through the one sanitiser: safe by construction."""
    return mark_safe(render_markdown(source))
