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


def test_every_command_is_documented_in_docs_commands_which_the_readme_links():
    commands = (PROJECT / "docs" / "COMMANDS.md").read_text(encoding="utf-8")
    for name in main.commands:
        assert f"`nkbot {name}" in commands, name
    assert "(docs/COMMANDS.md)" in README


def _tables(text: str) -> list[str]:
    return re.findall(r"(?:^\|.*\|\n)+", text, re.M)


def test_the_readme_has_one_settings_table_and_it_is_the_one_in_the_code():
    from bot import config

    settings = [t for t in _tables(README) if "`NKBOT_DB`" in t or "`TELEGRAM_BOT_TOKEN`" in t]
    assert settings == [config.settings_table() + "\n"], "paste `python -m bot.config` into the README's Settings"
    section = README.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    assert config.settings_table() in section


def test_the_settings_definition_is_what_from_env_reads():
    import inspect

    from bot import config

    read = set(re.findall(r'env\.get\("([A-Z_]+)"\)', inspect.getsource(config.from_env)))
    assert read == {s.variable for s in config.SETTINGS}


def test_the_readme_links_the_report_itself():
    import yaml

    report = yaml.safe_load((PROJECT / "data" / "report.yaml").read_text(encoding="utf-8"))
    sources = yaml.safe_load((PROJECT / "data" / "sources.yaml").read_text(encoding="utf-8"))
    reliefweb = next(s["url"] for s in sources if s["id"] == "RW")
    intro = README.split("\n## ", 1)[0]
    assert f"({report['url']})" in intro and f"({reliefweb})" in intro


def test_the_readme_is_what_a_user_needs_and_the_internals_live_in_docs():
    headings = re.findall(r"^## (.+)$", README, re.M)
    for needed in ("Example", "Set up", "On Telegram", "Settings", "Deploy and operate"):
        assert needed in headings
    assert "| module | job |" not in README and "Matcher quality" not in README and "| command |" not in README
    # About two thirds of the 3,100 words it had; its examples are real output, which grew with the caveats.
    assert len(README.split()) < 2300, len(README.split())
