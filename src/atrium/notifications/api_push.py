"""Web push in the API: the server's VAPID key and one's own browser subscriptions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.params import P, PathEx

from atrium.api.kernel.present import viewer
from atrium.api.kernel.schemas import MAX_ID, In, errors
from atrium.notifications import push_subscriptions, vapid
from atrium.notifications.models import PushSubscription

router = Router(tags=["push"])
SubscriptionId = PathEx[int, P(ge=1, le=MAX_ID, description="The subscription's id.")]


class KeyOut(Schema):
    public_key: str = Field(description="The VAPID public key, base64url: the "
                            "`applicationServerKey` of `PushManager.subscribe()`.")


class KeysIn(In):
    p256dh: str = Field(max_length=200, description="The browser's P-256 public key, base64url.")
    auth: str = Field(max_length=100, description="The 16-byte auth secret, base64url.")


class SubscriptionIn(In):
    endpoint: str = Field(max_length=push_subscriptions.MAX_ENDPOINT,
                          description="The push service address the browser gave.")
    keys: KeysIn
    expirationTime: float | None = Field(None, description="Ignored (from toJSON()).")
    user_agent: str = Field("", max_length=300, description="To recognise the device in "
                            "the list.")


class RenewIn(In):
    old_endpoint: str = Field(max_length=push_subscriptions.MAX_ENDPOINT)
    old_auth: str = Field(max_length=100, description="The old subscription's auth secret.")
    endpoint: str = Field(max_length=push_subscriptions.MAX_ENDPOINT)
    keys: KeysIn


class SubscriptionOut(Schema):
    id: int
    endpoint: str
    user_agent: str
    created_at: datetime
    last_used_at: datetime | None
    failures: int


class SubscriptionsOut(Schema):
    items: list[SubscriptionOut]


def _out(sub: PushSubscription) -> dict[str, Any]:
    return {"id": sub.pk, "endpoint": sub.endpoint, "user_agent": sub.user_agent,
            "created_at": sub.created_at, "last_used_at": sub.last_used_at,
            "failures": sub.failures}


@router.get("/push/key", response={200: KeyOut, **errors()}, summary="The VAPID public key")
def get_key(request: HttpRequest) -> dict[str, Any]:
    viewer(request)
    return {"public_key": vapid.public_key()}


@router.get("/push/subscriptions", response={200: SubscriptionsOut, **errors()},
            summary="My devices that receive web push")
def list_subscriptions(request: HttpRequest) -> dict[str, Any]:
    return {"items": [_out(s) for s in push_subscriptions.my_subscriptions(viewer(request))]}


@router.post("/push/subscriptions", response={200: SubscriptionOut, 201: SubscriptionOut,
                                              **errors(400)},
             summary="Subscribe this browser",
             description="The body is `PushSubscription.toJSON()` (plus an optional "
             "`user_agent`). The endpoint must be `https://` on a public host. 201 when new, "
             "200 when the endpoint was known (its keys are refreshed, and it becomes mine if "
             "someone else had signed in on this browser before).")
def subscribe(request: HttpRequest, payload: SubscriptionIn) -> Status[dict[str, Any]]:
    sub, created = push_subscriptions.do_subscribe(
        viewer(request), endpoint=payload.endpoint, p256dh=payload.keys.p256dh,
        auth=payload.keys.auth, user_agent=payload.user_agent)
    push_subscriptions.remember_in_session(request, sub)
    return Status(201 if created else 200, _out(sub))


@router.delete("/push/subscriptions/{subscription_id}", response={204: None, **errors(404)},
               summary="Stop web push to one of my devices")
def unsubscribe(request: HttpRequest, subscription_id: SubscriptionId) -> Status[None]:
    user = viewer(request)
    push_subscriptions.do_unsubscribe(
        user, push_subscriptions.access_subscription(user, subscription_id))
    return Status(204, None)


@router.post("/push/renew", auth=None, response={204: None, **errors(400, 404)},
             summary="The browser replaced its subscription",
             description="Called by the service worker on `pushsubscriptionchange`, without a "
             "session: the old endpoint and its auth secret prove it is the same browser. "
             "404 when they match no subscription.")
def renew(request: HttpRequest, payload: RenewIn) -> Status[None]:
    push_subscriptions.do_renew(
        old_endpoint=payload.old_endpoint, old_auth=payload.old_auth,
        endpoint=payload.endpoint, p256dh=payload.keys.p256dh, auth=payload.keys.auth)
    return Status(204, None)
