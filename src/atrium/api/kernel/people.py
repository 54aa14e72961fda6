"""The people directory and, for the organisation's admins, roles and deactivation.

Guests do not browse the directory (`GET /people` answers them 403, as the UI refuses them
the directory page); they may still open the profile of someone they share a space with
(`GET /people/{id}`, the rule of `User.objects.restrict`), and list a space's members.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.params import P, QueryEx
from pydantic import Field

from atrium.api.kernel.present import person_out, viewer
from atrium.api.kernel.schemas import (
    Limit,
    Offset,
    PeoplePage,
    PersonId,
    PersonOut,
    PersonRef,
    RoleIn,
    Search,
    errors,
    page,
)
from atrium.kernel import directory as people_dir
from atrium.kernel.abilities import abilities
from atrium.kernel.access import access_person
from atrium.kernel.actions.people import (
    do_change_role,
    do_deactivate_user,
    do_follow,
    do_reactivate_user,
    do_unfollow,
    is_following,
)
from atrium.kernel.errors import Forbidden
from atrium.kernel.models import Organisation, User

router = Router(tags=["people"])


class PersonBrief(Schema):
    id: int
    display_name: str
    job_title: str
    team: str
    has_photo: bool


class PeopleBriefPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PersonBrief]


class PersonDetailOut(PersonOut):
    followers: int
    following: int
    followed_by_me: bool
    reports: list[PersonRef]


class FollowOut(Schema):
    person_id: int
    following: bool = Field(description="Whether you follow the person now.")
    followers: int


Facet = QueryEx[str, P(max_length=100, pattern=r"^[^\x00]*$")]


@router.get("/people", response={200: PeoplePage, **errors(403)}, summary="The directory",
            description="People of the organisation, searchable by name, e-mail, job, team, "
            "skills and languages (every word must match), narrowed to one `team`, `skill` "
            "or `language` (exact item, any case). Guests may not browse it (403). "
            "`include_inactive` shows deactivated people too, for the organisation's admins "
            "only.")
def list_people(request: HttpRequest, q: Search = "", team: Facet = "", skill: Facet = "",
                language: Facet = "", include_inactive: bool = False,
                limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    user = viewer(request)
    org = Organisation.current()
    can = abilities(user, org) if org else {}
    if not can.get("browse_directory"):
        raise Forbidden(_("Guests cannot browse the directory."))
    filters = people_dir.Filters.from_params(
        {"q": q, "team": team, "skill": skill, "language": language})
    people = people_dir.people(
        user, filters, include_inactive=include_inactive and bool(can.get("manage_people")))
    window = page(limit, offset)
    items = people.select_related("manager")[window]
    return {"count": people.count(), "limit": window.stop - window.start, "offset": offset,
            "items": [person_out(user, person) for person in items]}


@router.get("/people/{person_id}", response={200: PersonDetailOut, **errors(404)},
            summary="A person's profile",
            description="With follower counts, whether you follow them, and their direct "
            "reports you may see.")
def get_person(request: HttpRequest, person_id: PersonId) -> dict[str, Any]:
    user = viewer(request)
    person = access_person(user, person_id)
    followers, following = people_dir.follow_counts(person)
    return {**person_out(user, person), "followers": followers, "following": following,
            "followed_by_me": is_following(user, person),
            "reports": [{"id": p.pk, "display_name": p.display_name}
                        for p in people_dir.direct_reports(user, person)]}


def _follow_out(user: User, person: User) -> dict[str, Any]:
    return {"person_id": person.pk, "following": is_following(user, person),
            "followers": people_dir.follow_counts(person)[0]}


@router.put("/people/{person_id}/follow", response={200: FollowOut, **errors(400, 404)},
            summary="Follow someone",
            description="Their posts join your home feed and they are notified once. "
            "Following again changes nothing; yourself or a deactivated person: 400.")
def follow(request: HttpRequest, person_id: PersonId) -> dict[str, Any]:
    user = viewer(request)
    person = access_person(user, person_id)
    do_follow(user, person)
    return _follow_out(user, person)


@router.delete("/people/{person_id}/follow", response={200: FollowOut, **errors(404)},
               summary="Stop following someone",
               description="Answers 200 whether or not you followed them.")
def unfollow(request: HttpRequest, person_id: PersonId) -> dict[str, Any]:
    user = viewer(request)
    person = access_person(user, person_id)
    do_unfollow(user, person)
    return _follow_out(user, person)


def _brief_page(people: Any, limit: int, offset: int) -> dict[str, Any]:
    window = page(limit, offset)
    return {"count": people.count(), "limit": window.stop - window.start, "offset": offset,
            "items": [{"id": p.pk, "display_name": p.display_name, "job_title": p.job_title,
                       "team": p.team, "has_photo": p.photo_id is not None}
                      for p in people[window]]}


@router.get("/people/{person_id}/followers", response={200: PeopleBriefPage, **errors(404)},
            summary="Who follows someone",
            description="Active people you may see, the latest follower first.")
def list_followers(request: HttpRequest, person_id: PersonId, limit: Limit = 50,
                   offset: Offset = 0) -> dict[str, Any]:
    user = viewer(request)
    return _brief_page(people_dir.followers(user, access_person(user, person_id)),
                       limit, offset)


@router.get("/people/{person_id}/following", response={200: PeopleBriefPage, **errors(404)},
            summary="Whom someone follows",
            description="Active people you may see, the latest followed first.")
def list_following(request: HttpRequest, person_id: PersonId, limit: Limit = 50,
                   offset: Offset = 0) -> dict[str, Any]:
    user = viewer(request)
    return _brief_page(people_dir.following(user, access_person(user, person_id)),
                       limit, offset)


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
