from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from atrium.kernel.models import Access, SpaceRole, Visibility


class SpaceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices,
                                   widget=forms.RadioSelect, initial=Visibility.OPEN)


class AddMemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of a person of the organisation"))
    role = forms.ChoiceField(label=_("Role"), choices=SpaceRole.choices,
                             initial=SpaceRole.MEMBER)


class ModuleAccessForm(forms.Form):
    enabled = forms.BooleanField(required=False)
    member_access = forms.ChoiceField(choices=Access.choices)
    reader_access = forms.ChoiceField(choices=Access.choices)
