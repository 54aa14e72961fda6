"""The signed-in person: profile and personal API tokens."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from atrium.api.kernel.present import person_out, viewer
from atrium.api.kernel.schemas import (
    MeOut,
    NewTokenOut,
    ProfileIn,
    TokenId,
    TokenIn,
    TokenOut,
    errors,
)
from atrium.kernel.abilities import abilities
from atrium.kernel.access import access_own_token
from atrium.kernel.actions.people import do_update_profile
from atrium.kernel.actions.tokens import do_create_token, do_revoke_token
from atrium.kernel.models import ApiToken, Organisation, Space, User

router = Router(tags=["me"])


def _me_out(user: User) -> dict[str, Any]:
    org = Organisation.current()
    personal = Space.objects.filter(personal_owner=user).values_list("pk", flat=True).first()
    return {
        **person_out(user, user), "language": user.language, "personal_space_id": personal,
        "organisation": org.name if org else None,
        "org_abilities": abilities(user, org) if org else {},
    }


@router.get("/me", response={200: MeOut, **errors()}, summary="Who I am",
            description="My profile, my personal space and what I may do in the organisation "
            "(`org_abilities`: browse_directory, create_space, manage_people, invite, …).")
def get_me(request: HttpRequest) -> dict[str, Any]:
    return _me_out(viewer(request))


@router.patch("/me", response={200: MeOut, **errors(400)}, summary="Edit my profile",
              description="Send only the fields to change.")
def patch_me(request: HttpRequest, payload: ProfileIn) -> dict[str, Any]:
    user = viewer(request)
    do_update_profile(user, user, payload.dict(exclude_unset=True))
    return _me_out(User.objects.get(pk=user.pk))


def _token_out(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.pk, "name": token.name, "prefix": token.prefix,
        "created_at": token.created_at, "last_used_at": token.last_used_at,
        "expires_at": token.expires_at, "revoked_at": token.revoked_at,
        "active": token.revoked_at is None and (
            token.expires_at is None or token.expires_at > timezone.now()),
    }


@router.get("/me/tokens", response={200: list[TokenOut], **errors()}, summary="My API tokens",
            description="Every token I created, active or not; secrets are never shown again.")
def list_tokens(request: HttpRequest) -> list[dict[str, Any]]:
    return [_token_out(t) for t in ApiToken.objects.filter(user=viewer(request))[:200]]


@router.post("/me/tokens", response={201: NewTokenOut, **errors(400)},
             summary="Create an API token",
             description="Answers the secret once, in `secret`; only its hash is stored.")
def create_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    token, secret = do_create_token(viewer(request), payload.name,
                                    expires_at=payload.expires_at, request=request)
    return Status(201, {**_token_out(token), "secret": secret})


@router.delete("/me/tokens/{token_id}", response={204: None, **errors(404)},
               summary="Revoke an API token")
def revoke_token(request: HttpRequest, token_id: TokenId) -> Status[None]:
    user = viewer(request)
    do_revoke_token(user, access_own_token(user, token_id), request=request)
    return Status(204, None)
