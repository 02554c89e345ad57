"""The `nkbot` console script, run as a user runs it: in a subprocess, with its stable JSON contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from support import PROJECT, copy_data

NKBOT = [sys.executable, "-m", "bot"]


def run(*args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*NKBOT, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def built_env(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    data = copy_data(folder)
    env = {"NKBOT_DATA_DIR": str(data), "NKBOT_DB": str(folder / "report.db")}
    assert run("build", env=env).returncode == 0
    return env


def test_ask_prints_a_sourced_answer(built_env):
    result = run(
        "ask", "What share of disappearances is the Ministry of State Security responsible for?", env=built_env
    )
    assert result.returncode == 0
    assert "92 of 113 victims (81.4%)" in result.stdout
    assert "Source:" in result.stdout and "https://" in result.stdout


def test_ask_json_contract(built_env):
    result = run("ask", "--json", "bowibu share", env=built_env)
    assert result.returncode == 0
    obj = json.loads(result.stdout)
    assert set(obj) == {"question", "lang", "kind", "intent", "confidence", "answer", "facts", "suggestions", "verdict"}
    assert obj["question"] == "bowibu share" and obj["lang"] == "en"
    assert obj["intent"] == "mss_responsibility"
    assert isinstance(obj["confidence"], int) and 0 <= obj["confidence"] <= 100
    assert "mss_total_jurisdiction" in obj["facts"]
    assert "<" not in obj["answer"]  # plain text, no markup
    assert obj["suggestions"] == []


def test_ask_json_declines_with_suggestions(built_env):
    obj = json.loads(run("ask", "--json", "how many of the victims were executed", env=built_env).stdout)
    assert obj["intent"] is None and obj["facts"] == []
    assert 2 <= len(obj["suggestions"]) <= 3
    assert "The report has no figures on" in obj["answer"]


def test_ask_json_stdin_one_object_per_line_in_order(built_env):
    questions = ["mss %", "중국에서 체포된 사람은 몇 명?", "", "weather in seoul", "how many women"] * 20
    result = run("ask", "--json", "-", stdin="\n".join(questions) + "\n", env=built_env)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(questions)
    objs = [json.loads(line) for line in lines]
    assert [o["question"] for o in objs] == questions
    assert (objs[1]["lang"] == "ko" and "113명 중" not in objs[1]["answer"]) or "19명" in objs[1]["answer"]


def test_ask_lang_forces_korean(built_env):
    obj = json.loads(run("ask", "--json", "--lang", "ko", "mss", env=built_env).stdout)
    assert obj["lang"] == "ko" and "113명 중 92명(81.4%)" in obj["answer"]


BAD_INPUTS = {
    "empty": "",
    "whitespace": "   \t  ",
    "huge": "why " * 2500,
    "emoji only": "😀🔥🇰🇵",
    "control characters": "\x00\x01\x1b[31mmss\x07",
    "sql": "'; DROP TABLE findings; --",
    "html": "<script>alert('x')</script><b>bold</b>",
}


@pytest.mark.parametrize("question", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_gets_a_calm_reply(built_env, question):
    # As an argument (where the OS allows it) and on standard input (where NUL bytes can travel).
    if "\x00" not in question:
        as_arg = run("ask", question, env=built_env)
        assert as_arg.returncode == 0 and as_arg.stdout.strip() and "Traceback" not in as_arg.stderr
    result = run("ask", "--json", "-", stdin=question + "\n", env=built_env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    obj = json.loads(result.stdout)
    assert obj["answer"].strip()


def test_sql_looking_text_leaves_the_database_intact(built_env):
    run("ask", "'; DROP TABLE findings; --", env=built_env)
    assert "92 of 113" in run("ask", "mss share", env=built_env).stdout


def test_broken_data_exits_non_zero_naming_file_entry_problem(tmp_path):
    data = copy_data(tmp_path)
    path = data / "findings.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("sources: [KH]\n", "sources: [KHX]\n", 1), encoding="utf-8"
    )
    env = {"NKBOT_DATA_DIR": str(data), "NKBOT_DB": str(tmp_path / "report.db")}
    for args in (["build"], ["ask", "mss"]):
        result = run(*args, env=env)
        assert result.returncode == 1
        assert "findings.yaml" in result.stderr and "unknown source id 'KHX'" in result.stderr
        assert "entry '" in result.stderr and "Traceback" not in result.stderr


def test_links_prints_a_deep_link_per_topic(built_env):
    result = run("links", "--username", "@nowhere_bot", env=built_env)
    lines = result.stdout.splitlines()
    assert "https://t.me/nowhere_bot?start=mss_responsibility" in result.stdout
    assert len(lines) >= 20


def test_every_command_has_help_with_an_example():
    from click.testing import CliRunner

    from bot.cli import main

    runner = CliRunner()
    for name in main.commands:
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.output, name


def test_check_passes_on_the_shipped_data_and_names_the_examples_it_misses(built_env):
    """The Docker image is built only if `nkbot check` passes, and its HEALTHCHECK runs it."""
    result = run("check", env=built_env)
    assert result.returncode == 0, result.stdout
    summary, *rest = result.stdout.splitlines()
    assert summary.startswith("OK: database ok;") and "0 figure mismatches" in summary
    assert all(line.startswith("note: ") for line in rest)


def test_check_fails_when_a_topic_loses_its_examples(built_env):
    from bot import build
    from bot.answerer import Answerer
    from bot.check import example_failures
    from bot.config import PACKAGE_DATA

    answerer = Answerer(build.compile_data(PACKAGE_DATA))
    examples = answerer.data.intents["sex"].examples["en"]
    lost = {("sex", "en"): [f"{e!r} -> declined (low_confidence)" for e in examples]}
    failures = example_failures(answerer, lost)
    assert any(f.startswith("sex (en):") for f in failures)
    assert example_failures(answerer, {("sex", "en"): lost[("sex", "en")][:1]}) == []


def test_json_contract_gives_kind_and_verdict(built_env):
    questions = [
        "85% were taken by the MSS, right?",
        "nearly 80 percent were arrested inside North Korea?",
        "Is it true that 90 of 113 victims were arrested inside North Korea?",
        "hello",
        "How many victims were executed?",
    ]
    result = run("ask", "--json", "-", stdin="\n".join(questions) + "\n", env=built_env)
    assert result.returncode == 0, result.stderr
    got = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(g["kind"], g["verdict"]) for g in got] == [
        ("answer", "differs"),
        ("answer", "rounded"),
        ("answer", "exact"),
        ("smalltalk", None),
        ("decline", None),
    ]
    assert got[3]["intent"] is None and got[4]["intent"] is None and got[3]["facts"] == []


def test_json_conversation_reads_follow_ups_against_the_answer_before(built_env):
    lines = "how many were arrested in China?\nand in Russia?\n몇 퍼센트야?\nin Korean please\n"
    result = run("ask", "--json", "--conversation", "-", stdin=lines, env=built_env)
    assert result.returncode == 0, result.stderr
    got = [json.loads(line) for line in result.stdout.splitlines()]
    assert [g["intent"] for g in got] == ["arrest_location"] * 4
    assert "Russia" in got[1]["answer"] and got[3]["lang"] == "ko" and "러시아" in got[3]["answer"]
    alone = run("ask", "--json", "-", stdin=lines, env=built_env)  # without --conversation, each stands alone
    assert [json.loads(line)["kind"] for line in alone.stdout.splitlines()][2] == "decline"


def test_ask_lang_chooses_the_answer_language_not_how_the_question_is_read(built_env):
    english = json.loads(run("ask", "--json", "--lang", "ko", "How many victims were there?", env=built_env).stdout)
    assert (english["kind"], english["intent"], english["lang"]) == ("answer", "cases", "ko")
    assert "113명" in english["answer"] and english["confidence"] > 0
    korean = json.loads(run("ask", "--json", "--lang", "en", "연좌제", env=built_env).stdout)
    assert (korean["kind"], korean["intent"], korean["lang"]) == ("answer", "reasons", "en")
    assert "guilt by association" in korean["answer"]
    chat = run("chat", "--lang", "ko", stdin="How many victims were there?\n", env=built_env)
    assert "113명" in chat.stdout and "확실하지 않습니다" not in chat.stdout


@pytest.mark.parametrize(
    ("typed", "lang"),
    [("china_arrests", "en"), ("Arrests in China", "en"), ("arrests in china", "en"), ("중국 내 체포", "ko")],
)
def test_ask_a_topic_as_topics_lists_it_answers_that_topic(built_env, typed, lang):
    listed = run("chat", stdin="topics\n", env=built_env).stdout
    assert "china_arrests" in listed and "Arrests in China" in listed
    obj = json.loads(run("ask", "--json", typed, env=built_env).stdout)
    assert (obj["intent"], obj["lang"]) == ("china_arrests", lang)


def test_links_without_a_username_asks_for_one_and_exits_non_zero(built_env):
    result = run("links", env=built_env)
    assert result.returncode == 2
    assert "--username" in result.stderr and "TELEGRAM_BOT_USERNAME" in result.stderr
    assert "your_bot" not in result.stdout and "t.me" not in result.stdout
    from_env = run("links", env={**built_env, "TELEGRAM_BOT_USERNAME": "nowhere_report_bot"})
    assert from_env.returncode == 0 and "https://t.me/nowhere_report_bot?start=overview" in from_env.stdout


@pytest.mark.parametrize("name", ["abot", "nowhere_report", "nowhere-report-bot", "a" * 30 + "bot", "t.me/x_bot"])
def test_links_refuses_a_name_telegram_would_not_give_a_bot(built_env, name):
    result = run("links", "--username", name, env=built_env)
    assert result.returncode == 2 and result.stdout == ""
    assert f"--username {name!r} is not a bot username" in result.stderr


def test_chat_under_lang_ko_greets_in_korean_and_knows_korean_commands(built_env):
    result = run("chat", "--lang", "ko", stdin="주제\n종료\nmss\n", env=built_env)
    assert result.returncode == 0
    banner = result.stdout.splitlines()[0]
    assert "질문하세요" in banner and "'주제'" in banner and "'종료'" in banner and "Ask about" not in banner
    assert "중국 내 체포" in result.stdout  # the topics, by their Korean titles
    assert "113명 중 92명" not in result.stdout  # 종료 left before the last line was asked
    english = run("chat", stdin="주제\n", env=built_env).stdout
    assert english.startswith("Ask about") and "중국 내 체포" in english and "확실하지 않습니다" not in english


@pytest.mark.parametrize("leave", ["q", "/quit", "quit", "종료", "Q"])
def test_chat_understands_the_usual_ways_to_leave(built_env, leave):
    result = run("chat", stdin=f"{leave}\nmss\n", env=built_env)
    assert result.returncode == 0
    assert "92 of 113" not in result.stdout and "not sure which" not in result.stdout


def test_ask_json_question_is_the_question_as_read_without_surrounding_spaces(built_env):
    result = run("ask", "--json", "-", stdin="\n   \n  mss  \n", env=built_env)
    assert [json.loads(line)["question"] for line in result.stdout.splitlines()] == ["", "", "mss"]


def test_check_names_the_invalid_data_file_and_entry_instead_of_the_database(tmp_path):
    data = copy_data(tmp_path)
    env = {"NKBOT_DATA_DIR": str(data), "NKBOT_DB": str(tmp_path / "report.db")}
    assert run("build", env=env).returncode == 0
    path = data / "findings.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("sources: [KH]\n", "sources: [KHX]\n", 1), encoding="utf-8"
    )
    result = run("check", env=env)
    assert result.returncode == 1
    assert f"data is not valid: {path}: entry '" in result.stdout and "unknown source id 'KHX'" in result.stdout
    assert "cannot open the database" not in result.stdout and "brings it up to date" not in result.stdout
    (tmp_path / "report.db").unlink()
    missing = run("check", env=env)
    assert missing.returncode == 1 and "unknown source id 'KHX'" in missing.stdout
