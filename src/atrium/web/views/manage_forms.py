"""Forms of the admin area. They only parse input; the rules live in the kernel's actions."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from atrium.kernel.models import MfaPolicy, OrgRole, Space, SpaceRole

INVITE_ROLES = [(OrgRole.MEMBER, _("Member")), (OrgRole.ADMIN, _("Admin")),
                (OrgRole.GUEST, _("Guest (external person)"))]


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name, e-mail or team"), max_length=100,
                        required=False)
    role = forms.ChoiceField(label=_("Role"), required=False,
                             choices=[("", _("All roles")), *OrgRole.choices])
    state = forms.ChoiceField(label=_("Account"), required=False, choices=[
        ("", _("Active and deactivated")), ("active", _("Active")),
        ("deactivated", _("Deactivated"))])


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role in the organisation"), choices=INVITE_ROLES, initial=OrgRole.MEMBER,
        help_text=_("A guest sees only the spaces chosen below and cannot browse the "
                    "directory; an admin manages people, modules and security."))
    spaces = forms.MultipleChoiceField(label=_("Spaces"), required=False,
                                       widget=forms.CheckboxSelectMultiple)
    message = forms.CharField(label=_("Personal message (optional)"), max_length=1000,
                              required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, spaces: list[Space], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.space_list = spaces
        cast(forms.ChoiceField, self.fields["spaces"]).choices = [
            (str(s.pk), s.name) for s in spaces]

    def space_role(self, space: Space) -> str:
        value = self.data.get(f"space_role_{space.pk}", SpaceRole.MEMBER) if self.is_bound \
            else SpaceRole.MEMBER
        return value if value in SpaceRole.values else SpaceRole.MEMBER

    def rows(self) -> list[dict[str, Any]]:
        """One row per space for the template: the space, whether it is ticked, its role."""
        chosen = set(cast(QueryDict, self.data).getlist("spaces")) if self.is_bound else set()
        return [{"space": s, "checked": str(s.pk) in chosen, "role": self.space_role(s)}
                for s in self.space_list]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        by_id = {str(s.pk): s for s in self.space_list}
        chosen = [by_id[pk] for pk in data.get("spaces", []) if pk in by_id]
        for space in chosen:
            value = self.data.get(f"space_role_{space.pk}", SpaceRole.MEMBER)
            if value not in SpaceRole.values:
                self.add_error("spaces", _("Choose a role in %(space)s.") % {"space": space})
            elif value == SpaceRole.ADMIN and data.get("role") == OrgRole.GUEST:
                self.add_error("spaces", _("A guest cannot administer a space (%(space)s).")
                               % {"space": space})
        data["space_roles"] = [(s, self.space_role(s)) for s in chosen]
        return data


class SecurityForm(forms.Form):
    name = forms.CharField(
        label=_("Organisation name"), max_length=120,
        help_text=_("Shown in the top bar, in page titles and in invitation e-mails."),
        widget=forms.TextInput(attrs={"aria-describedby": "id_name_help"}))
    signup_open = forms.BooleanField(
        label=_("Anyone may create an account"), required=False,
        help_text=_("When off, people join only through an invitation sent from this area. "
                    "When on, anyone who can reach this server may sign up as a member, "
                    "limited to the domains below if you list some."),
        widget=forms.CheckboxInput(attrs={"aria-describedby": "id_signup_open_help"}))
    signup_domains = forms.CharField(
        label=_("Sign-up limited to these e-mail domains"), max_length=500, required=False,
        help_text=_("Separated by commas, for example: example.org, example.fr. Empty: any "
                    "domain. Invitations are not limited by this list."),
        widget=forms.TextInput(attrs={"aria-describedby": "id_signup_domains_help"}))
    mfa_policy = forms.ChoiceField(
        label=_("Two-factor authentication"), choices=MfaPolicy.choices,
        widget=forms.RadioSelect,
        help_text=_("When required, people without an authenticator app or a security key "
                    "are sent to set one up before they can use anything else, including "
                    "you if you have none yet."))


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Actor's e-mail contains"), max_length=254, required=False)
    target = forms.CharField(label=_("Target contains"), max_length=254, required=False)
    date_from = forms.DateField(label=_("From (date)"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("To (date, included)"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["action"]).choices = [
            ("", _("All actions")), *((a, a) for a in actions)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date comes before the start date."))
        return data
