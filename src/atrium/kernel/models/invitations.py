from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atrium.kernel.models.people import OrgRole
from atrium.kernel.models.spaces import Space, SpaceRole


class Invitation(models.Model):
    """An e-mail invitation to join the organisation as a member or guest.

    Only a hash of the token is stored: the link in the e-mail is the sole copy.
    """

    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=[(OrgRole.MEMBER, OrgRole.MEMBER.label), (OrgRole.GUEST, OrgRole.GUEST.label),
                 (OrgRole.ADMIN, OrgRole.ADMIN.label)],
        default=OrgRole.MEMBER,
    )
    message = models.TextField(_("personal message"), max_length=1000, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class InvitationSpace(models.Model):
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="spaces")
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=10, choices=SpaceRole.choices, default=SpaceRole.MEMBER)

    def __str__(self) -> str:
        return f"{self.space_id} as {self.role}"

    space_id: int
