"""`atrium --help` documents every command; a bad configuration is a clear message."""

import pytest

COMMANDS = ["serve", "worker", "demo", "createuser", "check", "manage"]


def test_help_lists_every_command_with_its_purpose(atrium_process):
    """`atrium --help` names each command with a one-line description."""
    result = atrium_process("--help")
    assert result.returncode == 0, result.stderr
    for command in COMMANDS:
        assert command in result.stdout
    assert "demo organisation" in result.stdout
    assert "check the configuration" in result.stdout
    assert "docs/configuration.md" in result.stdout


@pytest.mark.parametrize("command, option", [
    ("serve", "--workers"), ("worker", "--interval"), ("demo", "--password"),
    ("createuser", "--password-stdin"), ("check", "--deploy"),
])
def test_each_command_documents_its_options(atrium, capsys, command, option):
    """`atrium COMMAND --help` explains that command's options."""
    with pytest.raises(SystemExit) as exit_info:
        atrium(command, "--help")
    assert exit_info.value.code == 0
    assert option in capsys.readouterr().out


@pytest.mark.parametrize("env, message", [
    ({"ATRIUM_SECRET_KEY": "short"}, "ATRIUM_SECRET_KEY must be at least 32 characters"),
    ({"ATRIUM_DEBUG": "maybe"}, "ATRIUM_DEBUG must be true or false"),
    ({"DATABASE_URL": "nosuchdb://x"}, "nosuchdb"),
])
def test_bad_configuration_is_one_clear_line(atrium_process, env, message):
    """A variable Atrium cannot use exits with 2 and names it, without a traceback."""
    result = atrium_process("check", **env)
    assert result.returncode == 2
    assert "configuration error" in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_port_is_a_configuration_error(atrium_process):
    """ATRIUM_PORT that is not a number is reported before anything starts."""
    result = atrium_process("serve", ATRIUM_PORT="eighty")
    assert result.returncode == 2
    assert "ATRIUM_PORT must be a whole number" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_command_is_a_usage_error(atrium_process):
    """A mistyped command gets argparse's usage message and exit code 2."""
    result = atrium_process("serv")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
