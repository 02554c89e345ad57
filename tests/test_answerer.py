"""The answerer as the bot uses it: one reply per question, and fresh figures after a rebuild."""

from __future__ import annotations

import pytest
from support import copy_data

from bot import build
from bot.answerer import Answerer


@pytest.fixture
def live(tmp_path):
    data = copy_data(tmp_path)
    db = tmp_path / "report.db"
    answerer = Answerer.from_paths(data, db, check_every=0)
    return answerer, data, db


def test_topic_and_search(live):
    answerer, _, _ = live
    reply = answerer.topic("mss_responsibility", "ko")
    assert reply and reply.lang == "ko" and "113명 중 92명(81.4%)" in reply.text
    assert answerer.topic("no_such_topic") is None
    headline = answerer.search("")
    assert headline and all(not r.declined for r in headline)
    assert answerer.search("russia")[0].intent in {"arrest_location", "russia_arrests"}
    assert answerer.search("how many were executed") == []


def test_a_rebuilt_database_is_picked_up_without_restart(live):
    answerer, data, db = live
    assert "Radio Free Asia (Korean service)" in answerer.ask("religion").text
    sources = data / "sources.yaml"
    sources.write_text(
        sources.read_text(encoding="utf-8").replace("Radio Free Asia (Korean service)", "RFA Korean"), encoding="utf-8"
    )
    build.build(data, db)
    assert "RFA Korean" in answerer.ask("religion").text


def test_a_broken_database_file_keeps_the_old_one_serving(live, caplog):
    answerer, _, db = live
    db.write_bytes(b"not a database")
    reply = answerer.ask("mss share")
    assert "92 of 113" in reply.text
    assert "still serving the previous database" in caplog.text


def test_declined_questions_go_to_the_opt_in_log_and_answered_ones_do_not(live, tmp_path):
    import json

    from bot.unanswered import UnansweredLog

    answerer, _, _ = live
    answerer.on_decline = UnansweredLog(tmp_path / "unanswered.jsonl").record
    answerer.ask("How many victims were executed? call me at +82 10 1234 5678")
    answerer.ask("mss share")
    lines = (tmp_path / "unanswered.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert "executed" in record["question"] and "1234" not in record["question"]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_category_quote_opens_as_the_category_answer_does_with_its_caveat_and_outlets(telegram_answerer, lang):
    """The card under "arrested in China?" cites the figure the answer led with, never the topic's first one."""
    data, writer = telegram_answerer.data, telegram_answerer.writer
    quoted = 0
    for intent in data.intents.values():
        for breakdown in intent.breakdowns:
            for f in data.categories(breakdown):
                card = telegram_answerer.quote(intent.id, lang, f.category)
                assert card is not None
                opening = writer.category_answer(intent, f, lang).body.split(". ")[0]
                sentence, source = card.split("\n\n")
                assert sentence.startswith(opening), (intent.id, f.id)
                assert not f.note or f.note[lang] in sentence
                for sid in f.cite:
                    assert data.sources[sid].url in source, (intent.id, f.id, sid)
                quoted += 1
    assert quoted > 30
    china = telegram_answerer.quote("arrest_location", lang, "china")
    assert "19" in china.split("\n")[0] and china != telegram_answerer.quote("arrest_location", lang)
    assert telegram_answerer.quote("arrest_location", lang, "atlantis") == telegram_answerer.quote(
        "arrest_location", lang
    )


def test_an_age_the_report_lacks_is_declined_naming_the_groups_it_has(live):
    answerer, _, _ = live
    reply = answerer.ask("how many children under 18?")
    assert reply.kind == "decline"
    assert "in their 20s or 30s and children under 10" in reply.text
    korean = answerer.ask("18세 미만 아동은 몇 명?")
    assert "20~30대·10세 미만 아동" in korean.text


@pytest.mark.parametrize(
    ("question", "kind", "verdict"),
    [
        ("how many people disappeared over religion?", "answer", None),
        ("종교 때문에 잡혀간 사람 몇 명이야?", "answer", None),
        ("exactly 6 people for religion, right?", "answer", "not_in_report"),
        ("how many for religion? the NUMBER not the %", "decline", None),
        ("종교 때문에 잡혀간 사람 정확히 몇 명이야? 퍼센트 말고", "decline", None),
    ],
)
def test_a_count_of_a_share_only_category_gets_the_share_saying_no_count_was_published(live, question, kind, verdict):
    """The report gives religion only as a share (5.3%): asked or told a count, the user gets the share and the
    fact that no count exists, as an answer narrowed to the category (its Quote quotes it); refusing a share
    ("not the %") gets the same words as a decline. Never a count."""
    answerer, _, _ = live
    reply = answerer.ask(question)
    assert (reply.kind, reply.verdict) == (kind, verdict)
    assert "5.3%" in reply.text and " 6 " not in f" {reply.body} "
    assert ("no count" in reply.text) or ("공개하지 않았" in reply.text)
    assert "publishes the share, not a count" not in reply.body and "인원수 미공개" not in reply.body  # said once
    if kind == "answer":
        assert (reply.intent, reply.category) == ("reasons", "religion")
