"""Typed inputs and outputs of the drive API, and the parameter types its routers share.

A node (file or folder) answers with the caller's `abilities` on it (the dict of
`abilities.node_abilities`, the one the pages read) and the addresses of its bytes. Inputs
refuse unknown fields (see `In`); names are checked by the drive's own rules (`names.py`),
so a bad one answers 400 `bad_name` with the reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from ninja.params import P, PathEx, QueryEx
from pydantic import AwareDatetime, Field

from atrium.api.kernel.schemas import MAX_ID, Abilities, In, path_id

NodeId = path_id("The file's or folder's id.")
VersionId = path_id("The version's id.")
LinkId = path_id("The share link's id.")
ShareToken = PathEx[str, P(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_\-]+$",
                            description="The token of the share link.")]
OrderName = Literal["name", "-name", "modified", "-modified", "size", "-size"]
Order = QueryEx[OrderName, P(description="Folders first, then by name, modification time or "
                                         "size; `-` for descending.")]
Cursor = QueryEx[str | None, P(max_length=500, pattern=r"^[A-Za-z0-9_\-]*$",
                               description="`next_cursor` of the previous page.")]
PageSize = QueryEx[int, P(ge=1, le=1000, description="How many items (1 to 1000).")]
InsideNode = QueryEx[int | None, P(ge=1, le=MAX_ID, description="An item inside the shared "
                                   "folder (default: the shared item itself).")]
ThumbSize = QueryEx[int, P(ge=1, le=1024, description="The box's side in pixels; served at "
                                                   "the next of 64, 128, 256, 512, 1024.")]
MAX_NAME_INPUT = 1000  # the drive's rule (255 UTF-8 bytes) says why a longer name is refused
MAX_QUOTA = 2**62


class PersonRef(Schema):
    id: int
    name: str


class Crumb(Schema):
    id: int
    name: str = Field(description="Empty for the drive's root.")


class NodeOut(Schema):
    id: int
    space_id: int
    parent_id: int | None = Field(description="Null for the drive's root.")
    kind: Literal["file", "folder"]
    name: str
    size: int = Field(description="Bytes of the current version (0 for a folder).")
    mime_type: str = Field(description="Read from the content, never from the name.")
    created_at: datetime
    updated_at: datetime
    updated_by: PersonRef | None
    trashed_at: datetime | None
    download_url: str = Field(description="The file's bytes, or the folder as a ZIP.")
    thumbnail_url: str | None = Field(description="For images and PDFs.")
    abilities: Abilities


class NodeDetail(NodeOut):
    version: int | None = Field(description="The current version's number (files).")
    breadcrumbs: list[Crumb] = Field(description="From the root down to this item.")


class UsageOut(Schema):
    used_bytes: int = Field(description="Every version of every file, the trash included.")
    quota_bytes: int | None = Field(description="Null: unlimited.")
    remaining_bytes: int | None
    percent: int | None


class DriveOut(Schema):
    space_id: int
    space_name: str
    personal: bool
    root: NodeOut
    abilities: Abilities
    usage: UsageOut


class ChildrenPage(Schema):
    folder: NodeOut
    items: list[NodeOut]
    next_cursor: str | None = Field(description="Null on the last page.")


class TrashItemOut(NodeOut):
    trashed_by: PersonRef | None


class DeletedOut(Schema):
    deleted: int = Field(description="How many files and folders were deleted for good.")


class NameIn(In):
    name: str = Field(..., min_length=1, max_length=MAX_NAME_INPUT)


class TargetIn(In):
    parent_id: int = Field(..., ge=1, le=MAX_ID, description="The destination folder.")


class FromUploadIn(In):
    upload_id: str = Field(..., min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$",
                           description="The last part of the tus upload's `Location`.")
    name: str | None = Field(None, min_length=1, max_length=MAX_NAME_INPUT,
                             description="Default: the upload's `filename` metadata.")


class VersionOut(Schema):
    id: int
    number: int
    name: str
    size: int
    mime_type: str
    uploaded_by: PersonRef | None
    created_at: datetime
    restored_from_id: int | None
    current: bool
    download_url: str


class LinkIn(In):
    password: str | None = Field(None, min_length=1, max_length=200)
    expires_at: AwareDatetime | None = None


class LinkOut(Schema):
    id: int
    node_id: int
    created_by: PersonRef | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    has_password: bool
    active: bool
    access_count: int
    last_access_at: datetime | None
    abilities: Abilities


class NewLinkOut(LinkOut):
    token: str = Field(description="Shown once: only its hash is kept.")
    api_url: str = Field(description="The public address of the link in this API.")


class SearchHit(NodeOut):
    space_name: str


class QuotaIn(In):
    quota_bytes: int | None = Field(..., ge=0, le=MAX_QUOTA, description="Null: unlimited.")


class QuotaOut(Schema):
    space_id: int
    quota_bytes: int | None
    usage: UsageOut


class DriveFigureOut(Schema):
    space_id: int
    space_name: str
    personal: bool
    logical_bytes: int
    versions: int


class DedupOut(Schema):
    stored_bytes: int = Field(description="Bytes on storage, each content once.")
    logical_bytes: int = Field(description="Bytes as referenced (drive, chat, feed…).")
    saved_bytes: int
    drive_bytes: int
    drives: list[DriveFigureOut]


class SharedNodeOut(Schema):
    id: int
    kind: Literal["file", "folder"]
    name: str
    size: int
    mime_type: str
    updated_at: datetime
    download_url: str = Field(description="Send the password again (header) if there is one.")


class SharedOut(Schema):
    node: SharedNodeOut
    expires_at: datetime | None


class SharedPage(Schema):
    folder: SharedNodeOut
    items: list[SharedNodeOut]
    next_cursor: str | None
