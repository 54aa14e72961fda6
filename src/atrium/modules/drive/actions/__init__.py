"""The one write path of the drive: every change goes through a `do_*` function here."""

from atrium.modules.drive.actions.common import (
    QuotaExceeded,
    drive_root,
    personal_drive,
)
from atrium.modules.drive.actions.files import (
    do_copy,
    do_create_folder,
    do_move,
    do_rename,
    do_restore_version,
    do_upload_file,
)
from atrium.modules.drive.actions.sharing import (
    SharePasswordError,
    do_create_share_link,
    do_revoke_share_link,
    do_set_quota,
    open_share_link,
)
from atrium.modules.drive.actions.text import index_pending_texts, store_text
from atrium.modules.drive.actions.trash import (
    do_delete_forever,
    do_empty_trash,
    do_restore,
    do_trash,
    purge_expired_trash,
)

__all__ = [
    "QuotaExceeded",
    "SharePasswordError",
    "do_copy",
    "do_create_folder",
    "do_create_share_link",
    "do_delete_forever",
    "do_empty_trash",
    "do_move",
    "do_rename",
    "do_restore",
    "do_restore_version",
    "do_revoke_share_link",
    "do_set_quota",
    "do_trash",
    "do_upload_file",
    "drive_root",
    "index_pending_texts",
    "open_share_link",
    "personal_drive",
    "purge_expired_trash",
    "store_text",
]
