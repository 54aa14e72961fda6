"""Background work of the kernel, run by the task worker (in-process when embedded)."""

from __future__ import annotations

from django.core.mail import send_mail
from django_tasks import task


@task()
def send_email(*, subject: str, body: str, to: list[str]) -> int:
    return send_mail(subject, body, None, to, fail_silently=False)
