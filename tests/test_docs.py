"""The documentation keeps up with the code: every environment variable is documented."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "src" / "atrium"
# env_str("X", env_bool("X", env_int("X", env_list("X", os.environ.get("X", os.getenv("X",
# os.environ["X"], os.environ.setdefault("X", with any spacing or line breaks.
READ = re.compile(
    r"""(?:\benv_(?:str|bool|int|list)|\bos\.environ\.(?:get|setdefault|pop)|\bgetenv"""
    r"""|\bos\.environ)"""
    r"""\s*[(\[]\s*["']([A-Z][A-Z0-9_]+)["']"""
)


# The operating system's own, passed on to child processes, not Atrium settings.
SYSTEM = {"PATH", "HOME", "LANG", "TMPDIR"}


def variables_read() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in SOURCES.rglob("*.py"):
        for name in READ.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def documented_table_names() -> set[str]:
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", text, flags=re.MULTILINE))


def test_the_scan_finds_the_variables_of_settings_config_and_cli():
    """The scanner sees variables from each of the three configuration files."""
    found = variables_read()
    assert {"ATRIUM_SECRET_KEY", "ATRIUM_DATA_DIR"} <= set(found)  # config.py
    assert {"DATABASE_URL", "REDIS_URL", "ATRIUM_S3_BUCKET"} <= set(found)  # settings.py
    assert {"ATRIUM_PORT", "ATRIUM_FORWARDED_ALLOW_IPS"} <= set(found)  # cli.py


def test_every_environment_variable_is_in_the_configuration_table():
    """Each variable the code reads has its own row in docs/configuration.md."""
    missing = {name: sorted(where) for name, where in variables_read().items()
               if name not in documented_table_names() and name not in SYSTEM}
    assert not missing, f"document these in docs/configuration.md: {missing}"


def test_the_table_documents_no_variable_the_code_does_not_read():
    """A row for a variable nobody reads any more is removed too."""
    stale = documented_table_names() - set(variables_read())
    assert not stale, f"no code reads these any more: {sorted(stale)}"
