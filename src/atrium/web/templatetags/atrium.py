from django import template
from django.utils.safestring import SafeString, mark_safe

from atrium.kernel.text import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(source: str) -> SafeString:
    """User text rendered through the one sanitiser: safe by construction."""
    return mark_safe(render_markdown(source))


@register.simple_tag
def last_event_id() -> int:
    """The newest event id when the page was rendered: the page's socket resumes from it, so
    nothing that happens between rendering and connecting is missed."""
    from atrium.realtime.catchup import latest_event_id

    return latest_event_id()
