"""`atrium check`: one line per check, OK/WARNING/ERROR, non-zero exit on any error."""

import re

import pytest
from django.test import override_settings

from tests.kernel import test_blobstore
from tests.kernel.test_blobstore import s3_backend

pytestmark = pytest.mark.django_db
s3_endpoint = test_blobstore.s3_endpoint  # the local S3 endpoint fixture (moto)


def line(out: str, label: str) -> str:
    found = [text for text in out.splitlines() if re.match(rf"^\w+\s+{re.escape(label)}:", text)]
    assert len(found) == 1, (label, out)
    return found[0]


def level(out: str, label: str) -> str:
    return line(out, label).split()[0]


def test_check_passes_on_the_test_configuration(atrium):
    """Every check runs and prints one line; only the missing SMTP server is a warning."""
    code, out, err = atrium("check")
    assert code == 0, out + err
    for label in ("secret key", "debug mode", "site address", "data folder", "database",
                  "redis", "blob storage"):
        assert level(out, label) == "OK", line(out, label)
    assert level(out, "e-mail") == "WARNING"
    assert "ATRIUM_EMAIL_HOST" in line(out, "e-mail")
    assert re.search(r"\d+ OK, \d+ warning\(s\), 0 error\(s\)", out)


@pytest.mark.parametrize("overrides, label, expected", [
    ({"DEBUG": True}, "debug mode", "ATRIUM_DEBUG"),
    ({"SITE_URL": "https://intranet.example.org"}, "site address", "ATRIUM_ALLOWED_HOSTS"),
    ({"SITE_URL": "intranet"}, "site address", "ATRIUM_SITE_URL"),
    ({"REDIS_URL": "redis://:secretpw@127.0.0.1:1/0"}, "redis", "127.0.0.1:1"),
    ({"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
      "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": 1}, "e-mail", "cannot reach the SMTP server"),
])
def test_check_reports_each_broken_setting_as_an_error(atrium, overrides, label, expected):
    """A broken setting gives an ERROR line naming the variable, and a non-zero exit."""
    with override_settings(**overrides):
        code, out, err = atrium("check", "--deploy")
    assert code != 0
    assert level(out, label) == "ERROR"
    assert expected in line(out, label)
    assert "secretpw" not in out
    assert "check(s) failed" in err


def test_unwritable_data_folder_and_blob_storage_are_errors(atrium, tmp_path):
    """A data folder or blob folder that cannot be written is reported, not crashed on."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    storages = {"blobs": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                          "OPTIONS": {"location": str(blocker / "blobs")}}}
    from django.conf import settings

    with override_settings(DATA_DIR=blocker, STORAGES={**settings.STORAGES, **storages}):
        code, out, _err = atrium("check")
    assert code != 0
    assert level(out, "data folder") == "ERROR"
    assert level(out, "blob storage") == "ERROR"


def test_secret_key_must_come_from_the_environment_when_scaled(atrium, monkeypatch):
    """--deploy on a scaled set-up wants ATRIUM_SECRET_KEY; set, it is OK."""
    monkeypatch.delenv("ATRIUM_SECRET_KEY", raising=False)
    with override_settings(ATRIUM_S3_BUCKET="atrium"):
        _code, out, _err = atrium("check", "--deploy")
        assert level(out, "secret key") == "ERROR"
        monkeypatch.setenv("ATRIUM_SECRET_KEY", "k" * 50)
        _code, out, _err = atrium("check", "--deploy")
        assert level(out, "secret key") == "OK"


def test_deploy_mode_adds_django_security_checks(atrium):
    """--deploy includes Django's deployment checks, with Atrium's variable as the hint."""
    with override_settings(SECURE_HSTS_SECONDS=0):
        _code, out, _err = atrium("check", "--deploy")
    hsts = line(out, "django security.W004")
    assert hsts.startswith("WARNING")
    assert "ATRIUM_BEHIND_TLS_PROXY" in hsts
    _code, out, _err = atrium("check")
    assert "security.W004" not in out


def test_blob_storage_check_writes_to_s3(atrium, s3_endpoint):
    """With S3 storage the check writes, reads back and deletes a probe in the bucket."""
    from django.conf import settings

    backend = s3_backend(s3_endpoint, "atrium-check-probe")
    with override_settings(STORAGES={**settings.STORAGES, "blobs": backend.config}):
        code, out, _err = atrium("check")
    assert code == 0
    assert line(out, "blob storage") == \
        "OK       blob storage: S3 bucket atrium-check-probe is writable"
    assert backend.list_names() == []


def test_blob_storage_check_reports_a_missing_bucket(atrium, s3_endpoint):
    """A bucket that does not exist is an ERROR that names the ATRIUM_S3_* variables."""
    from django.conf import settings

    config = s3_backend(s3_endpoint, "atrium-exists").config
    config = {**config, "OPTIONS": {**config["OPTIONS"], "bucket_name": "atrium-missing"}}
    with override_settings(STORAGES={**settings.STORAGES, "blobs": config}):
        code, out, _err = atrium("check")
    assert code != 0
    assert level(out, "blob storage") == "ERROR"
    assert "ATRIUM_S3_" in line(out, "blob storage")
