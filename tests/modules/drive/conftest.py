from __future__ import annotations

import pytest

from tests.modules.drive.factories import DriveWorld, make_drive_world


@pytest.fixture
def drive(db) -> DriveWorld:
    return make_drive_world()
