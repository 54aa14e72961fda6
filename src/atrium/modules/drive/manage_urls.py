"""The drive's page in the organisation's admin area: /manage/drive/."""

from django.urls import path

from atrium.modules.drive.views import manage

urlpatterns = [
    path("", manage.drive_admin, name="manage_drive"),
]
