"""Request types for views, so type checkers know what middleware and decorators guarantee."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from atrium.kernel.models import User


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails


class AuthedRequest(HtmxRequest):
    """The request of a view behind `login_required`: its user is a signed-in person."""

    user: User
