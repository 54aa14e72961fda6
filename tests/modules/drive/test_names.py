"""Names: hostile and awkward ones are refused with a clear message or stored safely, and
names that differ only by case or Unicode form clash."""

import pytest

from atrium.kernel.errors import ActionError, Conflict
from atrium.modules.drive.names import clean_name, name_key, numbered
from tests.modules.drive.factories import make_file, make_folder

REFUSED = [
    ("", "Enter a name"),
    ("   ", "Enter a name"),
    (".", "cannot be used"),
    ("..", "cannot be used"),
    ("../etc/passwd", "/"),
    ("/etc/passwd", "/"),
    ("C:\\Windows\\win.ini", "\\"),
    ("a\x00b.txt", "control"),
    ("line\nbreak", "control"),
    ("photo\u202egpj.exe", "direction"),
    ("x\u2066y", "direction"),
    ("é" * 128, "too long"),  # 256 bytes in UTF-8 for 128 characters
    ("a" * 300, "too long"),
    ("CON", "reserved"),
    ("con.txt", "reserved"),
    ("LPT1", "reserved"),
    ("report.", "end with a dot"),
    ("...", "end with a dot"),
]


@pytest.mark.parametrize(("raw", "message"), REFUSED)
def test_refused_names_say_why(raw, message):
    """Each hostile name is refused with code bad_name and a message naming the problem."""
    with pytest.raises(ActionError) as error:
        clean_name(raw)
    assert error.value.code == "bad_name" and error.value.field == "name"
    assert message in error.value.message


@pytest.mark.parametrize(("raw", "stored"), [
    ("  report.pdf  ", "report.pdf"),
    ("e\u0301te\u0301.txt", "été.txt"),  # decomposed accents are stored composed (NFC)
    ("a" * 255, "a" * 255),
    ("CONTRACT.pdf", "CONTRACT.pdf"),
    (".bashrc", ".bashrc"),
    ("famille 👨‍👩‍👧.jpg", "famille 👨‍👩‍👧.jpg"),  # zero-width joiners are fine
    ("trailing space ", "trailing space"),
])
def test_accepted_names(raw, stored):
    assert clean_name(raw) == stored


def test_name_keys_fold_case_and_form():
    assert name_key("Report.PDF") == name_key("report.pdf")
    assert name_key("e\u0301te\u0301") == name_key("ÉTÉ")
    assert name_key("Straße") == name_key("STRASSE")


def test_numbered_names_keep_the_extension_and_the_limit():
    assert numbered("report.pdf", 2) == "report (2).pdf"
    assert numbered("Reports", 3) == "Reports (3)"
    long = numbered("a" * 250 + ".txt", 2)
    assert long.endswith(" (2).txt") and len(long.encode()) <= 255


@pytest.mark.django_db
def test_names_differing_in_case_clash_in_a_folder(drive):
    """"Plan.TXT" is the same name as "plan.txt": a new version, never a second file; a
    folder of that name is refused with 409."""
    member = drive.world.member
    again = make_file(member, drive.folder, "Plan.TXT", b"v2")
    assert again.pk == drive.file.pk and again.versions.count() == 2
    assert again.name == "plan.txt"
    with pytest.raises(Conflict):
        make_folder(member, drive.folder, "PLAN.txt")
    make_folder(member, drive.folder, "Sub")
    with pytest.raises(Conflict) as error:
        make_file(member, drive.folder, "sub")
    assert error.value.code == "name_taken"


@pytest.mark.django_db
def test_a_hostile_name_stores_nothing(drive):
    from atrium.kernel.models import Blob

    before = Blob.objects.count()
    with pytest.raises(ActionError):
        make_file(drive.world.member, drive.folder, "../../escape.txt", b"x")
    assert Blob.objects.count() == before
