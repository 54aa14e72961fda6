from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from atrium import cli


@pytest.fixture
def atrium(capsys):
    """Run `atrium ARGS…` in this process; returns (exit code, stdout, stderr)."""

    def run(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def atrium_process(tmp_path):
    """Run the installed `atrium` command in a fresh process with `env` added."""
    script = shutil.which("atrium", path=str(Path(sys.executable).parent))
    command = [script] if script else [sys.executable, "-m", "atrium.cli"]

    def run(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
        environ = {k: v for k, v in os.environ.items()
                   if not k.startswith(("ATRIUM_", "DJANGO_")) and k not in ("DATABASE_URL",
                                                                           "REDIS_URL")}
        environ.update({"ATRIUM_DATA_DIR": str(tmp_path / "data"), **env})
        return subprocess.run([*command, *argv], capture_output=True, text=True, env=environ,
                              timeout=120, check=False)

    return run
