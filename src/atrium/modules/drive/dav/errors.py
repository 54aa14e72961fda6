"""The drive's errors as WebDAV answers: the same refusals as the web and the API, with the
translated message in the body (never an internal exception's text)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.http import Http404
from wsgidav.dav_error import (
    HTTP_BAD_REQUEST,
    HTTP_CONFLICT,
    HTTP_FORBIDDEN,
    HTTP_INTERNAL_ERROR,
    HTTP_NOT_FOUND,
    DAVError,
)

from atrium.kernel.errors import ActionError
from atrium.modules.drive.actions import QuotaExceeded

logger = logging.getLogger("atrium.dav")

HTTP_PAYLOAD_TOO_LARGE = 413
HTTP_INSUFFICIENT_STORAGE = 507

F = TypeVar("F", bound=Callable[..., Any])


def as_dav_error(error: BaseException) -> DAVError:
    """The WebDAV answer for an error raised by a drive action or query."""
    if isinstance(error, DAVError):
        return error
    if isinstance(error, QuotaExceeded):
        return DAVError(HTTP_INSUFFICIENT_STORAGE, error.message)
    if isinstance(error, Http404):
        return DAVError(HTTP_NOT_FOUND)
    if isinstance(error, ActionError):
        status = {403: HTTP_FORBIDDEN, 409: HTTP_CONFLICT,
                  413: HTTP_PAYLOAD_TOO_LARGE}.get(error.status, HTTP_BAD_REQUEST)
        return DAVError(status, error.message)
    logger.exception("WebDAV request failed", exc_info=error)
    return DAVError(HTTP_INTERNAL_ERROR)


def dav_errors(function: F) -> F:
    """Run `function`, answering drive errors as WebDAV statuses."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except DAVError:
            raise
        except Exception as error:
            raise as_dav_error(error) from None

    return wrapper  # type: ignore[return-value]
