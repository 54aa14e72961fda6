"""Background deliveries of notifications (django-tasks; in-process when embedded)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_immediate(*, notification_ids: list[int]) -> int:
    from atrium.notifications.email import send_immediate as send

    return send(notification_ids)


@task()
def deliver_push(*, notification_ids: list[int]) -> None:
    from atrium.notifications import push

    push.deliver(notification_ids)
