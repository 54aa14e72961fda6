"""Web push delivery: each notification, to each of its recipient's browsers, at most once.

`deliver(ids)` runs in the task worker (`tasks.deliver_push`). A message is a small JSON
document `{title, body, url, tag, id}` encrypted for the browser (RFC 8291, aes128gcm) and
signed with the instance's VAPID key (RFC 8292) by pywebpush; the browser vendor's push
service relays it without being able to read it.

The endpoint comes from the browser, so the connection is guarded: the address actually
connected to must be public (loopback only with ATRIUM_PUSH_ALLOW_INSECURE_ENDPOINTS, for
tests), redirects are not followed and proxies from the environment are not used. The egress
gate (`atrium.kernel.egress`) is not used: it fetches pages with GET, and push services are
the browser vendors' public hosts, whose answer (201, 404, 410...) matters here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

import requests
from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from pywebpush import WebPushException, webpush
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from atrium.notifications import vapid
from atrium.notifications.kinds import get_kind
from atrium.notifications.models import Notification, PushSubscription
from atrium.notifications.push_subscriptions import address_allowed

log = logging.getLogger("atrium.push")

TTL = 24 * 3600        # seconds the push service keeps a message for an offline device
MAX_FAILURES = 5       # errors in a row before a subscription is forgotten
TIMEOUT = (5.0, 10.0)  # connect, read
GONE = {404, 410}      # the push service says the subscription no longer exists


class EndpointRefused(Exception):
    """The endpoint's host resolved to an address the server may not send to."""


class _Guarded:
    """Checks the peer's address once connected, before a byte of the request is sent."""

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        peer = self.sock.getpeername()[0]  # type: ignore[attr-defined]
        if not address_allowed(peer):
            self.close()  # type: ignore[attr-defined]
            raise EndpointRefused(f"push endpoint resolves to a refused address {peer}")


class _GuardedHTTP(_Guarded, HTTPConnection):
    pass


class _GuardedHTTPS(_Guarded, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTP


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPS


class _GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool,
                                                   "https": _GuardedHTTPSPool}


class _Session(requests.Session):
    """No redirects, no proxies or .netrc from the environment, guarded connections."""

    def __init__(self) -> None:
        super().__init__()
        self.trust_env = False
        adapter = _GuardedAdapter(max_retries=0)
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    def request(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["allow_redirects"] = False
        return super().request(*args, **kwargs)


def absolute_url(path: str) -> str:
    """The notification's page on this site (same origin), the home page otherwise."""
    site = settings.SITE_URL.rstrip("/")
    if path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return site + path
    return site + "/"


def payload(notification: Notification) -> dict[str, Any]:
    return {"title": notification.title, "body": notification.excerpt,
            "url": absolute_url(notification.url), "tag": notification.key,
            "id": notification.pk}


def _may_push(notifications: list[Notification]) -> list[Notification]:
    """Those whose recipient is active, not in do-not-disturb or quiet hours, may still read
    the space (a secret space's text never reaches someone removed from it) and wants
    pushes for this kind there."""
    from atrium.kernel.status import do_not_disturb
    from atrium.notifications.preferences import resolve_rows
    from atrium.notifications.queries import readable

    now = timezone.now()
    choices = resolve_rows((n.recipient_id, n.kind, n.space_id) for n in notifications)
    by_user: dict[int, list[Notification]] = {}
    for n in notifications:
        if choices[(n.recipient_id, n.kind, n.space_id)].push:
            by_user.setdefault(n.recipient_id, []).append(n)
    kept: list[Notification] = []
    for mine in by_user.values():
        user = mine[0].recipient
        if user.is_active and not user.is_bot and not do_not_disturb(user, now):
            kept.extend(readable(user, mine))
    return kept


def _claim(notification_id: int) -> bool:
    """Marks the notification pushed; False when another run already did (never twice)."""
    return bool(Notification.objects.filter(pk=notification_id, pushed_at__isnull=True)
                .update(pushed_at=timezone.now()))


def deliver(notification_ids: Iterable[int]) -> int:
    """Push each notification to its recipient's browsers; returns the messages accepted."""
    ids = sorted(set(notification_ids))
    if not ids:
        return 0
    notifications = list(Notification.objects.filter(pk__in=ids, pushed_at__isnull=True)
                         .select_related("recipient", "space"))
    subscriptions: dict[int, list[PushSubscription]] = {}
    for sub in PushSubscription.objects.filter(
            user_id__in={n.recipient_id for n in notifications}).order_by("id"):
        subscriptions.setdefault(sub.user_id, []).append(sub)
    notifications = [n for n in notifications if n.recipient_id in subscriptions]
    sent = 0
    session = _Session()
    try:
        for n in _may_push(notifications):
            if not _claim(n.pk):
                continue
            kind = get_kind(n.kind)
            urgency = "high" if kind is not None and kind.urgent else "normal"
            for sub in subscriptions[n.recipient_id]:
                sent += send(sub, payload(n), urgency=urgency, session=session)
    finally:
        session.close()
    return sent


def send_test(user: Any) -> int:
    """A test message to each of `user`'s browsers (the profile page's button)."""
    message = {"title": _("Atrium: test notification"),
               "body": _("Notifications reach this device."),
               "url": absolute_url("/profile/push/"), "tag": "atrium-test", "id": 0}
    session = _Session()
    try:
        return sum(send(sub, message, urgency="normal", session=session)
                   for sub in PushSubscription.objects.filter(user=user).order_by("id"))
    finally:
        session.close()


def send(sub: PushSubscription, message: dict[str, Any], *, urgency: str,
         session: requests.Session) -> int:
    """One encrypted, signed POST; 1 when the push service accepted it.

    404/410 forget the subscription; another error counts a failure (forgotten after
    MAX_FAILURES in a row); a success resets the count.
    """
    data = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
    try:
        webpush(
            subscription_info={"endpoint": sub.endpoint,
                               "keys": {"p256dh": sub.p256dh, "auth": sub.auth}},
            data=data, vapid_private_key=vapid.signer(),
            vapid_claims={"sub": vapid.subject()}, content_encoding="aes128gcm",
            ttl=TTL, timeout=TIMEOUT, headers={"Urgency": urgency},
            requests_session=session,
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in GONE:
            PushSubscription.objects.filter(pk=sub.pk).delete()
            return 0
        log.info("push to subscription %s failed: %s", sub.pk, status or error)
        _failed(sub)
        return 0
    except (requests.RequestException, EndpointRefused, OSError, ValueError) as error:
        log.info("push to subscription %s failed: %s", sub.pk, type(error).__name__)
        _failed(sub)
        return 0
    PushSubscription.objects.filter(pk=sub.pk).update(last_used_at=timezone.now(), failures=0)
    return 1


def _failed(sub: PushSubscription) -> None:
    PushSubscription.objects.filter(pk=sub.pk).update(failures=F("failures") + 1)
    PushSubscription.objects.filter(pk=sub.pk, failures__gte=MAX_FAILURES).delete()
