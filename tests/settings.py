"""Test settings: the real settings, with a throw-away data folder and fast hashing."""

import os
import tempfile

# Each pytest-xdist worker gets its own folder: they inherit the controller's environment,
# and a blob store shared between workers would let one test's purge see another's files.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["ATRIUM_DATA_DIR"] = tempfile.mkdtemp(
        prefix=f"atrium-test-{os.environ['PYTEST_XDIST_WORKER']}-")
else:
    os.environ.setdefault("ATRIUM_DATA_DIR", tempfile.mkdtemp(prefix="atrium-test-"))

from atrium.settings import *  # noqa: F403
from atrium.settings import DATA_DIR, STORAGES

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
