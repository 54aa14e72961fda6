"""My status line, do-not-disturb and quiet hours, on one page."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from atrium.kernel.actions.status import (
    MAX_EMOJI,
    MAX_TEXT,
    do_set_do_not_disturb,
    do_set_quiet_hours,
    do_set_status,
)
from atrium.kernel.errors import ActionError
from atrium.kernel.models import User
from atrium.kernel.status import status_out, time_zone_names
from atrium.web.types import AuthedRequest

CLEAR_AFTER = [("", gettext_lazy("Don't clear")), ("30m", gettext_lazy("In 30 minutes")),
               ("1h", gettext_lazy("In an hour")), ("4h", gettext_lazy("In 4 hours")),
               ("today", gettext_lazy("At the end of the day")),
               ("week", gettext_lazy("In a week"))]
PAUSE = [("30m", gettext_lazy("30 minutes")), ("1h", gettext_lazy("1 hour")),
         ("2h", gettext_lazy("2 hours")), ("today", gettext_lazy("Until tomorrow morning")),
         ("week", gettext_lazy("A week"))]


def moment(choice: str, now: datetime) -> datetime | None:
    """The moment a choice such as "1h" or "today" means, from `now` (local time)."""
    spans = {"30m": timedelta(minutes=30), "1h": timedelta(hours=1), "2h": timedelta(hours=2),
             "4h": timedelta(hours=4), "week": timedelta(days=7)}
    if choice in spans:
        return now + spans[choice]
    if choice == "today":
        local = timezone.localtime(now)
        tomorrow = (local + timedelta(days=1)).replace(hour=8, minute=0, second=0,
                                                        microsecond=0)
        return tomorrow
    return None


class StatusForm(forms.Form):
    emoji = forms.CharField(label=gettext_lazy("Emoji"), max_length=MAX_EMOJI, required=False)
    text = forms.CharField(label=gettext_lazy("Status"), max_length=MAX_TEXT, required=False,
                           help_text=gettext_lazy("For example: In a meeting, On leave"))
    clear_after = forms.ChoiceField(label=gettext_lazy("Clear it"), choices=CLEAR_AFTER,
                                    required=False)


class QuietHoursForm(forms.Form):
    quiet_hours_start = forms.TimeField(label=gettext_lazy("Quiet hours from"), required=False,
                                        widget=forms.TimeInput(attrs={"type": "time"}))
    quiet_hours_end = forms.TimeField(label=gettext_lazy("Quiet hours until"), required=False,
                                      widget=forms.TimeInput(attrs={"type": "time"}))
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        zones = sorted(time_zone_names())
        field = self.fields["time_zone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("The organisation's time zone"))] + [(name, name) for name in zones]


def _apply(request: AuthedRequest, user: User) -> str | None:
    """Run the action the posted form asks for; returns a success message or None."""
    which = request.POST.get("form")
    now = timezone.now()
    if which == "status":
        form = StatusForm(request.POST)
        if not form.is_valid():
            raise ActionError(_("Check the status fields."))
        data = form.cleaned_data
        do_set_status(user, emoji=data["emoji"], text=data["text"],
                      expires_at=moment(data["clear_after"], now))
        return _("Status saved.")
    if which == "clear":
        do_set_status(user)
        return _("Status cleared.")
    if which == "pause":
        until = moment(request.POST.get("pause", ""), now)
        if until is None:
            raise ActionError(_("Choose how long to pause notifications."))
        do_set_do_not_disturb(user, until)
        return _("Notifications paused.")
    if which == "resume":
        do_set_do_not_disturb(user, None)
        return _("Notifications resumed.")
    if which == "quiet":
        quiet = QuietHoursForm(request.POST)
        if not quiet.is_valid():
            raise ActionError(_("Check the quiet hours: times such as 22:00."))
        data = quiet.cleaned_data
        do_set_quiet_hours(user, start=data["quiet_hours_start"], end=data["quiet_hours_end"],
                           time_zone=data["time_zone"])
        return _("Quiet hours saved.")
    raise ActionError(_("Unknown form."))


@login_required
def edit_status(request: AuthedRequest) -> HttpResponse:
    user = User.objects.get(pk=request.user.pk)
    if request.method == "POST":
        try:
            done = _apply(request, user)
        except ActionError as error:
            messages.error(request, error.message)
        else:
            if done:
                messages.success(request, done)
        return redirect("profile_status")
    now = timezone.now()
    context = {
        "status": status_out(user, now),
        "status_form": StatusForm(initial={"emoji": user.status_emoji, "text": user.status_text}),
        "quiet_form": QuietHoursForm(initial={"quiet_hours_start": user.quiet_hours_start,
                                              "quiet_hours_end": user.quiet_hours_end,
                                              "time_zone": user.time_zone}),
        "pause_choices": PAUSE,
    }
    return TemplateResponse(request, "web/status.html", context)
