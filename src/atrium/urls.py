from django.urls import include, path

from atrium.api.routes import api
from atrium.kernel import registry
from atrium.modules.chat.webhook_views import incoming_webhook
from atrium.web.views import (
    home,
    invitations,
    people,
    previews,
    profile,
    setup,
    spaces,
    status,
    tokens,
)

space_urls = [
    path("", spaces.space_home, name="space"),
    path("members/", spaces.space_members, name="space_members"),
    path("members/add/", spaces.space_add_member, name="space_add_member"),
    path("members/<int:user_id>/role/", spaces.space_member_role, name="space_member_role"),
    path("members/<int:user_id>/remove/", spaces.space_member_remove,
         name="space_member_remove"),
    path("requests/<int:request_id>/", spaces.space_decide, name="space_decide"),
    path("join/", spaces.space_join, name="space_join"),
    path("request/", spaces.space_request, name="space_request"),
    path("leave/", spaces.space_leave, name="space_leave"),
    path("settings/", spaces.space_settings, name="space_settings"),
    path("settings/modules/<str:module_id>/", spaces.space_module, name="space_module"),
]

# Each module's pages live under /s/<space>/<module>/; its views check, through
# `access_space_module`, that the module is on for the instance and the space.
module_urls = [
    path(f"s/<slug:space_slug>/{manifest.id}/", include(manifest.urls))
    for manifest in registry.all_modules()
    if manifest.urls
]
# Pages across spaces live under /<module>/; their views check the module is on.
module_urls += [path(f"{manifest.id}/", include(manifest.root_urls))
                for manifest in registry.all_modules() if manifest.root_urls]

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", home.healthz, name="healthz"),
    path("setup/", setup.setup, name="setup"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("invite/<str:token>/", invitations.accept_invitation, name="accept_invitation"),
    path("people/", people.directory, name="people"),
    path("people/<int:user_id>/", people.person, name="person"),
    path("people/<int:user_id>/photo", people.photo, name="person_photo"),
    path("profile/", profile.edit_profile, name="profile"),
    path("profile/status/", status.edit_status, name="profile_status"),
    path("profile/tokens/", tokens.tokens, name="profile_tokens"),
    path("profile/tokens/<int:token_id>/revoke/", tokens.revoke_token,
         name="profile_token_revoke"),
    path("spaces/", spaces.space_list, name="spaces"),
    path("spaces/new/", spaces.space_create, name="space_create"),
    path("s/<slug:space_slug>/", include(space_urls)),
    *module_urls,
    path("notifications/", include("atrium.notifications.urls")),
    path("manage/", include("atrium.web.urls_manage")),
    path("api/v1/", api.urls),
    path("hooks/chat/<str:token>", incoming_webhook, name="chat_incoming_webhook"),
    path("previews/<int:preview_id>/image", previews.preview_image, name="preview_image"),
]

# Installable web app and web push: the manifest and the service worker live at the root (a
# worker controls only pages under its own path), the device page under the profile.
from atrium.notifications import pwa  # noqa: E402

urlpatterns += [
    path("manifest.webmanifest", pwa.manifest, name="web_manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("profile/push/", pwa.push_settings, name="push_settings"),
    path("profile/push/<int:subscription_id>/remove/", pwa.push_remove, name="push_remove"),
    path("profile/push/test/", pwa.push_test, name="push_test"),
]
