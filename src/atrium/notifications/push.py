from __future__ import annotations


def deliver(notification_ids: list[int]) -> None:
    """Web push delivery: implemented by the push helper."""
    return None
