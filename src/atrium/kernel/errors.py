"""Errors raised by actions and fetch-and-check helpers, turned into clear answers by views,
the API and the CLI alike."""

from __future__ import annotations

from django.http import Http404
from django.utils.functional import Promise


class ActionError(Exception):
    """Input or state that makes an action impossible; nothing has been changed.

    `code` is stable for clients; `message` is translated for people; `field` names the
    offending input when there is one.
    """

    status = 400

    def __init__(self, message: str | Promise, code: str = "invalid", field: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
        self.field = field


class Conflict(ActionError):
    status = 409


class Forbidden(ActionError):
    """The person may see the object but not do this to it."""

    status = 403

    def __init__(self, message: str | Promise, code: str = "forbidden", field: str | None = None):
        super().__init__(message, code, field)


class NotFound(Http404):
    """Missing and not-allowed look the same, so ids that exist are not revealed."""
