"""Charts: every breakdown renders in both languages, at the set size, in a Korean font, saying what it shows."""

from __future__ import annotations

import io
import re
import struct
import subprocess
import sys
import warnings
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from support import PROJECT

from bot import build, charts, sources, store, wording
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
    assert [b.share for b in chart.bars] == sorted((b.share for b in chart.bars), reverse=True)
    for bar in chart.bars:
        f = members[bar.finding]
        stat = data.stats[(f.id, "share_of_base")]
        assert bar.share == stat.value
        assert bar.label == f.label[lang]
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
    assert ("기준" in chart.subtitle) if lang == "ko" else chart.subtitle.startswith(f"Of {breakdown.base} ")
    assert "http" not in chart.source  # plain text: publisher (date)
    cited = {sid for f in members for sid in f.cite}
    assert any(data.sources[sid].publisher[lang] in chart.source for sid in cited)
    if chart.context:
        assert data.report.citation[lang] not in chart.source
    else:
        assert data.report.citation[lang] in chart.source


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
