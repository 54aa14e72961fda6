"""Shared helpers of the notification tests: a real SMTP server (aiosmtpd) and presence."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from atrium.realtime import hub as hub_module
from atrium.realtime.presence import ONLINE


class Collector:
    """An aiosmtpd handler keeping every message it receives, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(name="smtp")
def smtp_server() -> Iterator[Collector]:
    """A real SMTP server on 127.0.0.1; Django sends to it through its SMTP backend."""
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1", EMAIL_PORT=controller.port, EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="", EMAIL_USE_TLS=False, EMAIL_USE_SSL=False, EMAIL_TIMEOUT=5,
            SITE_URL="https://atrium.example.org", REDIS_URL="",
        ):
            yield handler
    finally:
        controller.stop()


@contextmanager
def online(*users: Any) -> Iterator[None]:
    """These people hold an "online" socket in this process's hub while the block runs."""
    loop = asyncio.new_event_loop()
    hub = hub_module.Hub(loop)
    hub_module._hubs[loop] = hub
    for n, user in enumerate(users):
        hub.presence.local[user.pk][n] = ONLINE
    try:
        yield
    finally:
        hub_module._hubs.pop(loop, None)
        loop.close()


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def html_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())
