"""The drive seen as WebDAV resources (WsgiDAV's provider, collections and files).

`/dav/` lists the drives the person may read: `~personal` (their own drive) and one folder
per space by its address (slug), which never changes with the interface language. Below
them are the drive's folders and files, found by name as the drive compares names
(case-folded, NFC). Reads go through the drive's rights (a drive the person may not read
does not exist here); every write goes through the drive's actions (`dav/writes.py`).
Resources found during a request are remembered in the request's environ and forgotten
after each write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import quote

from wsgidav import util
from wsgidav.dav_error import HTTP_FORBIDDEN, DAVError
from wsgidav.dav_provider import DAVCollection, DAVNonCollection, DAVProvider

from atrium.kernel import blobstore
from atrium.kernel.abilities import spaces_with_module_access
from atrium.kernel.models import Access, Space
from atrium.modules.drive import queries
from atrium.modules.drive.abilities import MODULE, drive_abilities, node_abilities
from atrium.modules.drive.actions import drive_root
from atrium.modules.drive.dav import writes
from atrium.modules.drive.dav.errors import dav_errors
from atrium.modules.drive.models import FileVersion, Node, NodeKind
from atrium.modules.drive.names import clean_name

PERSONAL = "~personal"  # "~" is never part of a space's address
CACHE = "atrium.dav.cache"
PAGE = 1000


@dataclass
class Drive:
    """A drive as reached over WebDAV: its top folder name, space and root."""

    segment: str
    space: Space
    root: Node
    _abilities: dict[str, bool] | None = None
    _usage: queries.Usage | None = field(default=None, repr=False)

    def abilities(self, user: Any) -> dict[str, bool]:
        if self._abilities is None:
            self._abilities = drive_abilities(user, self.space)
        return self._abilities

    def usage(self) -> queries.Usage:
        if self._usage is None:
            self._usage = queries.usage(self.space)
        return self._usage


def forget(environ: dict[str, Any]) -> None:
    """Drop what this request found so far (after a write)."""
    environ[CACHE] = {}


def user_of(environ: dict[str, Any]) -> Any:
    return environ["atrium.user"]


def _drive(user: Any, segment: str) -> Drive | None:
    if segment == PERSONAL:
        space = Space.objects.filter(personal_owner=user).first()
    else:  # a personal space's own address works too (lock roots use it): its owner only
        space = Space.objects.filter(slug=segment).first()
    if space is None:
        return None
    drive = Drive(segment, space, drive_root(space))
    return drive if drive.abilities(user)["view"] else None


def drives(user: Any) -> list[Drive]:
    """The person's own drive, then the drives of the spaces they may read, by address."""
    found = []
    own = Space.objects.filter(personal_owner=user).first()
    if own is not None and drive_abilities(user, own)["view"]:
        found.append(Drive(PERSONAL, own, drive_root(own)))
    ids = spaces_with_module_access(user, MODULE, Access.READ)
    for space in Space.objects.filter(pk__in=ids, personal_owner__isnull=True).order_by("slug"):
        found.append(Drive(space.slug, space, drive_root(space)))
    return found


def resource_for(path: str, node: Node, drive: Drive, environ: dict[str, Any]) -> Any:
    if node.kind == NodeKind.FOLDER:
        return FolderResource(path, environ, node, drive)
    return FileResource(path, environ, node, drive)


def _child_path(parent: str, name: str) -> str:
    return parent.rstrip("/") + "/" + name


class DriveProvider(DAVProvider):
    """Every person's drives under one URL: what `/dav/` shows depends on who asks."""

    def is_readonly(self) -> bool:
        return False

    @dav_errors
    def get_resource_inst(self, path: str, environ: dict[str, Any]) -> Any:
        key = "/" + path.strip("/")
        cache = environ.setdefault(CACHE, {})
        if key not in cache:
            cache[key] = self._resolve(key, environ)
        return cache[key]

    def _resolve(self, path: str, environ: dict[str, Any]) -> Any:
        parts = [part for part in path.split("/") if part]
        if not parts:
            return RootResource("/", environ)
        drive = _drive(user_of(environ), parts[0])
        if drive is None:
            return None
        node: Node | None = drive.root
        found = "/" + drive.segment
        for part in parts[1:]:
            if node is None or node.kind != NodeKind.FOLDER:
                return None
            node = queries.by_path_key(node, part)
            if node is None:
                return None
            found = _child_path(found, node.name)
        assert node is not None
        return resource_for(found, node, drive, environ)


class RootResource(DAVCollection):
    """`/dav/`: one folder per drive the person may read. Nothing can be written here."""

    def _drives(self) -> list[Drive]:
        if "atrium.dav.drives" not in self.environ:
            self.environ["atrium.dav.drives"] = drives(user_of(self.environ))
        return list(self.environ["atrium.dav.drives"])

    def get_display_name(self) -> str:
        return "Atrium"

    def get_member_names(self) -> list[str]:
        return [drive.segment for drive in self._drives()]

    def get_member_list(self) -> list[Any]:
        return [FolderResource(_child_path("/", drive.segment), self.environ, drive.root, drive)
                for drive in self._drives()]

    def get_member(self, name: str) -> Any:
        return self.provider.get_resource_inst(_child_path("/", name), self.environ)

    def support_recursive_delete(self) -> bool:
        return False

    def handle_delete(self) -> bool:
        raise DAVError(HTTP_FORBIDDEN)

    def handle_move(self, dest_path: str) -> bool:
        raise DAVError(HTTP_FORBIDDEN)

    def handle_copy(self, dest_path: str, *, depth_infinity: bool) -> bool:
        raise DAVError(HTTP_FORBIDDEN)


class NodeMixin:
    """What folders and files share: times, display name, delete/move/copy."""

    node: Node
    drive: Drive
    environ: dict[str, Any]
    path: str
    provider: Any

    def get_display_name(self) -> str:
        return self.node.name or self.drive.space.name

    def get_ref_url(self) -> str:
        """The key of locks: by the space's address, so "~personal" of two people differ."""
        rest = self.path[len(self.drive.segment) + 1:]
        url = "/" + self.drive.space.slug + rest
        if getattr(self, "is_collection", False) and not url.endswith("/"):
            url += "/"
        return quote(self.provider.share_path + url)

    def get_creation_date(self) -> float:
        return self.node.created_at.timestamp()

    def get_last_modified(self) -> float:
        return self.node.updated_at.timestamp()

    def support_modified(self) -> bool:
        return True

    @dav_errors
    def handle_delete(self) -> bool:
        """To the trash, unless someone else holds a lock on it or on something inside."""
        locks = self.provider.lock_manager
        if locks is not None:
            locks.check_write_permission(
                url=self.get_ref_url(), depth="infinity",
                token_list=self.environ.get("wsgidav.ifLockTokenList", []),
                principal=self.environ["wsgidav.user_name"])
        writes.trash(self)
        self.remove_all_locks(recursive=True)  # type: ignore[attr-defined]
        return True

    @dav_errors
    def handle_move(self, dest_path: str) -> bool:
        writes.move(self, dest_path)
        self.remove_all_locks(recursive=True)  # type: ignore[attr-defined]
        return True

    @dav_errors
    def handle_copy(self, dest_path: str, *, depth_infinity: bool) -> bool:
        writes.copy(self, dest_path, depth_infinity=depth_infinity)
        return True

    def support_recursive_move(self, dest_path: str) -> bool:
        return False

    def support_recursive_delete(self) -> bool:
        return True

    @dav_errors
    def delete(self) -> None:
        writes.trash(self)


class FolderResource(NodeMixin, DAVCollection):
    def __init__(self, path: str, environ: dict[str, Any], node: Node, drive: Drive) -> None:
        super().__init__(path, environ)
        self.node, self.drive = node, drive

    def get_used_bytes(self) -> int:
        return self.drive.usage().used

    def get_available_bytes(self) -> int | None:
        return self.drive.usage().remaining

    def _children(self) -> list[Node]:
        found: list[Node] = []
        cursor: str | None = None
        while True:
            items, cursor = queries.list_children(self.node, "name", cursor, PAGE)
            found.extend(items)
            if cursor is None:
                return found

    def get_member_names(self) -> list[str]:
        return [child.name for child in self._children()]

    def get_member_list(self) -> list[Any]:
        return [resource_for(_child_path(self.path, child.name), child, self.drive,
                             self.environ) for child in self._children()]

    def get_member(self, name: str) -> Any:
        return self.provider.get_resource_inst(_child_path(self.path, name), self.environ)

    @dav_errors
    def create_empty_resource(self, name: str) -> PendingFile:
        """A file about to be written by PUT: refused now (before any byte is read) when
        the person may not write here or the name is not allowed; stored at the end."""
        self.require_upload()
        return PendingFile(_child_path(self.path, name), self.environ, self, clean_name(name))

    @dav_errors
    def create_collection(self, name: str) -> None:
        writes.make_folder(self, name)

    def require_upload(self) -> None:
        user = user_of(self.environ)
        if not node_abilities(self.node, user, self.drive.abilities(user))["upload"]:
            raise DAVError(HTTP_FORBIDDEN, "You may not add files to this folder.")


class FileResource(NodeMixin, DAVNonCollection):
    def __init__(self, path: str, environ: dict[str, Any], node: Node, drive: Drive) -> None:
        super().__init__(path, environ)
        self.node, self.drive = node, drive

    def get_content_length(self) -> int:
        return self.node.size

    def get_content_type(self) -> str:
        return self.node.mime_type or "application/octet-stream"

    def get_etag(self) -> str:
        return f"{self.node.pk}-{self.node.current_id}"

    def support_etag(self) -> bool:
        return True

    def support_ranges(self) -> bool:
        return True

    @dav_errors
    def get_content(self) -> IO[bytes]:
        """The current version's bytes, opened for streaming (and seeking, for ranges)."""
        node = queries.access_node(user_of(self.environ), self.node.pk, "download")
        version = FileVersion.objects.select_related("blob").get(pk=node.current_id or 0)
        return blobstore.open_blob(version.blob)

    def finalize_headers(self, environ: dict[str, Any], headers: list[tuple[str, str]]) -> None:
        """Nothing of a person's file may run in a browser that opens a WebDAV address."""
        headers.extend([("X-Content-Type-Options", "nosniff"),
                         ("Content-Security-Policy", "sandbox"),
                         ("Content-Disposition", "attachment")])

    def folder(self) -> FolderResource:
        parent = Node.objects.get(pk=self.node.parent_id or 0)
        return FolderResource(util.get_uri_parent(self.path), self.environ, parent, self.drive)

    @dav_errors
    def begin_write(self, *, content_type: str | None = None) -> writes.Spool:
        folder = self.folder()
        folder.require_upload()
        return writes.Spool(self.environ, folder.drive)

    @dav_errors
    def end_write(self, *, with_errors: bool) -> None:
        self.node = writes.finish(self.folder(), self.node.name, with_errors) or self.node


class PendingFile(FileResource):
    """A file PUT is writing for the first time: it exists once the body is stored."""

    def __init__(self, path: str, environ: dict[str, Any], parent: FolderResource,
                 name: str) -> None:
        DAVNonCollection.__init__(self, path, environ)
        self.parent, self.name, self.drive = parent, name, parent.drive
        self.node = Node(kind=NodeKind.FILE, name=name, space=parent.drive.space)

    def folder(self) -> FolderResource:
        return self.parent

    @dav_errors
    def end_write(self, *, with_errors: bool) -> None:
        self.node = writes.finish(self.parent, self.name, with_errors) or self.node
