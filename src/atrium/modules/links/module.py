from django.utils.translation import gettext_lazy as _

from atrium.kernel.registry import ContentKind, ModuleManifest, NavEntry
from atrium.modules.links import queries
from atrium.modules.links.events import LinkAdded, LinkDeleted

manifest = ModuleManifest(
    id="links",
    name=_("Links"),
    description=_("Shared bookmarks of a space, with tags."),
    icon="link",
    capabilities=("links.read", "links.add", "links.delete_own", "links.delete_any"),
    nav=(NavEntry(label=_("Links"), url_name="links:list"),),
    event_types=(LinkAdded, LinkDeleted),
    content=(
        ContentKind(id="link", label=_("link"), recent=queries.recent_links,
                    export=queries.export_space),
    ),
    urls="atrium.modules.links.urls",
    api_router="atrium.modules.links.api:router",
)
