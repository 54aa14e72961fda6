"""The drive of a space: /s/<space>/drive/. A node's page is `drive:file` (a folder's
listing or a file's page), whatever its kind."""

from django.urls import path

from atrium.modules.drive.views import edit, files, pages, search, sharing, uploads

app_name = "drive"
node = "n/<int:node_id>/"
urlpatterns = [
    path("", pages.space_drive, name="space"),
    path("trash/", edit.trash_page, name="trash"),
    path("trash/empty", edit.empty_trash, name="empty_trash"),
    path("search/", search.space_search, name="search"),
    path(node, pages.node, name="file"),
    path(f"{node}download", files.download, name="download"),
    path(f"{node}view", files.view, name="view"),
    path(f"{node}thumb", files.thumbnail, name="thumbnail"),
    path(f"{node}zip", files.folder_zip, name="zip"),
    path(f"{node}upload", uploads.upload, name="upload"),
    path(f"{node}claim", uploads.claim, name="claim"),
    path(f"{node}mkdir", edit.create_folder, name="mkdir"),
    path(f"{node}rename", edit.rename, name="rename"),
    path(f"{node}pick/", edit.pick, name="pick"),
    path(f"{node}move", edit.move, name="move"),
    path(f"{node}copy", edit.copy, name="copy"),
    path(f"{node}trash", edit.trash, name="trash_node"),
    path(f"{node}restore", edit.restore, name="restore"),
    path(f"{node}delete", edit.delete_forever, name="delete"),
    path(f"{node}share", sharing.create_link, name="share"),
    path("links/<int:link_id>/revoke", sharing.revoke_link, name="revoke_link"),
    path("versions/<int:version_id>/download", files.version_download,
         name="version_download"),
    path("versions/<int:version_id>/restore", edit.restore_version, name="restore_version"),
]
