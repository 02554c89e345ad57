"""Charts: every breakdown renders in both languages, at the set size, in a Korean font, saying what it shows."""

from __future__ import annotations

import html
import io
import re
import struct
import subprocess
import sys
import warnings
from dataclasses import replace
from pathlib import Path

import pytest
from fake_bot_api import parse_html
from matplotlib.lines import Line2D
from matplotlib.text import Text
from PIL import Image
from support import PROJECT

from bot import build, charts, sources, store, wording
from bot.answers import SHARE_MIN_BASE
from bot.config import PACKAGE_DATA
from bot.models import LANGS

BREAKDOWNS = list(sources.load(PACKAGE_DATA).breakdowns)  # every breakdown in data/breakdowns.yaml
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """The dataset as the bot reads it: built from data/ into a temporary database, then loaded."""
    db = tmp_path_factory.mktemp("charts") / "report.db"
    build.build(PACKAGE_DATA, db)
    return store.load(db)


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which must come first."""
    assert png[:8] == PNG_SIGNATURE
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def render_recording_warnings(data, breakdown_id: str, lang: str) -> tuple[bytes, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = charts.render(data, breakdown_id, lang)
    return png, [str(w.message) for w in caught]


def test_every_breakdown_gets_a_chart(data):
    assert charts.chart_ids(data) == BREAKDOWNS
    assert len(BREAKDOWNS) >= 12


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("breakdown_id", BREAKDOWNS)
def test_chart_renders_a_valid_png_of_the_set_size_without_missing_glyphs(data, breakdown_id, lang):
    png, messages = render_recording_warnings(data, breakdown_id, lang)
    assert png_size(png) == (charts.WIDTH, charts.HEIGHT) == (1200, 675)
    image = Image.open(io.BytesIO(png))
    image.verify()  # checks every chunk's CRC
    assert image.format == "PNG"
    assert messages == [], messages  # in particular no "Glyph ... missing from font(s)"


def test_the_missing_glyph_check_would_catch_tofu(data):
    """The check above is not vacuous: a character the font lacks does raise matplotlib's warning."""
    breakdown = data.breakdowns["sex"]
    broken = replace(
        data, breakdowns={**data.breakdowns, "sex": replace(breakdown, title={"en": "ทดสอบ", "ko": "ทดสอบ"})}
    )
    _, messages = render_recording_warnings(broken, "sex", "ko")
    assert any(re.search(r"Glyph \d+ .*missing from font", m) for m in messages), messages


def test_charts_are_drawn_in_the_korean_font(data):
    assert charts.font_files() and all(path.is_file() for path in charts.font_files())
    fig = charts.figure(data, "reason", "ko")
    texts = [t for t in fig.findobj(lambda a: hasattr(a, "get_fontname") and a.get_text())]
    assert texts and {t.get_fontname() for t in texts} == {charts.FONT_FAMILY}


def test_rendering_is_deterministic(data):
    assert charts.render(data, "era", "ko") == charts.render(data, "era", "ko")


@pytest.mark.parametrize("lang", LANGS)
def test_percent_only_categories_show_a_share_and_no_count(data, lang):
    chart = charts.describe(data, "reason", lang)
    percent_only = [f for f in data.categories("reason") if f.percent_only]
    assert {f.id for f in percent_only} == {
        "reason_outside_contact",
        "reason_criticism_kim_family_regime",
        "reason_religion",
    }
    drawn = {t.get_text() for t in charts.figure(data, "reason", lang).findobj(lambda a: hasattr(a, "get_text"))}
    words = wording.WORDS[lang]["chart_percent_only"]
    for f in percent_only:
        bar = next(b for b in chart.bars if b.finding == f.id)
        assert bar.percent_only and bar.share == f.percent
        assert bar.text == f"{f.percent:.1f}% ({words})"  # the percentage, said to be share-only, and nothing else
        assert bar.text in drawn
    assert words in {"en": "share only, no count published", "ko": "비율만 공개"}[lang]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("breakdown_id", BREAKDOWNS)
def test_bars_print_count_and_share_and_mark_computed_shares(data, breakdown_id, lang):
    chart = charts.describe(data, breakdown_id, lang)
    members = {f.id: f for f in data.categories(breakdown_id)}
    assert {b.finding for b in chart.bars} == set(members)
    if not data.breakdowns[breakdown_id].order:
        assert [b.share for b in chart.bars] == sorted((b.share for b in chart.bars), reverse=True)
    for bar in chart.bars:
        f = members[bar.finding]
        stat = data.stats[(f.id, "share_of_base")]
        assert bar.share == stat.value
        assert bar.label == (f.label[lang] if not bar.dates else charts.DATES_IN_LABEL.sub("", f.label[lang]))
        if f.count is not None and f.base is not None and f.base < SHARE_MIN_BASE:  # "2 of 3": no share printed
            assert bar.text == (f"{f.count}{f.counter}" if lang == "ko" else str(f.count)) and not bar.derived
            continue
        if f.count is not None:
            count = f"{f.count}{f.counter}" if lang == "ko" else str(f.count)
            assert bar.text.startswith(f"{count} ({stat.value:.1f}%)")
        assert bar.derived == stat.derived == bar.text.endswith("*")
    derived_note = any(n.startswith("* ") for n in chart.notes)
    assert derived_note == any(b.derived for b in chart.bars)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("breakdown_id", BREAKDOWNS)
def test_title_base_and_source_come_from_the_data(data, breakdown_id, lang):
    chart = charts.describe(data, breakdown_id, lang)
    breakdown = data.breakdowns[breakdown_id]
    members = data.categories(breakdown_id)
    assert chart.title == breakdown.title[lang]
    assert str(breakdown.base) in chart.subtitle
    assert members[0].base_label[lang] in chart.subtitle
    if not breakdown.headline:  # a chart with a headline states it instead (see the MSS chart's test)
        assert ("기준" in chart.subtitle) if lang == "ko" else chart.subtitle.startswith(f"Of {breakdown.base} ")
    assert "http" not in chart.source  # plain text: the outlets' names
    cited = {sid for f in members for sid in f.cite}
    assert all(data.sources[sid].publisher[lang] in chart.source for sid in cited)
    if chart.context:
        assert data.report.citation[lang] not in chart.source
    else:
        assert data.report.citation[lang] in chart.source


def drawn(data, breakdown_id: str, lang: str) -> list:
    """Every text the chart draws, as matplotlib Text artists."""
    fig = charts.figure(data, breakdown_id, lang)
    return [t for t in fig.findobj(lambda a: isinstance(a, Text) and a.get_text())]


def words(texts: list) -> list[str]:
    """The drawn texts with their line breaks undone: what a reader reads."""
    return [" ".join(t.get_text().split()) for t in texts]


HEADLINE = {
    "en": "In all, the MSS was responsible for 92 of 113 victims (81.4%): the report's headline figure",
    "ko": "피해자 113명 중 92명(81.4%)이 국가보위성 관할 아래 실종됐습니다(보고서의 핵심 수치)",
}


@pytest.mark.parametrize("lang", LANGS)
def test_the_mss_chart_states_the_headline_92_of_113_and_names_the_press_release(data, lang):
    """The report's key figure, 92 of 113 (81.4%), is what the two bars add up to: the chart says it, and its
    footer names TJWG's press release, the figure's first source, before the outlets of the two parts."""
    chart = charts.describe(data, "mss_role", lang)
    assert chart.subtitle == HEADLINE[lang]
    assert HEADLINE[lang] in words(drawn(data, "mss_role", lang))
    release = f"{data.sources['TJWG-PR'].publisher[lang]} {wording.WORDS[lang]['release']}"
    outlets = chart.source.split(" · ")[1:]  # after the report itself
    assert outlets == [release, data.sources["YNA"].publisher[lang], data.sources["SEGYE"].publisher[lang]]


ERAS = {
    "en": ["Kim Il-sung era", "Kim Jong-il era", "Kim Jong-un era", "year unknown"],
    "ko": ["김일성 집권기", "김정일 집권기", "김정은 집권기", "연도 미상"],
}
CUT_OFF = {"en": "Dec 2011 – Apr 2021 (data cut-off)", "ko": "2011.12~(2021.4 자료 기준)"}


@pytest.mark.parametrize("lang", LANGS)
def test_the_era_chart_runs_by_date_and_marks_april_2021_as_the_data_cut_off(data, lang):
    """Grandfather, father, son, then the unknown year, whatever their sizes (68 under Kim Jong-il is the
    largest); the Kim Jong-un era is dated so that April 2021 reads as where the data stop, not his rule."""
    chart = charts.describe(data, "era", lang)
    assert [b.label for b in chart.bars] == ERAS[lang]
    assert [b.dates for b in chart.bars] == ["", "", CUT_OFF[lang], ""]
    texts = words(drawn(data, "era", lang))
    assert all(label in texts for label in ERAS[lang]) and CUT_OFF[lang] in texts
    assert not any(t.endswith(("2021.4)", "Apr 2021)")) for t in texts)  # no "(2011.12~2021.4)" as a reign
    for category, dates in data.breakdowns["era"].dates.items():  # every era the data date shows its dates
        assert dates[lang] in texts, category


def _band_above_and_below(data, breakdown_id: str, lang: str) -> tuple[float, float]:
    """Pixels of white between the base line and the first bar's name, and between the last bar and the rule."""
    fig = charts.figure(data, breakdown_id, lang)
    chart = charts.describe(data, breakdown_id, lang)
    renderer = fig.canvas.get_renderer()
    texts = {" ".join(t.get_text().split()): t for t in fig.findobj(Text) if t.get_text()}
    subtitle = texts[" ".join(chart.subtitle.split())].get_window_extent(renderer)
    first = texts[chart.bars[0].label].get_window_extent(renderer)
    bars = [p.get_window_extent(renderer) for ax in fig.axes for p in ax.patches]
    rule = next(a for a in fig.artists if isinstance(a, Line2D))
    rule_y = rule.get_ydata()[0] * charts.HEIGHT
    return subtitle.y0 - first.y1, min(b.y0 for b in bars) - rule_y


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("breakdown_id", [b for b in BREAKDOWNS if b not in {"relationship"}])  # one bar alone
def test_bars_fill_the_chart_with_no_wide_empty_band(data, breakdown_id, lang):
    """Two or three bars are drawn thicker and spread over the room, not left in a band of white."""
    above, below = _band_above_and_below(data, breakdown_id, lang)
    assert above <= 64 and below <= 64, (above, below)


def test_two_bars_are_thicker_than_five(data):
    def thickness(breakdown_id: str) -> float:
        fig = charts.figure(data, breakdown_id, "en")
        renderer = fig.canvas.get_renderer()
        return max(p.get_window_extent(renderer).height for ax in fig.axes for p in ax.patches)

    assert thickness("sex") >= 60 and thickness("mss_role") >= 60
    assert thickness("reason") < thickness("sex")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("breakdown_id", BREAKDOWNS)
def test_every_text_is_at_least_24_px_so_a_phone_can_read_it(data, breakdown_id, lang):
    """On the 1200 px image, the source line and the notes too: wrapped onto more lines, never shrunk."""
    texts = drawn(data, breakdown_id, lang)
    chart = charts.describe(data, breakdown_id, lang)
    footer = [t for t in texts if " ".join(t.get_text().split()) in {chart.source, *chart.notes}]
    assert len(footer) == 1 + len(chart.notes)
    sizes = {t.get_text(): t.get_fontsize() * charts.DPI / 72 for t in texts}
    assert min(sizes.values()) >= 24 - 1e-6, sizes


@pytest.mark.parametrize("lang", LANGS)
def test_the_context_chart_says_it_is_context_once(data, lang):
    context = wording.WORDS[lang]["context"]  # "보고서의 조사 결과가 아닌 참고 정보입니다."
    texts = words(drawn(data, "upr4_response", lang))
    assert sum(t.count(context) for t in texts) == 1
    assert sum(t.count("참고 정보입니다") for t in texts) == (1 if lang == "ko" else 0)


CAVEAT = {
    "en": ("66", "47", "translation", "unidentified", "lower reliability"),
    "ko": ("66명", "47명", "번역", "출처 미상", "신뢰도 낮음"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_the_sex_chart_says_its_counts_come_only_from_a_lower_reliability_translation(data, lang):
    """JURIST and RFA, in the footer, publish only 58.4% and 41.6%; the counts 66 and 47 drawn on the bars
    come from the translated article of unidentified origin (XN), and the chart says so."""
    assert "lower reliability" in data.sources["XN"].publisher["en"]
    chart = charts.describe(data, "sex", lang)
    caveat = next((n for n in chart.notes if "66" in n), "")
    assert all(word in caveat for word in CAVEAT[lang]), chart.notes
    assert caveat in words(drawn(data, "sex", lang))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("breakdown_id", BREAKDOWNS)
def test_the_caption_lists_in_full_every_outlet_the_footer_names(data, breakdown_id, lang):
    """The footer names outlets only; the Telegram caption under the photo gives each with its date and link."""
    from bot.telegram import render

    chart = charts.describe(data, breakdown_id, lang)
    caption = render.chart_caption(data, breakdown_id, lang)
    cited = dict.fromkeys(sid for fid in chart.cited for sid in data.findings[fid].cite)
    for sid in cited:
        source = data.sources[sid]
        assert source.publisher[lang] in chart.source
        assert f'href="{html.escape(source.url)}"' in caption, sid
    assert len(parse_html(caption)) <= render.CAPTION_CHARS


def test_subtitles_in_both_languages(data):
    assert charts.describe(data, "arrest_country", "en").subtitle == "Of 23 victims arrested abroad"
    assert charts.describe(data, "reason", "ko").subtitle == "피해자 113명 기준"


@pytest.mark.parametrize("lang", LANGS)
def test_the_upr_chart_says_it_is_context(data, lang):
    chart = charts.describe(data, "upr4_response", lang)
    assert chart.context
    assert {"en": "Context", "ko": "참고"}[lang] in chart.subtitle
    assert "294" in chart.subtitle


def test_unknown_breakdown_or_language_is_refused(data):
    with pytest.raises(ValueError, match="unknown breakdown"):
        charts.render(data, "no_such_breakdown", "en")
    with pytest.raises(ValueError, match="unknown language"):
        charts.ChartCache(data).get("sex", "fr")


def test_cache_renders_once_per_breakdown_language_and_data(data, tmp_path, monkeypatch):
    calls: list[tuple[str, str]] = []
    real_render = charts.render

    def counting_render(d, breakdown_id, lang):
        calls.append((breakdown_id, lang))
        return real_render(d, breakdown_id, lang)

    monkeypatch.setattr(charts, "render", counting_render)
    cache = charts.ChartCache(data, tmp_path)
    first = cache.get("sex", "ko")
    assert cache.get("sex", "ko") is first
    cache.get("sex", "en")
    assert calls == [("sex", "ko"), ("sex", "en")]
    assert png_size(first) == (1200, 675)
    assert cache.path("sex", "ko").read_bytes() == first

    # A restarted bot finds the file on disk and renders nothing.
    assert charts.ChartCache(data, tmp_path).get("sex", "ko") == first
    assert len(calls) == 2

    # Changed data: a new fingerprint, a new render; other charts keep theirs.
    retitled = replace(
        data, breakdowns={**data.breakdowns, "sex": replace(data.breakdowns["sex"], title={"en": "Sex", "ko": "성별"})}
    )
    assert charts.fingerprint(retitled, "sex") != charts.fingerprint(data, "sex")
    assert charts.fingerprint(retitled, "age") == charts.fingerprint(data, "age")
    charts.ChartCache(retitled, tmp_path).get("sex", "ko")
    assert calls[-1] == ("sex", "ko") and len(calls) == 3


def test_cache_without_a_directory_keeps_memory_only(data, monkeypatch):
    cache = charts.ChartCache(data)
    assert cache.path("age", "en") is None
    png = cache.get("age", "en")
    monkeypatch.setattr(charts, "render", lambda *args: pytest.fail("rendered twice"))
    assert cache.get("age", "en") is png


def test_render_all_writes_every_chart_in_both_languages(data, tmp_path):
    written = charts.render_all(tmp_path / "out", data)
    assert sorted(p.name for p in written) == sorted(f"{b}-{lang}.png" for b in BREAKDOWNS for lang in LANGS)
    assert all(png_size(p.read_bytes()) == (1200, 675) for p in written)


def test_the_readme_pictures_exist_for_every_chart():
    folder = PROJECT / "docs" / "charts"
    for breakdown_id in BREAKDOWNS:
        for lang in LANGS:
            path = folder / f"{breakdown_id}-{lang}.png"
            assert path.is_file(), f"{path} missing: run python -m bot.charts docs/charts"
            assert png_size(path.read_bytes()) == (1200, 675)


def test_importing_the_package_does_not_import_matplotlib():
    code = "import sys, bot.cli, bot.charts, bot.export, bot.explore; sys.exit('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(PROJECT), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr or "matplotlib was imported"
