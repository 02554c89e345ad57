"""Every sentence the bot shows, in English and Korean: one table, so a wording change is made in one place.

Keys are grouped by where they appear: answers and declines (plain text), charts, and the Telegram menus
(Telegram HTML: the tags are ours; values filled in are escaped by bot.telegram.render). Figures and names
come from data/; nothing here states a figure.
"""

from __future__ import annotations

from . import korean

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "source": "Source",
        "reported_by": "via",
        "as_reported": "as reported by",
        "release": "press release",
        "context": "Context, not a finding of the report.",
        "derived": "computed from the report's counts",
        "derived_context": "computed from the published counts",
        "percent_only": "the report publishes the share, not a count",
        "of_all": "That is {share}% of all {total} victims ({derived}).",
        "lead_within": "{share_base} of the {base} {base_label} and {share_all}% of all {total} victims",
        "shares_both_derived": "both shares computed from the report's counts",
        "share_all_derived": "the share of all victims computed from the report's counts",
        "of_them": "Of them:",
        "of_base": "Of the {base} {label}:",
        "list_ranked": "Of {base}, {first} is the largest group with {amount}, followed by {rest}",
        "list_plain": "Of {base}: {items}",
        "derived_note_all": "The shares are computed from the report's counts.",
        "derived_note_all_context": "The shares are computed from the published counts.",
        "derived_note_some": "{shares} are computed from the report's counts.",
        "derived_note_some_context": "{shares} are computed from the published counts.",
        "list_percent_only": "For {labels} the report publishes the share, not a count.",
        "shares_some_derived": "{shares} computed from the report's counts",
        "shares_some_derived_context": "{shares} computed from the published counts",
        "shares_derived": "shares computed from the report's counts",
        "largest": "It is the largest group.",
        "second": "It is second only to {above}.",
        "smallest": "It is the smallest group.",
        "smallest_published": "It is the smallest of the published groups.",
        "behind": "Only {above} are larger.",
        "rank": "It ranks {rank} of {size} published groups.",
        "not_covered": "The report has no figures on {says}.",
        "not_found": "I'm not sure which of the report's figures you mean.",
        "unknown_number": "The report gives no figure for “{number}”.",
        "groups_instead": "Under “{topic}” it gives: {groups}.",
        "ambiguous": "Your question could mean more than one figure.",
        "empty": "Ask me about the report, for example: “What share of disappearances is the MSS responsible for?”",
        "instruction": "I don't take instructions to change or invent figures: I give the report's own, each with its source.",
        "vague": "Which figure do you mean? Say what it counts, for example: “What share of victims were women?”",
        "covers": "It does cover:",
        "or_pick": "Or pick a topic:",
        "did_you_mean": "Did you mean:",
        "about": "about",
        "verdict_exact": "Yes: {figure}.",
        "verdict_rounded": "Yes, within rounding: the report says {figure}.",
        "verdict_rounded_by": "Yes, rounded: the report says {figure}, which {by} gives as {stated}.",
        "verdict_differs": "No: the report says {figure}, not {stated}.",
        "stated_elsewhere": "{stated} is the report's figure for another group: {sentence}",
        "stated_beside": "{stated} is another of the report's figures: {sentence}",
        "share_of_all": "{share}% of all {total} victims ({count} of {total}, computed from the report's counts)",
        "count_not_published": "The report gives no count for {label}, only the share: {figure}.",
        "every_years": "every {years} years",
        "shares_derived_note": "* shares computed from the report's counts",
        "shares_derived_context_note": "* shares computed from the published counts",
        "chart_base": "Of {base} {label}",
        "chart_percent_only": "share only, no count published",
        "chart_partial": "Only the published categories are shown.",
        "greeting": "Hello! I answer questions about North Korea's enforced disappearances, every figure "
        "with its source.\n"
        "The figures come from TJWG's report <i>{report}</i> ({date}). Ask in your own words, or "
        "pick a topic:",
        "help": "<b>Ask me about TJWG's report on North Korea's enforced disappearances.</b>\n"
        "Write a question in your own words, in English or Korean, for example:\n"
        "• {example_en}\n"
        "• {example_ko}\n"
        "\n"
        "In a group, start with /ask, mention @{username}, or reply to one of my messages. In any "
        "chat, type @{username} and a few words to share a figure with its source.\n"
        "\n"
        "<b>Commands</b>\n"
        "{commands}",
        "topics": "<b>Topics</b>\nPick one to see its figures and sources:",
        "sources": "<b>Sources</b>\nThe report, and the outlets that published its figures:",
        "sources_context": "<b>Context</b> (background, not findings of the report):",
        "about_title": "<b>About this bot</b>",
        "about_report": "<b>The report.</b> <i>{report}</i>, published by the {publisher} on {date}.",
        "about_does": "<b>What the bot does.</b> It matches your question to a topic of the report and "
        "replies with the published figures, each with a source line and links. The figures "
        "live in reviewed data files checked against the report's press release and its press "
        "coverage.",
        "about_doesnt": "<b>What it does not do.</b> It does not estimate, extrapolate or invent figures: "
        "when the report has no figure for your question, it says so. It has no figures "
        "beyond this report, does not follow the news, and cannot take reports of new cases "
        "or pass messages on to anyone.",
        "about_privacy": "<b>Privacy.</b> The bot keeps no record of who you are: nothing about users is "
        "stored on disk, and its logs never put message text together with a user or chat "
        "id. A language chosen with /lang is held in memory only and is forgotten when the "
        "bot restarts. If its operators turn on the optional log of unanswered questions, "
        "the text of questions the bot could not answer is kept so they know what to add, "
        "with nothing about who asked (no user or chat id, name or username), phone "
        "numbers, e-mail addresses and links removed, and the time rounded to the hour.",
        "about_link": 'The report: <a href="{url}">{url_label}</a>',
        "not_text": "I can only read text. Send your question in words, or /topics to browse.",
        "error": "Something went wrong, please try again.",
        "ask_usage": "Write your question after the command, for example: /ask {example}",
        "lang_set": "Menus and commands are now in English. Answers follow the language of each question.",
        "lang_usage": "Choose the language of menus and commands: /lang en or /lang ko.",
        "topic_gone": "That topic is no longer available. Send /topics for the current list.",
        "unknown_command": "I don't know that command. Send /help to see what I can do.",
        "chart_usage": "<b>Charts</b>\nPick one, or name a topic after the command, for example: /chart {example}",
        "chart_unknown": "I have no chart for that. These are the charts I can send:",
        "chart_none": "“{topic}” has no chart: the report does not split it into categories. These are the charts:",
        "quote_usage": "<b>Quote</b>\n"
        "Pick a topic for a ready-to-paste citation, or name one after the command, for "
        "example: /quote {example}",
        "quote_unknown": "I couldn't find that topic in the report. Pick one for a ready-to-paste citation:",
        "command_start": "Greeting and headline topics",
        "command_topics": "Browse every topic",
        "command_ask": "Ask a question (in groups: /ask your question)",
        "command_chart": "A topic's figures as a chart: /chart topic",
        "command_quote": "A figure as a ready-to-paste citation: /quote topic",
        "command_sources": "Every source, with links",
        "command_about": "The report, this bot, and privacy",
        "command_lang": "Menu language: /lang en or /lang ko",
        "command_help": "How to ask, and the commands",
        "example_question": "What share of disappearances is the MSS responsible for?",
        "example_chart": "reasons",
        "example_quote": "mss_responsibility",
        "button_chart": "📊 Chart",
        "button_quote": "❝ Quote",
        "report_link_label": "TJWG's page on the report",
        "chat_banner": "Ask about TJWG's report on North Korea's enforced disappearances, in English or Korean. "
        "'topics' lists the topics; 'quit' (or Ctrl-D) leaves.",
    },
    "ko": {
        "source": "출처",
        "reported_by": "관련 자료:",
        "as_reported": "관련 자료:",
        "release": "보도자료",
        "context": "보고서의 조사 결과가 아닌 참고 정보입니다.",
        "derived": "보고서 수치로 계산",
        "derived_context": "공개 수치로 계산",
        "percent_only": "비율만 공개, 인원수 미공개",
        "of_all": "전체 피해자 {total}명 중 {share}%에 해당합니다({derived}).",
        "lead_within": "{base_label} {base}명 중 {share_base}, 전체 피해자 {total}명 중 {share_all}%입니다",
        "shares_both_derived": "두 비율 모두 보고서 수치로 계산",
        "share_all_derived": "전체 대비 비율은 보고서 수치로 계산",
        "of_them": "이",
        "of_base": "{label} {base}명 가운데",
        "shares_derived": "비율은 보고서 수치로 계산",
        "shares_some_derived": "{shares}는 보고서 수치로 계산",
        "shares_some_derived_context": "{shares}는 공개 수치로 계산",
        "list_ranked": "{base} 가운데 {first}가 {amount}로 가장 많았고, {rest} 순이었습니다",
        "list_plain": "{base} 가운데 {items}입니다",
        "list_percent_only": "{labels}는 비율만 공개됐고 인원수는 공개되지 않았습니다.",
        "derived_note_all": "비율은 보고서 수치로 계산한 값입니다.",
        "derived_note_all_context": "비율은 공개 수치로 계산한 값입니다.",
        "derived_note_some": "{shares}는 보고서 수치로 계산한 값입니다.",
        "derived_note_some_context": "{shares}는 공개 수치로 계산한 값입니다.",
        "largest": "{group} 가운데 가장 많습니다.",
        "smallest": "{group} 가운데 가장 적습니다.",
        "smallest_published": "공개된 {group} 가운데 가장 적습니다.",
        "behind": "{above} 다음으로 많습니다.",
        "second": "{above} 다음으로 많습니다.",
        "rank": "{size}개 가운데 {rank}번째로 많습니다.",
        "not_covered": "보고서에는 {says}에 관한 수치가 없습니다.",
        "not_found": "보고서의 어느 수치를 찾으시는지 확실하지 않습니다.",
        "unknown_number": "보고서에는 “{number}”에 해당하는 수치가 없습니다.",
        "groups_instead": "“{topic}” 항목에서 공개된 범주는 {groups}입니다.",
        "ambiguous": "질문이 여러 수치에 해당할 수 있습니다.",
        "empty": "보고서에 관해 질문해 주십시오. 예를 들면 “국가보위성 관할 아래 실종된 피해자는 몇 명인가요?”처럼 물으시면 됩니다.",
        "instruction": "수치를 바꾸거나 지어내라는 요청은 따르지 않습니다. 보고서의 수치만 출처와 함께 안내합니다.",
        "vague": "어떤 수치를 찾으시는지, 무엇을 센 수치인지 알려 주십시오. 예를 들면 “여성 피해자 비율은?”처럼 물으시면 됩니다.",
        "covers": "보고서가 다루는 주제는 다음과 같습니다.",
        "or_pick": "아래 주제를 골라 주셔도 됩니다.",
        "did_you_mean": "이런 주제를 찾으셨나요?",
        "about": "약",
        "verdict_exact": "맞습니다. 보고서 수치는 {figure}입니다.",
        "verdict_rounded": "반올림하면 맞습니다. 보고서 수치는 {figure}입니다.",
        "verdict_rounded_by": "반올림한 수치로 맞습니다. 보고서 수치는 {figure}이며, {by}는 이를 {stated}로 보도했습니다.",
        "verdict_differs": "아닙니다. 보고서 수치는 {stated}가 아니라 {figure}입니다.",
        "stated_elsewhere": "{stated}는 다른 항목의 수치입니다. {sentence}",
        "stated_beside": "{stated}는 보고서의 다른 수치입니다. {sentence}",
        "share_of_all": "전체 피해자 {total}명 중 {count}명({share}%, 보고서 수치로 계산)",
        "count_not_published": "보고서는 {label} 인원수를 공개하지 않았고 비율만 밝혔습니다. 비율은 {figure}입니다.",
        "every_years": "{years}년마다",
        "shares_derived_note": "* 비율은 보고서 수치로 계산",
        "shares_derived_context_note": "* 비율은 공개 수치로 계산",
        "chart_base": "{label} {base}{counter} 기준",
        "chart_percent_only": "비율만 공개",
        "chart_partial": "공개된 범주만 표시했습니다.",
        "greeting": "안녕하세요! 북한 강제실종에 관한 질문에 수치마다 출처를 달아 답해 드립니다.\n"
        "모든 수치는 {publisher}의 보고서 {report}({date})에서 가져왔습니다. 편하게 물어보시거나 아래에서 주제를 골라 주십시오.",
        "help": "<b>{publisher}의 북한 강제실종 보고서에 대해 질문해 주십시오.</b>\n"
        "한국어나 영어로 편하게 질문하시면 됩니다. 예를 들면:\n"
        "• {example_ko}\n"
        "• {example_en}\n"
        "\n"
        "그룹에서는 /ask 로 시작하거나, 메시지에서 저를 언급(@{username})하거나, 제 메시지에 답장으로 질문해 주십시오. 어느 대화방에서든 @{username} "
        "뒤에 검색어를 입력하면 수치와 출처를 바로 보낼 수 있습니다.\n"
        "\n"
        "<b>명령어</b>\n"
        "{commands}",
        "topics": "<b>주제</b>\n주제를 고르면 수치와 출처를 보여 드립니다.",
        "sources": "<b>출처</b>\n보고서와, 보고서의 수치를 보도한 매체입니다.",
        "sources_context": "<b>참고 자료</b> (보고서의 조사 결과가 아닌 배경 정보):",
        "about_title": "<b>이 봇에 대하여</b>",
        "about_report": "<b>보고서.</b> {publisher}이 펴낸 {report}({date})입니다.",
        "about_does": "<b>하는 일.</b> 질문을 보고서의 주제와 짝지어, 보고서에 공개된 수치를 출처 및 링크와 함께 알려 드립니다. 수치는 보고서 보도자료와 언론 보도에 "
        "맞춰 검토한 데이터 파일에서 가져옵니다.",
        "about_doesnt": "<b>하지 않는 일.</b> 수치를 추정하거나 부풀리거나 지어내지 않습니다. 보고서에 없는 수치는 없다고 말씀드립니다. 이 보고서 밖의 수치나 새 "
        "소식은 다루지 않으며, 새 사건 제보를 받거나 누구에게 메시지를 전달하지도 않습니다.",
        "about_privacy": "<b>개인정보.</b> 이 봇은 누가 물었는지 기록하지 않습니다. 사용자에 관한 정보는 디스크에 저장하지 않고, 로그에 메시지 내용과 사용자·대화방 "
        "ID를 함께 남기지 않습니다. /lang 으로 고른 언어는 메모리에만 있다가 봇을 다시 시작하면 사라집니다. 운영자가 '답하지 못한 질문' 기록을 "
        "켜 둔 경우에는 보완할 내용을 알기 위해 봇이 답하지 못한 질문의 내용만 남기며, 누가 물었는지(사용자·대화방 ID, 이름, 사용자명)는 남기지 "
        "않고 전화번호·이메일·링크는 지우며 시각은 시간 단위로만 기록합니다.",
        "about_link": '보고서: <a href="{url}">{url_label}</a>',
        "not_text": "글로 된 질문만 읽을 수 있습니다. 질문을 글로 보내 주시거나 /topics 로 주제를 살펴보십시오.",
        "error": "문제가 생겼습니다. 잠시 후 다시 시도해 주십시오.",
        "ask_usage": "명령어 뒤에 질문을 적어 주십시오. 예: /ask {example}",
        "lang_set": "메뉴와 명령어를 한국어로 표시합니다. 답변은 질문하신 언어로 드립니다.",
        "lang_usage": "메뉴와 명령어 언어를 골라 주십시오. /lang ko 또는 /lang en",
        "topic_gone": "더 이상 없는 주제입니다. /topics 로 현재 주제 목록을 확인해 주십시오.",
        "unknown_command": "모르는 명령어입니다. /help 로 사용법을 확인해 주십시오.",
        "chart_usage": "<b>차트</b>\n차트를 고르거나 명령어 뒤에 주제를 적어 주십시오. 예: /chart {example}",
        "chart_unknown": "그 주제의 차트는 없습니다. 보내 드릴 수 있는 차트는 다음과 같습니다.",
        "chart_none": "‘{topic}’에는 차트가 없습니다. 보고서가 범주별로 나누지 않은 수치입니다. 차트 목록:",
        "quote_usage": "<b>인용</b>\n"
        "주제를 고르면 기사에 바로 붙여 넣을 수 있는 인용문을 드립니다. 명령어 뒤에 주제를 적어도 됩니다. 예: /quote {example}",
        "quote_unknown": "보고서에서 그 주제를 찾지 못했습니다. 인용문을 받을 주제를 골라 주십시오.",
        "command_start": "인사와 주요 주제",
        "command_topics": "모든 주제 보기",
        "command_ask": "질문하기 (그룹에서는 /ask 질문)",
        "command_chart": "주제의 수치를 차트로: /chart 주제",
        "command_quote": "수치를 바로 쓸 수 있는 인용문으로: /quote 주제",
        "command_sources": "모든 출처와 링크",
        "command_about": "보고서와 이 봇, 개인정보 보호",
        "command_lang": "메뉴 언어: /lang ko 또는 /lang en",
        "command_help": "질문하는 법과 명령어",
        "example_question": "보위성 관할 아래 실종된 비율은?",
        "example_chart": "연좌제",
        "example_quote": "보위성 책임",
        "button_chart": "📊 차트",
        "button_quote": "❝ 인용",
        "report_link_label": "TJWG 보고서 페이지",
        "chat_banner": "북한 강제실종에 관한 TJWG 보고서에 대해 한국어나 영어로 질문하세요. "
        "'주제'를 입력하면 주제 목록이, '종료'(또는 Ctrl-D)를 입력하면 끝납니다.",
    },
}

JOINER = {"en": "and", "ko": "·"}  # between the outlets of a source line

INLINE_BUTTON = "Ask the bot · 봇에게 질문하기"  # one text for everyone: inline results are not personal


def say(lang: str, key: str, **values: object) -> str:
    """One sentence in `lang` (English if unknown), its placeholders filled in as given; in Korean a particle
    written after a placeholder agrees with the value put there, so no sentence can say "132개을"."""
    table = WORDS.get(lang, WORDS["en"])
    if not values:
        return table[key]
    return korean.fill(table[key], values) if lang == "ko" and lang in WORDS else table[key].format(**values)
