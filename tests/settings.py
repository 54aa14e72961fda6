"""Test settings: the real settings, with a throw-away data folder and fast hashing."""

import os
import tempfile

os.environ.setdefault("ATRIUM_DATA_DIR", tempfile.mkdtemp(prefix="atrium-test-"))

from atrium.settings import *  # noqa: E402,F403
from atrium.settings import DATA_DIR, STORAGES  # noqa: E402

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "blobs": {"BACKEND": "django.core.files.storage.FileSystemStorage",
              "OPTIONS": {"location": str(DATA_DIR / "blobs")}},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
