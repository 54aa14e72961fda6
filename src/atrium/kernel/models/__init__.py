"""The kernel's tables: the organisation, people, spaces, rights, audit, blobs, tokens, events,
resumable uploads, content entries of the feed, follows, link previews."""

from atrium.kernel.models.audit import AuditEntry
from atrium.kernel.models.blobs import Blob
from atrium.kernel.models.content import ContentEntry, Follow, LinkPreview
from atrium.kernel.models.events import EventHorizon, EventRecord
from atrium.kernel.models.invitations import Invitation, InvitationSpace
from atrium.kernel.models.organisation import InstanceModule, MfaPolicy, Organisation
from atrium.kernel.models.people import OrgRole, User
from atrium.kernel.models.spaces import (
    Access,
    JoinRequest,
    Space,
    SpaceMembership,
    SpaceModule,
    SpaceRole,
    Visibility,
)
from atrium.kernel.models.tokens import ApiToken
from atrium.kernel.models.uploads import UploadSession

__all__ = [
    "Access",
    "ApiToken",
    "AuditEntry",
    "Blob",
    "ContentEntry",
    "EventHorizon",
    "EventRecord",
    "Follow",
    "InstanceModule",
    "Invitation",
    "InvitationSpace",
    "JoinRequest",
    "LinkPreview",
    "MfaPolicy",
    "OrgRole",
    "Organisation",
    "Space",
    "SpaceMembership",
    "SpaceModule",
    "SpaceRole",
    "UploadSession",
    "User",
    "Visibility",
]
