"""A person's web push subscriptions (one per browser): checked input, then one write path.

The endpoint is an address the browser hands us and the server will later POST to, so it is
checked like any user-supplied URL: `https://` on a public host name or address. The check
here refuses what the text alone shows (scheme, credentials, literal private addresses,
`localhost`); `push.py` checks the address it actually connected to, since a host name can
resolve anywhere (docs/configuration.md, "Web push", says why).
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.functions import Coalesce
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _

from atrium.kernel.egress import is_public_address
from atrium.kernel.errors import ActionError, NotFound
from atrium.notifications.models import PushSubscription
from atrium.notifications.vapid import allow_insecure_endpoints, b64url_decode

MAX_ENDPOINT = 1000
SESSION_KEY = "atrium_push_subscriptions"
MAX_DEVICES = 20  # per person; subscribing a 21st device forgets the one unused the longest
LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def address_allowed(address: str) -> bool:
    """Whether the server may send a push to this IP address: the egress gate's rule (IPv4
    hidden in mapped, NAT64, 6to4 or compatible IPv6 forms is judged as IPv4), loopback only
    where tests allow insecure endpoints."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return allow_insecure_endpoints()
    return is_public_address(str(ip))


def check_endpoint(endpoint: str) -> str:
    """The endpoint if the server may POST to it, else ActionError on the field `endpoint`."""
    def refuse(message: str) -> ActionError:
        return ActionError(message, code="invalid_endpoint", field="endpoint")

    endpoint = endpoint.strip()
    if not endpoint or len(endpoint) > MAX_ENDPOINT:
        raise refuse(_("The push endpoint must be an address of at most %(max)d characters.")
                     % {"max": MAX_ENDPOINT})
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError:
        raise refuse(_("The push endpoint is not a valid address.")) from None
    insecure = allow_insecure_endpoints()
    if parts.scheme != "https" and not (insecure and parts.scheme == "http"):
        raise refuse(_("The push endpoint must be an https:// address."))
    if not host or parts.username is not None or parts.password is not None:
        raise refuse(_("The push endpoint is not a valid address."))
    if any(ch.isspace() for ch in endpoint):
        raise refuse(_("The push endpoint is not a valid address."))
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None and not address_allowed(str(literal)):
        raise refuse(_("The push endpoint may not be a private or local address."))
    if literal is None and (host in LOOPBACK_NAMES or host.endswith(".localhost")
                            or "." not in host) and not insecure:
        raise refuse(_("The push endpoint may not be a private or local address."))
    if parts.scheme == "http" and not ((literal is not None and literal.is_loopback)
                                       or host in LOOPBACK_NAMES):
        raise refuse(_("The push endpoint must be an https:// address."))
    return endpoint


def check_keys(p256dh: str, auth: str) -> tuple[str, str]:
    """The browser's public key (P-256 point) and auth secret (16 bytes), base64url."""
    p256dh, auth = p256dh.strip(), auth.strip()
    try:
        point = b64url_decode(p256dh)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
        if len(point) != 65:
            raise ValueError
    except (ValueError, TypeError):
        raise ActionError(_("The subscription's public key (p256dh) is not a P-256 key in "
                            "base64url."), code="invalid_key", field="keys.p256dh") from None
    try:
        if len(b64url_decode(auth)) != 16:
            raise ValueError
    except (ValueError, TypeError):
        raise ActionError(_("The subscription's auth secret must be 16 bytes in base64url."),
                          code="invalid_key", field="keys.auth") from None
    return p256dh, auth


def do_subscribe(user: Any, *, endpoint: str, p256dh: str, auth: str,
                 user_agent: str = "") -> tuple[PushSubscription, bool]:
    """Record (or refresh) this browser's subscription for `user`; True when it is new.

    A browser has one endpoint; when another person signs in on it and subscribes, the
    endpoint moves to them, so the previous person's notifications stop reaching a device
    someone else now uses.
    """
    endpoint = check_endpoint(endpoint)
    p256dh, auth = check_keys(p256dh, auth)
    with transaction.atomic():
        sub, created = PushSubscription.objects.select_for_update().get_or_create(
            endpoint=endpoint,
            defaults={"user": user, "p256dh": p256dh, "auth": auth,
                      "user_agent": user_agent[:300]})
        if not created:
            sub.user = user
            sub.p256dh, sub.auth, sub.user_agent = p256dh, auth, user_agent[:300]
            sub.failures = 0
            sub.save(update_fields=["user", "p256dh", "auth", "user_agent", "failures"])
        extra = list(PushSubscription.objects.filter(user=user).exclude(pk=sub.pk)
                     .order_by(Coalesce("last_used_at", "created_at").desc(), "-id")
                     .values_list("pk", flat=True)[MAX_DEVICES - 1:])
        if extra:
            PushSubscription.objects.filter(pk__in=extra).delete()
    return sub, created


def do_renew(*, old_endpoint: str, old_auth: str, endpoint: str, p256dh: str,
             auth: str) -> PushSubscription:
    """The browser replaced its subscription (`pushsubscriptionchange` in the service
    worker): move the person's subscription to the new endpoint and keys.

    The service worker has no session and no CSRF token; knowing the old endpoint and its
    auth secret, which only that browser and this server hold, is the proof. Anything else
    answers NotFound.
    """
    endpoint = check_endpoint(endpoint)
    p256dh, auth = check_keys(p256dh, auth)
    with transaction.atomic():
        sub = PushSubscription.objects.select_for_update().filter(endpoint=old_endpoint).first()
        if sub is None or not hmac.compare_digest(sub.auth.encode(), old_auth.encode()):
            raise NotFound
        if endpoint != sub.endpoint:
            PushSubscription.objects.filter(endpoint=endpoint).delete()
        sub.endpoint, sub.p256dh, sub.auth, sub.failures = endpoint, p256dh, auth, 0
        sub.save(update_fields=["endpoint", "p256dh", "auth", "failures"])
    return sub


def my_subscriptions(user: Any) -> list[PushSubscription]:
    return list(PushSubscription.objects.filter(user=user).order_by("-created_at", "-id"))


def access_subscription(user: Any, subscription_id: int) -> PushSubscription:
    """One's own subscription; anyone else's answers the same as a missing one."""
    try:
        return PushSubscription.objects.get(pk=subscription_id, user=user)
    except PushSubscription.DoesNotExist:
        raise NotFound from None


def do_unsubscribe(user: Any, subscription: PushSubscription) -> None:
    if subscription.user_id != user.pk:
        raise NotFound
    PushSubscription.objects.filter(pk=subscription.pk).delete()


def remember_in_session(request: HttpRequest, subscription: PushSubscription) -> None:
    """A browser session that subscribed: its sign-out ends the subscription."""
    if request.headers.get("Authorization") or not hasattr(request, "session"):
        return  # an API token's client has no browser session to end
    ids = [pk for pk in request.session.get(SESSION_KEY, []) if pk != subscription.pk]
    request.session[SESSION_KEY] = [*ids[-(MAX_DEVICES - 1):], subscription.pk]


@receiver(user_logged_out, dispatch_uid="atrium.push.forget_on_sign_out")
def _forget_on_sign_out(sender: Any, request: HttpRequest | None, user: Any,
                        **kwargs: Any) -> None:
    """Signing out stops this browser's notifications: on a shared computer the next person
    must not see the previous one's (the browser subscribes again when its person next
    opens "Notifications on this device")."""
    if request is None or user is None or not hasattr(request, "session"):
        return
    ids = request.session.get(SESSION_KEY) or []
    if ids:
        PushSubscription.objects.filter(pk__in=ids, user_id=user.pk).delete()
