from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from atrium.kernel.models import Space


class EmailState(models.TextChoices):
    NONE = "", _("none")
    PENDING = "pending", _("immediate e-mail queued")
    SENT = "sent", _("sent")
    DIGEST = "digest", _("waiting for the digest")
    SKIPPED = "skipped", _("skipped")


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("immediately")
    DAILY = "daily", _("daily digest")
    WEEKLY = "weekly", _("weekly digest")
    NEVER = "never", _("never")


class Notification(models.Model):
    """One thing that happened, for one person (unique per (recipient, key))."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications")
    kind = models.CharField(_("kind"), max_length=40)
    module_id = models.CharField(max_length=31, default="kernel")
    space = models.ForeignKey(Space, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    excerpt = models.CharField(_("excerpt"), max_length=300, blank=True)
    url = models.CharField(max_length=500, blank=True)
    key = models.CharField(max_length=160)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(max_length=10, choices=EmailState.choices, blank=True,
                                   default=EmailState.NONE)
    pushed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notif_recipient_recent"),
            models.Index(fields=["recipient", "read_at"], name="notif_recipient_read"),
            models.Index(fields=["email_state", "created_at"], name="notif_email_state"),
        ]

    def __str__(self) -> str:
        return self.title

    recipient_id: int
    space_id: int | None
    actor_id: int | None


class Preference(models.Model):
    """A person's choice for a kind ("" = every kind) in a space (null = everywhere)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    space = models.ForeignKey(Space, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+")
    in_app = models.BooleanField(_("in the notification centre"), default=True)
    email = models.CharField(_("e-mail"), max_length=10, choices=EmailMode.choices,
                             default=EmailMode.DAILY)
    push = models.BooleanField(_("push"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "space"],
                                    name="notification_pref_unique"),
            # NULL space is not unique in SQL: a second constraint for "everywhere".
            models.UniqueConstraint(fields=["user", "kind"], condition=models.Q(space=None),
                                    name="notification_pref_unique_everywhere"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.kind or '*'}:{self.space_id or '*'}"

    user_id: int
    space_id: int | None


class PushSubscription(models.Model):
    """A browser's web push endpoint for a person (owned by the push helper)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.endpoint[:60]

    user_id: int


class DigestRun(models.Model):
    """When a person's daily and weekly digests were last sent."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_digest", primary_key=True)
    daily_sent_at = models.DateTimeField(null=True, blank=True)
    weekly_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"digest:{self.user_id}"

    user_id: int
