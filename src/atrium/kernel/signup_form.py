"""The extra field of the open sign-up form (allauth adds e-mail and password).

Kept apart from `accounts.py` because allauth imports it while building its own forms.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class SignupForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)

    def signup(self, request: Any, user: Any) -> None:
        """allauth calls this after saving; `AccountAdapter.save_user` already did the work."""
