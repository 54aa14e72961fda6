"""The first start: creating the organisation and its owner."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from atrium.kernel import audit
from atrium.kernel.actions.people import do_create_user
from atrium.kernel.actions.spaces import do_create_space
from atrium.kernel.errors import Conflict
from atrium.kernel.models import Organisation, OrgRole, User, Visibility


@transaction.atomic
def do_create_organisation(
    *, name: str, owner_email: str, owner_name: str, password: str, language: str = ""
) -> tuple[Organisation, User]:
    if Organisation.objects.exists():
        raise Conflict(_("This instance already has an organisation."), code="already_set_up")
    org = Organisation.objects.create(name=name.strip())
    owner = do_create_user(
        email=owner_email, full_name=owner_name, role=OrgRole.OWNER, password=password,
        language=language, actor=None,
    )
    general = do_create_space(
        owner, name="General" if language != "fr" else "Général",
        description="", visibility=Visibility.OPEN,
    )
    audit.record("org.created", actor=owner, target=org, general_space=general.pk)
    return org, owner
