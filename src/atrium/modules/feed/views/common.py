"""What every feed page shares: the module switch, the address to come back to after a form,
answers for the page's scripts (the post's fragment or JSON) and for plain forms (redirect
with a message), and the words the scripts show, translated here into the one catalogue."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from atrium.kernel import modules as module_state
from atrium.kernel.errors import ActionError
from atrium.web.shortcuts import json_error

MODULE = "feed"
# The reactions offered under each post and comment (the API accepts others).
EMOJI = ["👍", "❤️", "😂", "🎉", "😮", "🙏"]
PAGE_SIZE = 20

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def feed_view(view: View) -> View:
    """A signed-in page of the feed: 404 while the feed is switched off for the instance."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not module_state.enabled_for_instance(MODULE):
            raise Http404("module")
        return view(request, *args, **kwargs)

    return cast(View, login_required(wrapper))


def from_script(request: HttpRequest) -> bool:
    """The page's scripts ask with this header and want a fragment or JSON, not a page."""
    return request.headers.get("X-Atrium-Fetch") == "1" or bool(getattr(request, "htmx", False))


def int_or_none(value: Any) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


def post_url(post: Any) -> str:
    return reverse("feed:post", kwargs={"space_slug": post.space.slug, "post_id": post.pk})


def back_to(request: HttpRequest, default: str, anchor: str = "") -> str:
    """Where a form goes back to: its `next` field when it is a path of this site (the page
    the form was on), else `default`; with the item's anchor so the reader keeps their place."""
    wanted = str(request.POST.get("next") or request.GET.get("next") or "")
    if not (wanted.startswith("/") and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure())):
        wanted = default
    wanted = wanted.split("#", 1)[0]
    return f"{wanted}#{anchor}" if anchor else wanted


def failed(request: HttpRequest, error: ActionError, back: str) -> HttpResponse:
    """An action refused: JSON for scripts, otherwise its message on the page we return to."""
    if from_script(request):
        return json_error(error)
    messages.error(request, error.message)
    return redirect(back)


def js_strings() -> dict[str, str]:
    """Words the scripts show; {n} and {name} placeholders are filled in the browser."""
    return {
        "new_one": ngettext("%(n)s new post", "%(n)s new posts", 1) % {"n": "{n}"},
        "new_other": ngettext("%(n)s new post", "%(n)s new posts", 2) % {"n": "{n}"},
        "loading": _("Loading…"),
        "failed": _("That did not work. Reload the page and try again."),
        "network_error": _("The server could not be reached. Try again."),
        "add_option": _("Add an option"),
        "remove_option": _("Remove option %(n)s") % {"n": "{n}"},
        "option_label": _("Option %(n)s") % {"n": "{n}"},
        "remove_file": _("Remove %(name)s") % {"name": "{name}"},
        "files_chosen": _("Files to send:"),
        "suggestions": _("Suggestions: %(count)s. Up and down arrows to choose, Enter to pick.")
        % {"count": "{n}"},
        "confirm_delete": _("Delete this post?"),
        "confirm_delete_comment": _("Delete this comment?"),
    }
