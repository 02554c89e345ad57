"""The README tells the truth: its example answers are real output, its commands are the ones CI runs."""

from __future__ import annotations

import re
import shlex

import pytest
from click.testing import CliRunner
from support import PROJECT

from bot.cli import main

README = (PROJECT / "README.md").read_text(encoding="utf-8")
EXAMPLE = re.compile(r"```console\n\$ (nkbot ask [^\n]+)\n(.*?)```", re.S)


def _examples() -> list[tuple[str, str]]:
    return EXAMPLE.findall(README)


def test_readme_shows_an_english_and_a_korean_example():
    questions = [cmd for cmd, _ in _examples()]
    assert len(questions) >= 2
    assert any(re.search(r"[\uac00-\ud7a3]", q) for q in questions)


@pytest.mark.parametrize(("command", "expected"), _examples())
def test_readme_examples_are_real_output(command, expected):
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == expected.strip()


def _setup_commands() -> list[str]:
    block = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(?:sh|bash)\n(.+?)\n```", block, re.S)


def test_readme_has_two_setup_commands_and_ci_runs_the_test_one():
    commands = _setup_commands()
    assert len(commands) == 2, commands
    run_main, run_tests = commands
    assert "nkbot" in run_main and "pip install" in run_main
    assert "pytest" in run_tests
    ci = (PROJECT / ".ci" / "run").read_text(encoding="utf-8")
    assert run_tests in ci.splitlines()


def test_every_command_is_documented_in_the_readme():
    for name in main.commands:
        assert f"nkbot {name}" in README, name


def test_every_setting_is_documented_in_the_readme():
    import inspect

    from bot import config

    for variable in set(re.findall(r'env\.get\("([A-Z_]+)"\)', inspect.getsource(config.from_env))):
        assert f"`{variable}`" in README, variable
