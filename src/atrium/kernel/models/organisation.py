from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MfaPolicy(models.TextChoices):
    OPTIONAL = "optional", _("Optional for everyone")
    ADMINS = "admins", _("Required for owners and admins")
    EVERYONE = "everyone", _("Required for everyone")


class Organisation(models.Model):
    """The one organisation an Atrium instance serves (see docs/adr/0001)."""

    name = models.CharField(_("name"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)
    signup_open = models.BooleanField(
        _("anyone may sign up"),
        default=False,
        help_text=_("When off, people join only through an invitation."),
    )
    signup_domains = models.CharField(
        _("sign-up restricted to these e-mail domains"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated, for example: example.org, example.fr. Empty: any domain."),
    )
    mfa_policy = models.CharField(
        _("two-factor authentication"),
        max_length=10,
        choices=MfaPolicy.choices,
        default=MfaPolicy.OPTIONAL,
    )

    class Meta:
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> Organisation | None:
        from atrium.kernel import memo

        # Not remembered while there is none: the setup page creates it mid-request.
        return memo.remember("organisation", lambda: cls.objects.order_by("pk").first(),
                             keep_none=False)

    def allowed_domains(self) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in self.signup_domains.split(",") if d.strip()]


class InstanceModule(models.Model):
    """Whether the organisation has switched a module on; absent rows use the manifest default."""

    module_id = models.CharField(max_length=40, unique=True)
    enabled = models.BooleanField(default=True)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.module_id}: {'on' if self.enabled else 'off'}"
