"""The people directory and, for the organisation's admins, roles and deactivation.

Guests do not browse the directory (`GET /people` answers them 403, as the UI refuses them
the directory page); they may still open the profile of someone they share a space with
(`GET /people/{id}`, the rule of `User.objects.restrict`), and list a space's members.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from atrium.api.kernel.present import person_out, viewer
from atrium.api.kernel.schemas import (
    Limit,
    Offset,
    PeoplePage,
    PersonId,
    PersonOut,
    RoleIn,
    Search,
    errors,
    page,
)
from atrium.kernel.abilities import abilities
from atrium.kernel.access import access_person
from atrium.kernel.actions.people import do_change_role, do_deactivate_user, do_reactivate_user
from atrium.kernel.errors import Forbidden
from atrium.kernel.models import Organisation, User

router = Router(tags=["people"])


@router.get("/people", response={200: PeoplePage, **errors(403)}, summary="The directory",
            description="People of the organisation, searchable by name, e-mail, job, team "
            "and languages. Guests may not browse it (403). `include_inactive` shows "
            "deactivated people too, for the organisation's admins only.")
def list_people(request: HttpRequest, q: Search = "", include_inactive: bool = False,
                limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    user = viewer(request)
    org = Organisation.current()
    can = abilities(user, org) if org else {}
    if not can.get("browse_directory"):
        raise Forbidden(_("Guests cannot browse the directory."))
    people = User.objects.restrict(user).search(q).select_related("photo")
    if not (include_inactive and can.get("manage_people")):
        people = people.filter(is_active=True)
    window = page(limit, offset)
    items = people.order_by("full_name", "pk")[window]
    return {"count": people.count(), "limit": window.stop - window.start, "offset": offset,
            "items": [person_out(user, person) for person in items]}


@router.get("/people/{person_id}", response={200: PersonOut, **errors(404)},
            summary="A person's profile")
def get_person(request: HttpRequest, person_id: PersonId) -> dict[str, Any]:
    user = viewer(request)
    return person_out(user, access_person(user, person_id))


@router.patch("/people/{person_id}/role", response={200: PersonOut, **errors(403, 404, 409)},
              summary="Change someone's organisation role",
              description="For the organisation's admins; only an owner makes or unmakes "
              "owners, and the last owner keeps the role (409).")
def change_role(request: HttpRequest, person_id: PersonId, payload: RoleIn) -> dict[str, Any]:
    user = viewer(request)
    person = do_change_role(user, access_person(user, person_id), payload.role, request=request)
    return person_out(user, person)


@router.post("/people/{person_id}/deactivate",
             response={200: PersonOut, **errors(403, 404, 409)},
             summary="Deactivate someone",
             description="Ends their sessions, API tokens and live connections at once. "
             "The last owner cannot be deactivated (409).")
def deactivate(request: HttpRequest, person_id: PersonId) -> dict[str, Any]:
    user = viewer(request)
    person = do_deactivate_user(user, access_person(user, person_id), request=request)
    return person_out(user, person)


@router.post("/people/{person_id}/reactivate", response={200: PersonOut, **errors(403, 404)},
             summary="Reactivate someone")
def reactivate(request: HttpRequest, person_id: PersonId) -> dict[str, Any]:
    user = viewer(request)
    person = do_reactivate_user(user, access_person(user, person_id), request=request)
    return person_out(user, person)
