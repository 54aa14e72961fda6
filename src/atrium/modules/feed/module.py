from importlib.util import find_spec

from django.utils.translation import gettext_lazy as _

from atrium.kernel.registry import ContentKind, ModuleManifest, NavEntry
from atrium.modules.feed import queries
from atrium.modules.feed.events import EVENT_TYPES

MODULE = "feed"


def _present(dotted: str) -> bool:
    """Whether a part written by another file owner exists yet (the API package)."""
    try:
        spec = find_spec(dotted)
    except ModuleNotFoundError:
        return False
    return spec is not None and spec.origin not in (None, "namespace")


manifest = ModuleManifest(
    id=MODULE,
    name=_("Feed"),
    description=_("Posts, comments, reactions, polls and announcements of a space, and the "
                  "home feed of everything one follows."),
    icon="feed",
    capabilities=(
        "feed.read", "feed.post", "feed.comment", "feed.react", "feed.vote", "feed.share",
        "feed.pin", "feed.moderate", "feed.report",
    ),
    nav=(NavEntry(label=_("Feed"), url_name="feed:space"),),
    event_types=EVENT_TYPES,
    content=(
        ContentKind(id="post", label=_("post"), recent=queries.recent_posts,
                    export=queries.export_space),
    ),
    urls="atrium.modules.feed.urls",
    root_urls="atrium.modules.feed.root_urls",
    top_nav=NavEntry(label=_("Feed"), url_name="feed_root:home"),
    home="atrium.modules.feed.views.pages.home_page",
    api_router="atrium.modules.feed.api:router" if _present("atrium.modules.feed.api") else None,
)
