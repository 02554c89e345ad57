"""The opt-in unanswered log: what a record holds (and does not), redaction, the summary, `nkbot unanswered`."""

from __future__ import annotations

import inspect
import json
import logging
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot import unanswered
from bot.cli import unanswered_command
from bot.matching import Candidate, Match
from bot.unanswered import UnansweredLog, normalise, summarise

MOMENT = datetime(2025, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)
CANDIDATES = (
    Candidate("mss_share", 41.5),
    Candidate("deaths", 39.25, out_of_scope=True),
    Candidate("arrest_country", 30.0),
    Candidate("victims_total", 12.0),
)


def declined(lang: str = "en", reason: str = "low_confidence", candidates=CANDIDATES) -> Match:
    return Match(lang, None, 41, candidates, declined=reason)


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "unanswered.jsonl"


@pytest.fixture
def fixed_log(log_path: Path) -> UnansweredLog:
    """A log whose clock always says MOMENT."""
    return UnansweredLog(log_path, clock=lambda: MOMENT)


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_record_holds_the_question_and_nothing_about_who_asked(fixed_log, log_path):
    fixed_log.record("  How many were EXECUTED?\n", declined())
    [record] = lines(log_path)
    assert set(record) == {"question", "lang", "hour", "reason", "candidates"}
    assert record == {
        "question": "how many were executed?",
        "lang": "en",
        "hour": "2025-03-14T15:00:00+00:00",
        "reason": "low_confidence",
        "candidates": [
            {"topic": "mss_share", "score": 41.5, "out_of_scope": False},
            {"topic": "deaths", "score": 39.2, "out_of_scope": True},
            {"topic": "arrest_country", "score": 30.0, "out_of_scope": False},
        ],
    }
    assert all(set(c) == {"topic", "score", "out_of_scope"} for c in record["candidates"])


def test_the_api_has_no_way_to_pass_who_asked():
    assert list(inspect.signature(UnansweredLog.record).parameters) == ["self", "question", "match"]
    assert list(inspect.signature(UnansweredLog).parameters) == ["path", "clock"]


def test_the_file_is_private_to_its_owner(fixed_log, log_path):
    fixed_log.record("what about prison camps", declined())
    assert log_path.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("moment", "hour"),
    [
        (MOMENT, "2025-03-14T15:00:00+00:00"),
        (datetime(2025, 3, 14, 15, 59, 59, 999999, tzinfo=UTC), "2025-03-14T15:00:00+00:00"),
        (datetime(2025, 3, 15, 0, 30, tzinfo=timezone(timedelta(hours=9))), "2025-03-14T15:00:00+00:00"),
    ],
)
def test_the_time_is_rounded_down_to_the_hour_in_utc(log_path, moment, hour):
    UnansweredLog(log_path, clock=lambda: moment).record("x y", declined())
    assert lines(log_path)[0]["hour"] == hour


def test_the_default_clock_is_now_rounded_down(log_path):
    before = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    UnansweredLog(log_path).record("anything", declined())
    hour = datetime.fromisoformat(lines(log_path)[0]["hour"])
    assert hour.tzinfo is not None and (hour.minute, hour.second, hour.microsecond) == (0, 0, 0)
    assert before <= hour <= datetime.now(UTC)


def test_answered_questions_are_never_logged(fixed_log, log_path):
    fixed_log.record("what share is the mss responsible for", Match("en", "mss_share", 90, CANDIDATES))
    assert not log_path.exists()


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Call me on 010-1234-5678 please", "call me on [phone] please"),
        ("my number: +82 2 123 4567", "my number: [phone]"),
        ("(02) 123-4567 or 02.123.4567", "[phone] or [phone]"),
        ("주민번호 900101-1234567 알려줘", "주민번호 [phone] 알려줘"),
        ("write to Kim.Lee+nk@Example.co.kr", "write to [email]"),
        ("see https://example.org/a?b=c and www.foo.net", "see [url] and [url]"),
        ("t.me/somebody said so", "[url] said so"),
        ("my blog kimlee.kr/post/3", "my blog [url]"),
        ("ask @Kim_Lee_1987 about it", "ask [username] about it"),
        ("ＣＡＬＬ ０１０－１２３４－５６７８", "call [phone]"),
        ("call me on 1234-5678 tonight", "call me on [phone] tonight"),  # a local number, 8 digits
        ("passport no. M12345678 was taken", "passport no. [id] was taken"),
        ("Hi, I am Kim Min-jun. how many victims?", "hi, i am [name]. how many victims?"),
        ("my name is Park Ji-sung, what about women", "my name is [name], what about women"),
        ("저는 김민준입니다. 피해자는 몇 명?", "저는 [name]입니다. 피해자는 몇 명?"),
        ("write to kim @ example . com", "write to [email]"),
        ("I am a journalist: how many victims?", "i am a journalist: how many victims?"),
        # Figures, years and dates are questions, not personal data: kept.
        ("victims 2014-2019?", "victims 2014-2019?"),
        ("report of 2024.10.31 and 2024-10-31", "report of 2024.10.31 and 2024-10-31"),
        ("81.4% of 113 victims, 62 escapees", "81.4% of 113 victims, 62 escapees"),
        ("e.g. the U.N. review", "e.g. the u.n. review"),
    ],
)
def test_contact_details_and_links_are_redacted(question, expected):
    assert normalise(question) == expected


def test_text_is_lower_cased_collapsed_stripped_of_controls_and_capped():
    assert normalise("Hello\x00\t\tWORLD\u200b!\r\n\u2028NEXT\u202e") == "hello world! next"
    assert normalise("") == ""
    long = normalise("word " * 200)
    assert len(long) <= unanswered.MAX_CHARS and long.startswith("word word")
    assert normalise("보위성이  책임진\n비율은?") == "보위성이 책임진 비율은?"


def test_redaction_happens_before_the_cut():
    question = "x" * 290 + " 010-1234-5678"
    assert "1234" not in normalise(question)


def test_a_long_message_is_cut_at_a_word_so_nothing_is_half_redacted():
    url = "https://example.org/" + "a" * (unanswered.MAX_INPUT - 50)  # shrinks to [url]: what follows moves up
    question = f"{url} {'x' * 18} 010-1234-5678 and more"  # the window ends inside the number: 010-1234-5
    assert question.index("010") < unanswered.MAX_INPUT < question.index("5678") + 4
    assert normalise(question).startswith("[url] xxx")
    assert "010" not in normalise(question) and "1234" not in normalise(question)
    assert normalise("가" * 5000) == "", "one endless word: nothing safe to keep"


def test_a_question_of_nothing_is_not_logged(fixed_log, log_path):
    fixed_log.record("\x00\u200b \n", declined())
    assert not log_path.exists()


def test_recording_never_raises(tmp_path, caplog):
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    log = UnansweredLog(blocked / "unanswered.jsonl")  # its folder is a file
    with caplog.at_level(logging.WARNING, logger="bot.unanswered"):
        log.record("how many were executed", declined())
        log.record(None, declined())  # type: ignore[arg-type]
        log.record("q", None)  # type: ignore[arg-type]
    assert "cannot write" in caplog.text
    assert "executed" not in caplog.text, "the warning never repeats the question"


def test_concurrent_records_from_threads_do_not_interleave(fixed_log, log_path):
    threads_count, per_thread = 8, 150
    barrier = threading.Barrier(threads_count)

    def write(n: int) -> None:
        barrier.wait()
        for i in range(per_thread):
            fixed_log.record(f"thread {n} question {i} " + "padding " * 30, declined())

    threads = [threading.Thread(target=write, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    records = lines(log_path)  # every line is whole JSON
    assert len(records) == threads_count * per_thread
    questions = {r["question"].split(" padding")[0] for r in records}
    assert len(questions) == threads_count * per_thread


async def test_records_from_an_event_loop(fixed_log, log_path):
    fixed_log.record("asked from a handler", declined())
    assert lines(log_path)[0]["question"] == "asked from a handler"


# --- summary ----------------------------------------------------------------------------------------


def write_log(path: Path, questions: list[tuple[str, str, str]]) -> None:
    """(question, lang, hour) records with fixed candidates."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for question, lang, hour in questions:
            record = {
                "question": question,
                "lang": lang,
                "hour": hour,
                "reason": "out_of_scope" if "camp" in question else "low_confidence",
                "candidates": [
                    {"topic": "deaths" if "camp" in question else "mss_share", "score": 40.0, "out_of_scope": False},
                    {"topic": "victims_total", "score": 20.0, "out_of_scope": False},
                ],
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def test_summary_groups_identical_questions_most_frequent_first(log_path):
    write_log(
        log_path,
        [
            ("prison camp population", "en", "2025-01-01T10:00:00+00:00"),
            ("how many died", "en", "2025-01-01T10:00:00+00:00"),
            ("prison camp population", "en", "2025-01-02T10:00:00+00:00"),
            ("정치범수용소 인원", "ko", "2025-01-02T11:00:00+00:00"),
            ("prison camp population", "ko", "2025-01-03T09:00:00+00:00"),
            ("how many died", "en", "2025-01-04T10:00:00+00:00"),
            ("what about 2016", "en", "2025-01-05T10:00:00+00:00"),
        ],
    )
    entries = summarise(log_path)
    assert [(e.question, e.count) for e in entries] == [
        ("prison camp population", 3),
        ("how many died", 2),
        ("what about 2016", 1),  # ties: the most recently asked first
        ("정치범수용소 인원", 1),
    ]
    top = entries[0]
    assert top.langs == ("en", "ko")
    assert top.reasons == ("out_of_scope",)
    assert top.topics == (("deaths", 3), ("victims_total", 3))
    assert top.last_seen == "2025-01-03T09:00:00+00:00"


def test_summary_skips_garbled_lines(log_path, caplog):
    write_log(log_path, [("how many died", "en", "2025-01-01T10:00:00+00:00")])
    with log_path.open("a", encoding="utf-8") as out:
        out.write("not json at all\n")
        out.write('{"question": "cut off mid-wri\n')
        out.write("\n")
        out.write('["a", "list"]\n')
        out.write('{"lang": "en"}\n')
        out.write('{"question": "no candidates field", "lang": "en", "hour": "2025-01-01T11:00:00+00:00"}\n')
    with log_path.open("ab") as out:
        out.write(b'{"question": "bad \xff bytes", "candidates": [7, {"topic": 3}]}\n')
    entries = summarise(log_path)
    assert {e.question: e.count for e in entries} == {
        "how many died": 1,
        "no candidates field": 1,
        "bad \ufffd bytes": 1,
    }


def test_summary_of_a_missing_log_is_empty(tmp_path):
    assert summarise(tmp_path / "nothing.jsonl") == []


def test_records_round_trip_through_the_summary(fixed_log, log_path):
    for question in ["Prison camps?", "prison   CAMPS?", "deaths"]:
        fixed_log.record(question, declined("en", "out_of_scope"))
    entries = summarise(log_path)
    assert [(e.question, e.count) for e in entries] == [("prison camps?", 2), ("deaths", 1)]
    assert entries[0].topics[0] == ("mss_share", 2)


# --- nkbot unanswered --------------------------------------------------------------------------------


def test_command_prints_a_table_most_frequent_first(log_path):
    write_log(
        log_path,
        [
            ("how many died", "en", "2025-01-01T10:00:00+00:00"),
            ("prison camp population", "en", "2025-01-01T10:00:00+00:00"),
            ("prison camp population", "ko", "2025-01-02T10:00:00+00:00"),
        ],
    )
    result = CliRunner().invoke(unanswered_command, ["--log", str(log_path)], env={"NKBOT_UNANSWERED_LOG": ""})
    assert result.exit_code == 0, result.output
    header, first, second, *rest = result.output.splitlines()
    assert header.split()[:2] == ["count", "lang"] and header.endswith("question")
    assert first.split()[0] == "2" and first.endswith("prison camp population") and "en,ko" in first
    assert "deaths (2)" in first
    assert second.split()[0] == "1" and second.endswith("how many died")
    assert "2 of 2 distinct questions shown; 3 declined questions" in rest[-1]


def test_command_limit_and_default_path_from_the_environment(log_path):
    write_log(log_path, [(f"question {i}", "en", "2025-01-01T10:00:00+00:00") for i in range(5)])
    result = CliRunner().invoke(unanswered_command, ["--limit", "2"], env={"NKBOT_UNANSWERED_LOG": str(log_path)})
    assert result.exit_code == 0, result.output
    assert "2 of 5 distinct questions shown" in result.output
    assert len([line for line in result.output.splitlines() if line.endswith(tuple("01234"))]) == 2


def test_command_says_clearly_when_the_log_is_off():
    result = CliRunner().invoke(unanswered_command, [], env={"NKBOT_UNANSWERED_LOG": ""})
    assert result.exit_code == 2
    assert "NKBOT_UNANSWERED_LOG" in result.output and "off" in result.output


def test_command_with_no_log_yet(tmp_path):
    result = CliRunner().invoke(unanswered_command, ["--log", str(tmp_path / "none.jsonl")])
    assert result.exit_code == 0
    assert "no declined questions logged yet" in result.output


def test_command_reports_a_bad_setting(tmp_path):
    result = CliRunner().invoke(unanswered_command, [], env={"NKBOT_WEBHOOK_PORT": "nope"})
    assert result.exit_code == 2 and "NKBOT_WEBHOOK_PORT" in result.output


def test_command_help_has_an_example():
    result = CliRunner().invoke(unanswered_command, ["--help"])
    assert result.exit_code == 0 and "Example: nkbot unanswered" in result.output
