"""The organisation's admin area: people, invitations, roles, modules, security, audit."""

from django.urls import include, path

from atrium.web.views import (
    manage,
    manage_audit,
    manage_bots,
    manage_invitations,
    manage_people,
    manage_settings,
)

urlpatterns = [
    path("drive/", include("atrium.modules.drive.manage_urls")),
    path("", manage.overview, name="manage"),
    path("people/", manage_people.people_list, name="manage_people"),
    path("people/<int:user_id>/", manage_people.person_detail, name="manage_person"),
    path("invitations/", manage_invitations.invitations, name="manage_invitations"),
    path("invitations/<int:invitation_id>/revoke/", manage_invitations.revoke,
         name="manage_invitation_revoke"),
    path("modules/", manage_settings.modules, name="manage_modules"),
    path("modules/<str:module_id>/", manage_settings.module_switch, name="manage_module"),
    path("security/", manage_settings.security, name="manage_security"),
    path("bots/", manage_bots.bots, name="manage_bots"),
    path("bots/<int:bot_id>/token/", manage_bots.bot_token, name="manage_bot_token"),
    path("bots/<int:bot_id>/deactivate/", manage_bots.bot_deactivate,
         name="manage_bot_deactivate"),
    path("audit/", manage_audit.audit, name="manage_audit"),
    path("audit.csv", manage_audit.audit_csv, name="manage_audit_csv"),
]
