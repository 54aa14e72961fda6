from django.utils.translation import gettext_lazy as _

from atrium.kernel.registry import ContentKind, ModuleManifest, NavEntry
from atrium.modules.chat import queries
from atrium.modules.chat.events import EVENT_TYPES

# The space's navigation entry; declared together with `urls` (a manifest with navigation
# but no pages fails the start-up checks).
NAV = (NavEntry(label=_("Chat"), url_name="chat:space"),)

manifest = ModuleManifest(
    id="chat",
    name=_("Chat"),
    description=_("Channels, direct messages, threads, reactions and files, in real time."),
    icon="chat",
    capabilities=(
        "chat.read", "chat.post", "chat.react", "chat.pin", "chat.create_channel",
        "chat.manage_channel", "chat.moderate", "chat.direct",
    ),
    nav=NAV,
    event_types=EVENT_TYPES,
    content=(
        ContentKind(id="message", label=_("message"), recent=queries.recent_messages,
                    export=queries.export_space),
    ),
    urls="atrium.modules.chat.urls",
    api_router="atrium.modules.chat.api:router",
    root_urls="atrium.modules.chat.root_urls",
    top_nav=NavEntry(label=_("Chat"), url_name="chat_root:home"),
)
