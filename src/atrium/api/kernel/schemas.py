"""Typed inputs and outputs of the kernel's API, and the parameter types every router shares.

Inputs refuse unknown fields and bound every string, so a client's mistake answers a clear
422 instead of being ignored or reaching the database. Outputs carry the `abilities` dict
computed by `atrium.kernel.abilities.abilities`, the one the templates read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from ninja.params import P, PathEx, QueryEx
from pydantic import AwareDatetime, ConfigDict, Field, field_validator

# Ids are BigAutoField: anything outside 1..2**63-1 can never exist and would overflow the
# database driver, so it is refused before any query runs.
MAX_ID = 2**63 - 1
MAX_OFFSET = 1_000_000
MAX_LIMIT = 100


def path_id(description: str) -> Any:
    return PathEx[int, P(ge=1, le=MAX_ID, description=description)]


SpaceId = path_id("The space's id.")
PersonId = path_id("The person's id.")
TokenId = path_id("The token's id.")
InvitationId = path_id("The invitation's id.")
RequestId = path_id("The join request's id.")
ModuleId = PathEx[str, P(max_length=40, pattern=r"^[a-z][a-z0-9_]{0,39}$",
                         description="The module's id, for example `links`.")]
Limit = QueryEx[int, P(ge=1, le=MAX_OFFSET,
                       description=f"How many items to return (at most {MAX_LIMIT}).")]
Offset = QueryEx[int, P(ge=0, le=MAX_OFFSET, description="How many items to skip.")]
Search = QueryEx[str, P(max_length=100, pattern=r"^[^\x00]*$",
                        description="Words to search for.")]

OrgRoleName = Literal["owner", "admin", "member", "guest"]
SpaceRoleName = Literal["admin", "member", "reader"]
VisibilityName = Literal["open", "private", "secret"]
AccessName = Literal["none", "read", "write"]
Abilities = dict[str, bool]


def page(limit: int, offset: int) -> slice:
    """The slice a list endpoint returns: `limit` is capped at MAX_LIMIT."""
    limit = max(1, min(limit, MAX_LIMIT))
    return slice(offset, offset + limit)


class In(Schema):
    """Base of every request body: unknown fields are an error, not silently dropped, and
    text may not hold NUL characters (PostgreSQL refuses them)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("text may not contain NUL characters")
        return value


class PatchIn(In):
    """A body whose fields are each optional: leave one out to keep its value; an explicit
    null is refused rather than stored."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may not be null; leave the field out to keep its value")
        return value


class ErrorDetail(Schema):
    code: str
    message: str
    field: str | None = None


class ErrorOut(Schema):
    error: ErrorDetail


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Documents the error answers of an operation in the OpenAPI document."""
    return dict.fromkeys((401, 422, *statuses), ErrorOut)


# People ------------------------------------------------------------------------------------

class PersonRef(Schema):
    id: int
    display_name: str


class PersonOut(Schema):
    id: int
    email: str
    full_name: str
    display_name: str
    role: OrgRoleName
    is_active: bool
    job_title: str
    team: str
    phone: str
    location: str
    languages: str
    bio: str
    skills: list[str]
    manager: PersonRef | None = Field(
        None, description="Whom the person reports to; null when none or not visible to you.")
    has_photo: bool
    date_joined: datetime
    abilities: Abilities


class PeoplePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PersonOut]


class MeOut(PersonOut):
    language: str
    personal_space_id: int | None
    organisation: str | None
    org_abilities: Abilities


class ProfileIn(PatchIn):
    full_name: str | None = Field(None, max_length=150, min_length=1)
    job_title: str | None = Field(None, max_length=120)
    team: str | None = Field(None, max_length=120)
    phone: str | None = Field(None, max_length=40)
    location: str | None = Field(None, max_length=120)
    languages: str | None = Field(None, max_length=200)
    bio: str | None = Field(None, max_length=2000)
    language: Literal["", "en", "fr"] | None = None
    skills: str | None = Field(None, max_length=300,
                               description="Comma-separated, at most 20 of 40 characters each.")
    manager_id: int | None = Field(None, ge=0, le=MAX_ID,
                                   description="The manager's id; 0 for nobody.")


class RoleIn(In):
    role: OrgRoleName


# Tokens ------------------------------------------------------------------------------------

class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    active: bool


class NewTokenOut(TokenOut):
    secret: str


class TokenIn(In):
    name: str = Field(..., max_length=80, min_length=1)
    expires_at: AwareDatetime | None = None


# Spaces ------------------------------------------------------------------------------------

class SpaceOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    visibility: VisibilityName
    is_personal: bool
    created_at: datetime
    my_role: SpaceRoleName | None
    member_count: int
    abilities: Abilities


class SpacesPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[SpaceOut]


class SpaceIn(In):
    name: str = Field(..., max_length=100, min_length=1)
    description: str = Field("", max_length=2000)
    visibility: VisibilityName = "open"


class SpacePatch(PatchIn):
    name: str | None = Field(None, max_length=100, min_length=1)
    description: str | None = Field(None, max_length=2000)
    visibility: VisibilityName | None = None


class MemberOut(Schema):
    user_id: int
    full_name: str
    email: str
    is_active: bool
    role: SpaceRoleName
    joined_at: datetime


class MembersPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[MemberOut]


class MemberIn(In):
    user_id: int = Field(..., ge=1, le=MAX_ID)
    role: SpaceRoleName = "member"


class MemberRoleIn(In):
    role: SpaceRoleName


class JoinRequestIn(In):
    message: str = Field("", max_length=500)


class JoinRequestOut(Schema):
    id: int
    space_id: int
    user_id: int
    full_name: str
    message: str
    status: Literal["pending", "approved", "declined"]
    created_at: datetime
    decided_at: datetime | None


# Modules -----------------------------------------------------------------------------------

class ModuleOut(Schema):
    id: str
    name: str
    description: str
    icon: str
    enabled: bool


class ModuleSwitchIn(In):
    enabled: bool


class SpaceModuleOut(Schema):
    id: str
    name: str
    description: str
    icon: str
    enabled: bool
    member_access: AccessName
    reader_access: AccessName
    my_access: AccessName


class SpaceModuleIn(PatchIn):
    enabled: bool | None = None
    member_access: AccessName | None = None
    reader_access: AccessName | None = None


# Invitations -------------------------------------------------------------------------------

class InvitedSpaceIn(In):
    space_id: int = Field(..., ge=1, le=MAX_ID)
    role: SpaceRoleName = "member"


class InvitationIn(In):
    email: str = Field(..., max_length=254, min_length=3)
    role: Literal["member", "admin", "guest"] = "member"
    spaces: list[InvitedSpaceIn] = Field(default_factory=list, max_length=50)
    message: str = Field("", max_length=1000)


class InvitedSpaceOut(Schema):
    space_id: int
    name: str
    role: SpaceRoleName


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    state: Literal["pending", "accepted", "revoked", "expired"]
    created_at: datetime
    expires_at: datetime
    invited_by_id: int | None
    spaces: list[InvitedSpaceOut]


class NewInvitationOut(InvitationOut):
    url: str
