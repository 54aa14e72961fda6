"""The incoming-webhook endpoint, `POST /hooks/chat/<token>`, answering like Slack's.

Accepts `application/json` and the form-encoded `payload=<json>` that older Slack clients
send; answers `ok` (200) or one of Slack's plain-text codes with its status. No session, no
CSRF: the secret in the URL is the credential.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from atrium.modules.chat.actions.webhooks import do_post_webhook, webhook_for_token
from atrium.modules.chat.slack import SlackError

MAX_PAYLOAD_BYTES = 512 * 1024  # 40,000 characters of text, JSON-escaped, fit


def _answer(text: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def _payload(request: HttpRequest) -> Any:
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_PAYLOAD_BYTES:
        raise SlackError("payload_too_large", 413)
    raw = request.read(MAX_PAYLOAD_BYTES + 1)
    if len(raw) > MAX_PAYLOAD_BYTES:
        raise SlackError("payload_too_large", 413)
    try:
        text = raw.decode("utf-8")
        if request.content_type == "application/x-www-form-urlencoded":
            fields = parse_qs(text, max_num_fields=20)
            if "payload" in fields:
                text = fields["payload"][0]
        return json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise SlackError("invalid_payload", 400) from None


@csrf_exempt
@require_POST
def incoming_webhook(request: HttpRequest, token: str) -> HttpResponse:
    try:
        payload = _payload(request)
    except SlackError as bad_payload:
        refused = bad_payload
        try:  # a bad token is the first thing to tell, as Slack does
            webhook_for_token(token)
        except SlackError as bad_token:
            refused = bad_token
        return _answer(refused.code, refused.status)
    try:
        do_post_webhook(token, payload)
    except SlackError as error:
        return _answer(error.code, error.status)
    return _answer("ok")
