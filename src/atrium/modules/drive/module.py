from django.utils.translation import gettext_lazy as _

from atrium.kernel.registry import ContentKind, ModuleManifest, NavEntry
from atrium.modules.drive import queries
from atrium.modules.drive.events import EVENT_TYPES

manifest = ModuleManifest(
    id="drive",
    name=_("Drive"),
    description=_("Folders and files of a space, with versions, trash, share links and "
                  "search; every file stored once."),
    icon="folder",
    api_router="atrium.modules.drive.api:router",
    capabilities=(
        "drive.read", "drive.upload", "drive.organise", "drive.share", "drive.trash",
        "drive.delete_forever", "drive.manage", "drive.set_quota",
    ),
    nav=(NavEntry(label=_("Drive"), url_name="drive:space"),),
    event_types=EVENT_TYPES,
    content=(
        ContentKind(id="file", label=_("file"), recent=queries.recent_files,
                    export=queries.export_space),
    ),
    urls="atrium.modules.drive.urls",
    root_urls="atrium.modules.drive.root_urls",
    top_nav=NavEntry(label=_("Drive"), url_name="drive_root:home"),
)
