from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    pass


class OrgRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    MEMBER = "member", _("Member")
    GUEST = "guest", _("Guest")


SEARCH_FIELDS = ("full_name", "email", "job_title", "team", "languages", "skills")


class UserQuerySet(models.QuerySet["User"]):
    def search(self, text: str) -> UserQuerySet:
        """People matching every word (at most five) in their name, e-mail, job, team or
        languages: the one search of the directory, the admin area and the API."""
        query = Q()
        for word in (text or "").replace("\x00", "").split()[:5]:
            any_field = Q()
            for field in SEARCH_FIELDS:
                any_field |= Q(**{f"{field}__icontains": word})
            query &= any_field
        return self.filter(query)

    def restrict(self, viewer: Any, action: str = "view") -> UserQuerySet:
        """People `viewer` may see: everyone for members, co-members of their spaces for guests."""
        if not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
            return self.none()
        if action != "view":
            return self if viewer.is_org_admin else self.none()
        if viewer.role != OrgRole.GUEST:
            return self
        shared = Q(space_memberships__space__memberships__user=viewer) & Q(
            space_memberships__space__personal_owner__isnull=True
        )
        return self.filter(shared | Q(pk=viewer.pk)).distinct()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(self.model, using=self._db)

    def restrict(self, viewer: Any, action: str = "view") -> UserQuerySet:
        return self.get_queryset().restrict(viewer, action)

    def search(self, text: str) -> UserQuerySet:
        return self.get_queryset().search(text)

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("role", OrgRole.OWNER)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser):
    """A person: a member or guest of the organisation, with their profile."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(
        _("role"), max_length=10, choices=OrgRole.choices, default=OrgRole.MEMBER, db_index=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(auto_now_add=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    team = models.CharField(_("team"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    location = models.CharField(_("location"), max_length=120, blank=True)
    languages = models.CharField(
        _("languages spoken"), max_length=200, blank=True,
        help_text=_("For example: French, English"),
    )
    bio = models.TextField(_("about"), max_length=2000, blank=True)
    skills = models.CharField(
        _("skills"), max_length=300, blank=True,
        help_text=_("Comma-separated, for example: triage, Python, budgeting"),
    )
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports",
        verbose_name=_("manager"),
    )
    photo = models.ForeignKey(
        "kernel.Blob", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(
        _("interface language"),
        max_length=8,
        blank=True,
        choices=[("", _("Browser's language")), ("en", "English"), ("fr", "Français")],
    )

    # Bots post through API tokens and webhooks; they never sign in with a password.
    is_bot = models.BooleanField(_("bot"), default=False)
    # What colleagues see next to the name; `status_expires_at` clears it by itself.
    status_emoji = models.CharField(_("status emoji"), max_length=16, blank=True)
    status_text = models.CharField(_("status"), max_length=100, blank=True)
    status_expires_at = models.DateTimeField(null=True, blank=True)
    # Do not disturb: until a moment chosen by hand, and every day between quiet hours
    # (read in the person's time zone).
    dnd_until = models.DateTimeField(null=True, blank=True)
    quiet_hours_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_hours_end = models.TimeField(_("quiet hours until"), null=True, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name or self.email

    photo_id: int | None
    manager_id: int | None

    @property
    def display_name(self) -> str:
        return self.full_name or self.email.split("@")[0]

    @property
    def initials(self) -> str:
        parts = [p for p in self.display_name.replace("-", " ").split() if p]
        return "".join(p[0] for p in parts[:2]).upper() or "?"

    @property
    def is_guest(self) -> bool:
        return self.role == OrgRole.GUEST

    @property
    def is_org_admin(self) -> bool:
        return self.is_active and self.role in (OrgRole.OWNER, OrgRole.ADMIN)

    @property
    def is_owner(self) -> bool:
        return self.is_active and self.role == OrgRole.OWNER
