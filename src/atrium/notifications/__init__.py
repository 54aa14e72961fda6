"""Notifications: in-app centre, e-mail (immediate and digests), web push.

Other code calls ``notify(...)``; the real implementation is imported lazily so that
importing this package never loads models before the app registry is ready.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from atrium.notifications.models import Notification


def notify(recipients: Any, **kwargs: Any) -> list[Notification]:
    """Record notifications for ``recipients`` (see ``atrium.notifications.dispatch``)."""
    from atrium.notifications.dispatch import notify as _notify

    return _notify(recipients, **kwargs)


__all__ = ["notify"]
