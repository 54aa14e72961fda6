from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from atrium.kernel.models.people import OrgRole


class Visibility(models.TextChoices):
    OPEN = "open", _("Open: anyone in the organisation can join")
    PRIVATE = "private", _("Private: visible, join on request or invitation")
    SECRET = "secret", _("Secret: invisible to non-members")


class SpaceRole(models.TextChoices):
    ADMIN = "admin", _("Space admin")
    MEMBER = "member", _("Member")
    READER = "reader", _("Reader")


class Access(models.TextChoices):
    """What a role may do with a module in a space (Wimi's matrix)."""

    NONE = "none", _("No access")
    READ = "read", _("Read")
    WRITE = "write", _("Write")


ACCESS_RANK = {Access.NONE: 0, Access.READ: 1, Access.WRITE: 2}


def _is_member(viewer: Any) -> Exists:
    return Exists(SpaceMembership.objects.filter(space=OuterRef("pk"), user=viewer))


class SpaceQuerySet(models.QuerySet["Space"]):
    def restrict(self, viewer: Any, action: str = "see") -> SpaceQuerySet:
        """Spaces on which `viewer` may perform `action`: "see" (listed), "read" or "manage".

        The same rules as `abilities(viewer, space)`; tests check that both agree.
        """
        if not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
            return self.none()
        member = _is_member(viewer)
        personal_of_other = Q(personal_owner__isnull=False) & ~Q(personal_owner=viewer)
        if action == "manage":
            admin_of = Exists(
                SpaceMembership.objects.filter(
                    space=OuterRef("pk"), user=viewer, role=SpaceRole.ADMIN
                )
            )
            if viewer.is_org_admin:
                return self.filter(admin_of | Q(personal_owner__isnull=True))
            return self.filter(admin_of)
        if viewer.role == OrgRole.GUEST:
            return self.filter(member).exclude(personal_of_other)
        if action == "see":
            visible = Q(visibility__in=[Visibility.OPEN, Visibility.PRIVATE])
            if viewer.is_org_admin:
                visible |= Q(visibility=Visibility.SECRET)
            return self.filter(member | (visible & Q(personal_owner__isnull=True)))
        if action == "read":
            return self.filter(
                member | (Q(visibility=Visibility.OPEN) & Q(personal_owner__isnull=True))
            )
        return self.none()


class Space(models.Model):
    """A group of people sharing modules: a team, a project, a community, or one's own space."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("address"), max_length=60, unique=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.OPEN
    )
    personal_owner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="personal_space",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = SpaceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("space")

    def __str__(self) -> str:
        return self.name

    @property
    def visibility_label(self) -> str:
        return str({"open": _("Open"), "private": _("Private"), "secret": _("Secret")}
                   .get(self.visibility, self.visibility))

    @property
    def is_personal(self) -> bool:
        return self.personal_owner_id is not None

    personal_owner_id: int | None


class SpaceMembership(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_memberships"
    )
    role = models.CharField(max_length=10, choices=SpaceRole.choices, default=SpaceRole.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["space", "user"], name="one_membership_per_space")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.space_id} as {self.role}"

    space_id: int
    user_id: int


class JoinRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["space", "user"],
                condition=Q(status="pending"),
                name="one_pending_request_per_space",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.space_id} ({self.status})"

    user_id: int
    space_id: int


class SpaceModule(models.Model):
    """A module's state in one space: on or off, and what members and readers may do with it.

    Space admins always have write access; absent rows use the manifest's defaults.
    """

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="module_settings")
    module_id = models.CharField(max_length=40)
    enabled = models.BooleanField(default=True)
    member_access = models.CharField(max_length=5, choices=Access.choices, default=Access.WRITE)
    reader_access = models.CharField(max_length=5, choices=Access.choices, default=Access.READ)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["space", "module_id"], name="one_setting_per_module")
        ]

    def __str__(self) -> str:
        return f"{self.module_id} in {self.space_id}: {'on' if self.enabled else 'off'}"

    space_id: int
