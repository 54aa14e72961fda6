"""Incoming webhooks: a secret URL that posts Slack-shaped JSON into one channel.

The secret is shown once, when the webhook is made; only its SHA-256 is kept, next to a short
public prefix used to find the row (the scheme of personal API tokens). Posting answers like
Slack does, with a plain-text code and an HTTP status (`SlackError`), so scripts written for
Slack read our errors too. Each webhook may post one message a second, with bursts of ten.
"""

from __future__ import annotations

import copy
import hmac
import secrets
import time
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atrium.kernel import audit
from atrium.kernel.abilities import abilities
from atrium.kernel.actions.tokens import _digest
from atrium.kernel.errors import ActionError, Forbidden
from atrium.modules.chat.actions.channels import require_active
from atrium.modules.chat.actions.messages import do_post_message
from atrium.modules.chat.models import Channel, Message, Webhook
from atrium.modules.chat.slack import SlackError, payload_to_message

MAX_WEBHOOKS_PER_CHANNEL = 20
MAX_NAME = 80
RATE_INTERVAL = 1.0  # seconds between messages, sustained
RATE_BURST = 10  # messages allowed at once after a quiet spell


@transaction.atomic
def do_create_webhook(actor: Any, channel: Channel, name: str) -> tuple[Webhook, str]:
    """Returns the webhook and the token of its URL (`/hooks/chat/<token>`), never shown
    again. Channel managers who can read the channel only."""
    user = require_active(actor)
    can = abilities(user, channel)
    if not (can["manage"] and can["view"]) or channel.is_direct:
        raise Forbidden(_("You may not add webhooks to this channel."))
    if channel.archived_at is not None:
        raise ActionError(_("This channel is archived."), code="archived")
    name = " ".join((name or "").split())
    if not name:
        raise ActionError(_("Give the webhook a name."), code="required", field="name")
    if len(name) > MAX_NAME:
        raise ActionError(_("The name is too long (at most %(max)d characters).")
                          % {"max": MAX_NAME}, code="too_long", field="name")
    live = Webhook.objects.filter(channel=channel, revoked_at__isnull=True)
    if live.count() >= MAX_WEBHOOKS_PER_CHANNEL:
        raise ActionError(_("This channel has too many webhooks; revoke one first."),
                          code="too_many")
    prefix = secrets.token_hex(5)
    secret = secrets.token_urlsafe(32)
    webhook = Webhook.objects.create(channel=channel, name=name, prefix=prefix,
                                     token_hash=_digest(secret), created_by=user)
    audit.record("chat.webhook.created", actor=user, target=webhook, target_label=name,
                 channel_id=channel.pk)
    return webhook, f"{prefix}_{secret}"


@transaction.atomic
def do_revoke_webhook(actor: Any, webhook: Webhook) -> Webhook:
    user = require_active(actor)
    if not abilities(user, webhook.channel)["manage"]:
        raise Forbidden(_("You may not revoke this webhook."))
    if webhook.revoked_at is None:
        webhook.revoked_at = timezone.now()
        webhook.save(update_fields=["revoked_at"])
        audit.record("chat.webhook.revoked", actor=user, target=webhook,
                     target_label=webhook.name, channel_id=webhook.channel_id)
    return webhook


def webhook_for_token(token: str) -> Webhook:
    """The webhook of a URL token, or SlackError: invalid_token (403) for anything that is
    not a live token of ours, no_service (404) for a revoked one."""
    prefix, _sep, secret = (token or "").partition("_")
    if not (0 < len(prefix) <= 12 and 0 < len(secret) <= 100):
        raise SlackError("invalid_token", 403)
    webhook = (Webhook.objects.select_related("channel__space").filter(prefix=prefix)
               .first())
    if webhook is None or not hmac.compare_digest(webhook.token_hash, _digest(secret)):
        raise SlackError("invalid_token", 403)
    if webhook.revoked_at is not None:
        raise SlackError("no_service", 404)
    return webhook


def _throttle(webhook: Webhook) -> None:
    """Generic cell rate: one message per RATE_INTERVAL on average, RATE_BURST at once.
    Kept in the shared cache, so every worker counts against the same budget."""
    key = f"chat:webhook-rate:{webhook.prefix}"
    now = time.time()
    due = max(float(cache.get(key) or 0.0), now)
    if due - now > RATE_INTERVAL * (RATE_BURST - 1):
        raise SlackError("rate_limited", 429)
    cache.set(key, due + RATE_INTERVAL, timeout=int(RATE_INTERVAL * RATE_BURST) + 60)


@transaction.atomic
def do_post_webhook(token: str, payload: Any) -> Message:
    """Post a Slack incoming-webhook payload; raises SlackError with Slack's own codes."""
    webhook = webhook_for_token(token)
    channel = webhook.channel
    space = channel.space
    if channel.archived_at is not None or (space is not None and space.archived_at is not None):
        raise SlackError("channel_is_archived", 410)
    body, sender = payload_to_message(payload)
    _throttle(webhook)
    shown = copy.copy(webhook)
    shown.name = sender or webhook.name  # Slack's `username` names the sender
    try:
        message = do_post_message(None, channel, body, webhook=shown)
    except Forbidden:
        raise SlackError("action_prohibited", 403) from None
    except ActionError:
        raise SlackError("invalid_payload", 400) from None
    now = timezone.now()
    if webhook.last_used_at is None or (now - webhook.last_used_at).total_seconds() > 60:
        Webhook.objects.filter(pk=webhook.pk).update(last_used_at=now)
    return message
