"""What every page of the shell needs: the organisation, my spaces, what I may do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

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

    return {
        "org": SimpleLazyObject(Organisation.current),
        "my_spaces": SimpleLazyObject(my_spaces),
        "org_can": SimpleLazyObject(org_abilities),
    }
