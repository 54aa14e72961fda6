from django.utils.translation import gettext_lazy as _

from atrium.kernel.registry import ContentKind, ModuleManifest, NavEntry
from atrium.modules.links import queries
from atrium.modules.links.events import EVENT_TYPES

manifest = ModuleManifest(
    id="links",
    name=_("Links"),
    description=_("Bookmarks of a space, with previews fetched by the server, tags and "
                  "collections; everyone's own list across spaces."),
    icon="link",
    capabilities=("links.read", "links.add", "links.edit_own", "links.delete_own",
                  "links.delete_any", "links.save_to_my_bookmarks"),
    nav=(NavEntry(label=_("Links"), url_name="links:list"),),
    event_types=EVENT_TYPES,
    content=(
        ContentKind(id="link", label=_("link"), recent=queries.recent_links,
                    export=queries.export_space),
    ),
    urls="atrium.modules.links.urls",
    api_router="atrium.modules.links.api:router",
    root_urls="atrium.modules.links.root_urls",
    top_nav=NavEntry(label=_("Bookmarks"), url_name="links_root:mine"),
)
