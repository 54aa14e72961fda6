"""What every page of the shell needs: the organisation, my spaces, what I may do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from atrium.kernel import modules as module_state
from atrium.kernel import registry
from atrium.kernel.abilities import abilities
from atrium.kernel.models import Organisation, Space


def shell(request: HttpRequest) -> dict[str, Any]:
    user = request.user

    def my_spaces() -> list[Space]:
        if not user.is_authenticated:
            return []
        return list(Space.objects.filter(memberships__user=user, personal_owner__isnull=True,
                                         archived_at__isnull=True).order_by("name")[:50])

    def org_abilities() -> dict[str, bool]:
        org = Organisation.current()
        return abilities(user, org) if org else {}

    def top_modules() -> list[dict[str, Any]]:
        if not user.is_authenticated:
            return []
        states = module_state.instance_states()
        found = []
        for m in registry.all_modules():
            if m.top_nav and states.get(m.id):
                url = reverse(m.top_nav.url_name)
                found.append({"label": m.top_nav.label, "url": url,
                              "current": request.path.startswith(url)})
        return found

    unread: list[int] = []

    def notifications_unread() -> int:
        """The bell's count: one query, only when a page shows it."""
        if not unread:
            from atrium.notifications.queries import unread_count

            unread.append(unread_count(user) if user.is_authenticated else 0)
        return unread[0]

    return {
        "notifications_unread": notifications_unread,
        "org": SimpleLazyObject(Organisation.current),
        "top_modules": SimpleLazyObject(top_modules),
        "my_spaces": SimpleLazyObject(my_spaces),
        "org_can": SimpleLazyObject(org_abilities),
    }
