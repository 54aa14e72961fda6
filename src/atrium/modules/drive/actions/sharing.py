"""Share links and quotas.

A share link lets anyone holding its token read one file or folder (with what is inside),
until it expires or is revoked, optionally behind a password. Only the token's SHA-256 is
stored; the token is shown once, to its creator. Every attempt to open a link is audited,
refused ones included (they are written outside the caller's transaction, so a refusal
cannot roll its record back).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from atrium.kernel import audit, events
from atrium.kernel import modules as module_state
from atrium.kernel.abilities import abilities
from atrium.kernel.errors import ActionError, Forbidden, NotFound
from atrium.kernel.models import Space, User
from atrium.kernel.models.audit import AuditEntry
from atrium.modules.drive.abilities import MODULE, drive_abilities
from atrium.modules.drive.actions.common import record, require, require_user
from atrium.modules.drive.events import QuotaChanged, ShareLinkChanged
from atrium.modules.drive.models import DriveQuota, Node, ShareLink

MAX_PASSWORD = 200


class SharePasswordError(Forbidden):
    """The link needs a password ("password_required") or was given a wrong one
    ("wrong_password"); HTTP 401 so a client asks for it."""

    status = 401


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _emit_link(link: ShareLink, change: str) -> None:
    space_id = link.node.space_id
    events.emit(ShareLinkChanged(space_id=space_id, node_id=link.node_id, link_id=link.pk,
                                 change=change),  # type: ignore[arg-type]
                "space", space_id)


@transaction.atomic
def do_create_share_link(actor: Any, node: Node, *, password: str | None = None,
                         expires_at: datetime | None = None) -> tuple[ShareLink, str]:
    """A new link to `node` and its token (shown once: only its hash is kept)."""
    user = require_user(actor)
    require(user, node, "share", _("You may not share this item."))
    if node.parent_id is None:
        raise ActionError(_("A whole drive cannot be shared by link; share a folder."),
                          code="root")
    if expires_at is not None and expires_at <= timezone.now():
        raise ActionError(_("The expiry date must be in the future."), field="expires_at")
    if password is not None and len(password) > MAX_PASSWORD:
        raise ActionError(_("The password is too long."), field="password")
    token = secrets.token_urlsafe(32)
    link = ShareLink.objects.create(node=node, token_hash=token_hash(token),
                                    password_hash=make_password(password) if password else "",
                                    expires_at=expires_at, created_by=user)
    record("drive.share_link_created", user, node, link_id=link.pk,
           password=bool(password), expires_at=expires_at.isoformat() if expires_at else None)
    _emit_link(link, "created")
    return link, token


@transaction.atomic
def do_revoke_share_link(actor: Any, link: ShareLink) -> ShareLink:
    user = require_user(actor)
    can = abilities(user, link)
    if not can["revoke"]:
        if not can["view"]:
            raise NotFound("share link")
        raise Forbidden(_("You may not revoke this link."))
    link.revoked_at, link.revoked_by = timezone.now(), user
    link.save(update_fields=["revoked_at", "revoked_by"])
    record("drive.share_link_revoked", user, link.node, link_id=link.pk)
    _emit_link(link, "revoked")
    return link


def _audit_access(link: ShareLink | None, outcome: str, ip: str | None) -> None:
    node = link.node if link is not None else None
    AuditEntry.objects.create(
        action="drive.share_link_opened" if outcome == "ok" else "drive.share_link_refused",
        target_type="node" if node else "", target_id=str(node.pk) if node else "",
        target_label=(node.name[:254] if node else ""), ip=ip or None,
        data={"link_id": link.pk if link else None, "outcome": outcome,
              "space_id": node.space_id if node else None})


def open_share_link(token: str, password: str | None, *, ip: str | None) -> ShareLink:
    """The link of `token` if it may be used now (with its node and space loaded).

    Unknown, revoked and expired links, links whose item is in the trash or whose space no
    longer has the drive, all answer NotFound; a missing or wrong password answers
    SharePasswordError. Every attempt is audited."""
    link = (ShareLink.objects.select_related("node__space")
            .filter(token_hash=token_hash(token or "")).first()) if token else None
    outcome = "ok"
    if link is None:
        outcome = "unknown"
    elif link.revoked_at is not None:
        outcome = "revoked"
    elif link.expires_at is not None and link.expires_at <= timezone.now():
        outcome = "expired"
    elif (link.node.trashed_at is not None or link.node.space.archived_at is not None
          or not module_state.enabled_in_space(link.node.space, MODULE)):
        outcome = "unavailable"
    elif link.password_hash and not password:
        outcome = "password_required"
    elif link.password_hash and not check_password(password or "", link.password_hash):
        outcome = "wrong_password"
    with transaction.atomic():
        _audit_access(link, outcome, ip)
        if outcome == "ok" and link is not None:
            ShareLink.objects.filter(pk=link.pk).update(access_count=F("access_count") + 1,
                                                        last_access_at=timezone.now())
    if outcome == "password_required":
        raise SharePasswordError(_("This link is protected by a password."),
                                 code="password_required", field="password")
    if outcome == "wrong_password":
        raise SharePasswordError(_("The password is not right."), code="wrong_password",
                                 field="password")
    if outcome != "ok" or link is None:
        raise NotFound("share link")
    return link


@transaction.atomic
def do_set_quota(actor: Any, space_or_user: Space | User, quota: int | None) -> DriveQuota:
    """Set the bytes a space's drive may hold, or a person's (their personal drive); None
    for unlimited. The organisation's admins only: a space's admins cannot raise theirs.
    A quota below the current usage is allowed: nothing is deleted, uploads are refused."""
    user = require_user(actor)
    if isinstance(space_or_user, User):
        space = Space.objects.filter(personal_owner=space_or_user).first()
        if space is None:
            raise NotFound("drive")
    else:
        space = space_or_user
    if not drive_abilities(user, space)["set_quota"]:
        raise Forbidden(_("Only the organisation's administrators may set quotas."))
    if quota is not None and (not isinstance(quota, int) or quota < 0):
        raise ActionError(_("A quota is a number of bytes, zero or more."), field="quota")
    row, _created = DriveQuota.objects.update_or_create(
        space=space, defaults={"quota_bytes": quota, "updated_by": user})
    audit.record("drive.quota_set", actor=user, target=space, quota_bytes=quota)
    events.emit(QuotaChanged(space_id=space.pk, quota_bytes=quota), "space", space.pk)
    return row
