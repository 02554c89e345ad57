"""Bar charts of the breakdowns as PNG images, in English and Korean, rendered headless with matplotlib."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import math
import os
import re
import tempfile
import textwrap
import threading
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .answers import SHARE_MIN_BASE, Reply, Writer
from .models import LANGS, Dataset, Finding
from .wording import say

if TYPE_CHECKING:  # matplotlib is imported lazily, inside the functions, so `import bot` stays fast
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Text

WIDTH, HEIGHT, DPI = 1200, 675, 150  # 16:9, the shape Telegram and social posts show whole
CHART_VERSION = "3"  # part of every cache key: bump it when the drawing changes
FONT_FAMILY = "NanumGothic"
FONT_FILES = ("NanumGothic.ttf", "NanumGothicBold.ttf")
FONT_HINT = "no Korean font for the charts: pip install koreanize-matplotlib (or apt install fonts-nanum)"

INK, MUTED, TRACK, RULE = "#1b1f24", "#59636e", "#e9edf1", "#d0d7de"
BAR, CONTEXT_BAR, PALE = "#1f5a8a", "#6c7a89", "#c5d6e6"
SMALLEST_PT = 24 * 72 / DPI  # 24 px: the smallest text a phone shows the 1200 px image legibly
TEXT_PT = 26 * 72 / DPI  # subtitle, bar names and values
ROW_MAX = 240  # pixels a bar's row takes at most (name, bar and the space before the next)
LABEL_GAP = 6  # pixels between a bar's name and the bar
SPACING_MIN = 14  # pixels at least between a bar and the next bar's name
BAR_MIN, BAR_MAX = 20, 100  # a bar's thickness in pixels: thinner with many bars, thicker with few
SEPARATOR = " · "  # between the report and the outlets in a footer, where its lines break
DATES_IN_LABEL = re.compile(r"\s*\([^()]*\d[^()]*\)\s*$")  # "Kim Jong-un era (Dec 2011–Apr 2021)": the dates


@dataclass(frozen=True)
class Bar:
    """One category as drawn: its name, its dates, its bar length (a share of the base), the words beside it."""

    finding: str
    label: str
    share: float
    text: str
    percent_only: bool
    derived: bool
    dates: str = ""  # "Dec 2011 – Apr 2021 (data cut-off)", shown after the label when the data give dates


@dataclass(frozen=True)
class Chart:
    """Everything a chart says, before any drawing: what the tests read and the renderer draws."""

    breakdown: str
    lang: str
    title: str
    subtitle: str
    bars: tuple[Bar, ...]
    notes: tuple[str, ...]
    source: str  # the footer: the report and the outlets' names, short enough to be read on a phone
    context: bool
    cited: tuple[str, ...] = ()  # the findings whose outlets are named: the caption lists them in full


def chart_ids(data: Dataset) -> list[str]:
    """The breakdowns that get a chart: every one with categories."""
    return [b.id for b in data.breakdowns.values() if data.categories(b.id)]


def chart_for(reply: Reply, data: Dataset) -> str | None:
    """The breakdown whose chart goes with an answer: for an answer about one category, its breakdown; for a
    topic, the first of its breakdowns that has a chart; None for a decline or a topic without breakdowns."""
    intent = data.intents.get(reply.intent or "")
    if intent is None or not intent.breakdowns:
        return None
    charted = chart_ids(data)
    if reply.category:
        for finding_id in reply.facts:
            finding = data.findings.get(finding_id)
            if finding and finding.category == reply.category and finding.breakdown in charted:
                return finding.breakdown
    return next((b for b in intent.breakdowns if b in charted), None)


def describe(data: Dataset, breakdown_id: str, lang: str) -> Chart:
    """The chart's texts and numbers: title, the base or the headline the bars are parts of, one bar per
    category (largest first, or in the breakdown's own order, such as by date), notes, and the footer."""
    _check(data, breakdown_id, lang)
    breakdown = data.breakdowns[breakdown_id]
    members = data.categories(breakdown_id)
    context = bool(members) and all(f.is_context for f in members)
    if breakdown.order:
        members = sorted(members, key=lambda f: breakdown.order.index(f.category or ""))
    else:
        members = sorted(members, key=lambda f: -_share(data, f))  # stable: ties keep the order of findings.yaml
    bars = [_bar(data, f, breakdown.dates.get(f.category or "", {}).get(lang, ""), lang) for f in members]
    headline = data.findings.get(breakdown.headline or "")
    if headline is not None:  # the whole the bars are parts of, figure and all: "92 of 113 victims (81.4%)"
        subtitle = Writer(data).sentence(replace(headline, text=breakdown.subtitle), lang)
    else:
        subtitle = say(lang, "chart_base", base=breakdown.base, **_base_words(data, breakdown_id, members, lang))
    if context:
        subtitle = f"{subtitle} · {say(lang, 'context')}"  # said once, here; the footer does not repeat it
    notes = []
    if breakdown.note.get(lang):
        notes.append(breakdown.note[lang])
    elif not breakdown.exhaustive:
        notes.append(say(lang, "chart_partial"))
    if any(b.derived for b in bars):
        notes.append(say(lang, "shares_derived_context_note" if context else "shares_derived_note"))
    cited = ([headline] if headline else []) + members
    source = _footer(data, cited, lang, context)
    return Chart(
        breakdown_id,
        lang,
        breakdown.title[lang],
        subtitle,
        tuple(bars),
        tuple(notes),
        source,
        context,
        tuple(f.id for f in cited),
    )


def _footer(data: Dataset, findings: list[Finding], lang: str, context: bool) -> str:
    """'Source: <the report> · <outlet> · <outlet>': the outlets by name only (the caption gives their dates
    and links), so the line stays short enough to print at a size a phone can read."""
    outlets: list[str] = []
    for f in findings:
        for sid in f.cite:
            source = data.sources[sid]
            name = source.publisher[lang] + (f" {say(lang, 'release')}" if source.kind == "release" else "")
            if name not in outlets:
                outlets.append(name)
    report = data.report.citation[lang] if data.report and not context else ""
    return f"{say(lang, 'source')}: " + SEPARATOR.join([report, *outlets] if report else outlets)


def _check(data: Dataset, breakdown_id: str, lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
    if breakdown_id not in data.breakdowns:
        raise ValueError(f"unknown breakdown {breakdown_id!r}")


def _base_words(data: Dataset, breakdown_id: str, members: list[Finding], lang: str) -> dict[str, str]:
    """What the base counts ('victims arrested abroad', '해외 체포자'), from the categories or the parent figure."""
    parent = data.findings.get(data.breakdowns[breakdown_id].parent or "")
    labelled = next((f for f in members if f.base_label.get(lang)), None)
    if labelled is not None:
        return {"label": labelled.base_label[lang], "counter": labelled.counter}
    if parent is not None and parent.unit.get(lang):
        unit = parent.unit[lang]
        return {"label": unit if lang == "en" else "", "counter": unit if lang == "ko" else ""}
    return {"label": "", "counter": members[0].counter if members else ""}


def _share(data: Dataset, f: Finding) -> float:
    stat = data.stats.get((f.id, "share_of_base"))
    return f.percent if f.percent is not None else (stat.value if stat else 0.0)


def _bar(data: Dataset, f: Finding, dates: str, lang: str) -> Bar:
    share = _share(data, f)
    label = DATES_IN_LABEL.sub("", f.label[lang]) if dates else f.label[lang]  # the chart's dates replace the label's
    if f.percent_only:
        text = f"{share:.1f}% ({say(lang, 'chart_percent_only')})"
        return Bar(f.id, label, share, text, percent_only=True, derived=False, dates=dates)
    stat = data.stats.get((f.id, "share_of_base"))
    count = f"{f.count}{f.counter}" if lang == "ko" else str(f.count)
    if f.base is not None and f.base < SHARE_MIN_BASE:  # "2 of 3", as in the answers: the bar shows the share
        return Bar(f.id, label, share, count, percent_only=False, derived=False, dates=dates)
    derived = bool(stat and stat.derived)
    text = f"{count} ({share:.1f}%)" + ("*" if derived else "")
    return Bar(f.id, label, share, text, percent_only=False, derived=derived, dates=dates)


# --- drawing ---------------------------------------------------------------------------------


@cache
def font_files() -> tuple[Path, ...]:
    """NanumGothic (regular, bold), registered with matplotlib once; found without importing koreanize_matplotlib
    (importing it would change matplotlib's global settings and import the deprecated distutils)."""
    from matplotlib import font_manager

    spec = importlib.util.find_spec("koreanize_matplotlib")
    folders = [Path(p) / "fonts" for p in (spec.submodule_search_locations or [])] if spec else []
    found = tuple(folder / name for folder in folders for name in FONT_FILES if (folder / name).is_file())
    for path in found:
        font_manager.fontManager.addfont(str(path))
    if not found:  # a system font, e.g. Debian's fonts-nanum
        props = font_manager.FontProperties(family=FONT_FAMILY)
        try:
            found = (Path(font_manager.findfont(props, fallback_to_default=False)),)
        except ValueError:
            raise RuntimeError(FONT_HINT) from None
    return found


@cache
def _bold() -> int:
    """The weight of the font's bold face as matplotlib reads it (600 for koreanize-matplotlib's NanumGothicBold)."""
    from matplotlib import font_manager

    font_files()
    weights = [e.weight for e in font_manager.fontManager.ttflist if e.name == FONT_FAMILY]
    heavier = [int(w) for w in weights if isinstance(w, int) and 500 <= w <= 800]
    return min(heavier, key=lambda w: abs(w - 700)) if heavier else 700


def _style() -> dict[str, Any]:
    font_files()
    return {
        "font.family": [FONT_FAMILY],  # NanumGothic covers Latin, Hangul and the punctuation we use
        "hatch.linewidth": 1.6,
        "axes.unicode_minus": False,
    }


def figure(data: Dataset, breakdown_id: str, lang: str) -> Figure:
    """The chart as a matplotlib Figure on an Agg canvas (no pyplot, no global backend switch)."""
    import matplotlib

    with matplotlib.rc_context(_style()):
        return _draw(describe(data, breakdown_id, lang))


def render(data: Dataset, breakdown_id: str, lang: str) -> bytes:
    """The chart of one breakdown as a PNG of WIDTH × HEIGHT pixels."""
    import matplotlib

    with matplotlib.rc_context(_style()):
        fig = _draw(describe(data, breakdown_id, lang))
        buffer = io.BytesIO()
        # No "Software" tag, so the bytes depend on the chart, not on the matplotlib version that drew it.
        fig.savefig(buffer, format="png", dpi=DPI, facecolor="white", metadata={"Software": None})
    return buffer.getvalue()


def _draw(chart: Chart) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor="white")
    renderer = FigureCanvasAgg(fig).get_renderer()
    margin = 56  # pixels, left and right
    width = WIDTH - 2 * margin

    def text(x: float, y: float, value: str, **kw: Any) -> Text:
        return fig.text(x / WIDTH, y / HEIGHT, value, parse_math=False, linespacing=1.35, **kw)

    # Top down: title, then the base or the headline.
    title = text(margin, HEIGHT - 28, chart.title, va="top", color=INK, weight=_bold())
    top = _fit(title, renderer, width, size=18, smallest=15, lines=2).y0 - 8
    subtitle = text(margin, top, chart.subtitle, va="top", color=MUTED)
    top = _fit(subtitle, renderer, width, size=TEXT_PT, smallest=SMALLEST_PT, lines=2).y0 - 20

    # Bottom up: source line, notes, a thin rule; all at least SMALLEST_PT, wrapped rather than shrunk.
    bottom = _fill(text(margin, 18, chart.source, va="bottom", color=MUTED), renderer, width, SMALLEST_PT).y1 + 8
    for note in reversed(chart.notes):
        bottom = _fill(text(margin, bottom, note, va="bottom", color=MUTED), renderer, width, SMALLEST_PT).y1 + 6
    bottom += 8
    fig.add_artist(_rule(fig, margin, bottom))
    bottom += 18

    room = top - bottom
    layout = _rows(room, len(chart.bars), _line_height(fig, renderer))
    ax = fig.add_axes((margin / WIDTH, bottom / HEIGHT, width / WIDTH, room / HEIGHT))
    ax.set_axis_off()
    ax.set_xlim(0, 100)  # the whole track is the whole base, so bar lengths compare across charts
    ax.set_ylim(room, 0)  # pixels from the top of the plot, downwards
    colour = CONTEXT_BAR if chart.context else BAR
    right_edge = ax.get_window_extent(renderer).x1
    for i, bar in enumerate(chart.bars):
        y = layout.first + i * layout.step
        label = ax.text(0, y, bar.label, va="top", color=INK, parse_math=False)
        extent = _fit(label, renderer, width, size=TEXT_PT, smallest=SMALLEST_PT, lines=1)
        if bar.dates:  # after the name, quieter: "Kim Jong-un era  Dec 2011 – Apr 2021 (data cut-off)"
            x = (extent.x1 + 14 - margin) / width * 100
            dates = ax.text(x, y, bar.dates, va="top", color=MUTED, parse_math=False)
            _fit(dates, renderer, right_edge - extent.x1 - 14, TEXT_PT, SMALLEST_PT, 1)
        centre, thickness = y + layout.name + LABEL_GAP + layout.thickness / 2, layout.thickness
        ax.barh(centre, 100, height=thickness, color=TRACK, linewidth=0)
        if bar.percent_only:
            ax.barh(centre, bar.share, height=thickness, color=PALE, edgecolor=colour, hatch="///", linewidth=0)
        else:
            ax.barh(centre, bar.share, height=thickness, color=colour, linewidth=0)
        value = ax.text(bar.share + 0.8, centre, bar.text, va="center", ha="left", color=INK, parse_math=False)
        value.set_fontsize(TEXT_PT)
        value.set_fontweight(_bold())
        if value.get_window_extent(renderer).x1 > right_edge - 4:  # no room after the bar: write inside it
            value.set_x(bar.share - 0.8)
            value.set_horizontalalignment("right")
            value.set_color("white")
    return fig


@dataclass(frozen=True)
class Rows:
    """Where the bars go in the plot, in pixels from its top: the first name, the step from one name to the
    next, the height of a name and the thickness of a bar."""

    first: float
    step: float
    name: float
    thickness: float


def _rows(room: float, count: int, name: float) -> Rows:
    """The bars share the room: a row each, as tall as the room allows up to ROW_MAX, so that two bars are drawn
    thick and spread out rather than thin in a band of white; the room a capped row leaves is split above and
    below the bars."""
    pitch = min(room / max(count, 1), ROW_MAX)
    thickness = max(BAR_MIN, min(0.5 * pitch - 8, BAR_MAX, pitch - name - LABEL_GAP - SPACING_MIN))
    row = name + LABEL_GAP + thickness
    spacing = max(pitch - row, SPACING_MIN) if count > 1 else 0.0  # between a bar and the next name
    block = count * row + (count - 1) * spacing
    return Rows(first=(room - block) / 2, step=row + spacing, name=name, thickness=thickness)


def _line_height(fig: Figure, renderer: RendererBase) -> float:
    """The height in pixels of one line of bar names, measured in the font (Latin and Hangul, with descenders)."""
    probe = fig.text(0, 0, "Kyg 가힣", fontsize=TEXT_PT, parse_math=False)
    height = probe.get_window_extent(renderer).height
    probe.remove()
    return height


def _rule(fig: Figure, margin: float, y: float) -> Any:
    from matplotlib.lines import Line2D

    return Line2D(
        [margin / WIDTH, 1 - margin / WIDTH], [y / HEIGHT, y / HEIGHT], transform=fig.transFigure, color=RULE, lw=0.8
    )


def _fit(artist: Text, renderer: RendererBase, max_width: float, size: float, smallest: float, lines: int) -> Any:
    """Set the text's size (and wrap it onto up to `lines` lines) so it fits max_width pixels; its extent."""
    original = artist.get_text()
    tries = [(1, s) for s in _sizes(size, max(smallest, size * 0.85))]
    tries += [(n, s) for n in range(2, lines + 1) for s in _sizes(size, smallest)]
    for n, s in tries:
        artist.set_text(_wrap(original, n))
        artist.set_fontsize(s)
        extent = artist.get_window_extent(renderer)
        if extent.width <= max_width:
            return extent
    return extent  # the smallest size on the most lines: as good as it gets


def _fill(artist: Text, renderer: RendererBase, max_width: float, size: float) -> Any:
    """Set the text at `size` and break it into as many full lines of max_width pixels as it needs (a footer is
    wrapped, never shrunk below a size a phone can read); a line breaks between the " · " parts of a footer
    where it can, so that an outlet's name stays on one line. Its extent."""
    artist.set_fontsize(size)

    def fits(line: str) -> bool:
        artist.set_text(line)
        return artist.get_window_extent(renderer).width <= max_width

    lines: list[str] = []
    current = ""
    for part in artist.get_text().split(SEPARATOR):
        joined = f"{current}{SEPARATOR}{part}" if current else part
        if fits(joined):
            current = joined
            continue
        if current and fits(part):  # the part goes whole onto a line of its own
            lines.append(current + SEPARATOR.rstrip())
            current = part
            continue
        glue = SEPARATOR
        for word in part.split():  # too long for any line: broken at spaces, where it runs over
            trial = f"{current}{glue}{word}" if current else word
            if current and not fits(trial):
                lines.append(current + glue.rstrip())
                trial = word
            current, glue = trial, " "
    artist.set_text("\n".join([*lines, current]))
    return artist.get_window_extent(renderer)


def _sizes(largest: float, smallest: float) -> list[float]:
    steps = round((largest - smallest) / 0.5)
    return [largest - 0.5 * i for i in range(steps + 1)]


def _wrap(value: str, lines: int) -> str:
    """value on at most `lines` lines of similar length, broken at spaces."""
    if lines <= 1:
        return value
    width = math.ceil(len(value) / lines)
    while True:
        wrapped = textwrap.wrap(value, width=width, break_long_words=False, break_on_hyphens=False)
        if len(wrapped) <= lines:
            return "\n".join(wrapped)
        width += 1


# --- caching -----------------------------------------------------------------------------------


def fingerprint(data: Dataset, breakdown_id: str) -> str:
    """A hash of everything one chart is drawn from, so a changed figure or source re-renders only its chart."""
    breakdown = data.breakdowns[breakdown_id]
    members = data.categories(breakdown_id)
    headline = data.findings.get(breakdown.headline or "")  # its figure is the subtitle, its outlets in the footer
    drawn = [*members, headline] if headline else members
    payload = (
        CHART_VERSION,
        WIDTH,
        HEIGHT,
        breakdown,
        drawn,
        [data.stats.get((f.id, "share_of_base")) for f in drawn],
        data.findings.get(breakdown.parent or ""),
        [data.sources.get(sid) for f in drawn for sid in f.cite],
        data.report,
    )
    return hashlib.sha256(repr(payload).encode()).hexdigest()


class ChartCache:
    """Renders each (breakdown, language) once per data fingerprint; keeps the PNG in memory and, when given a
    directory, on disk, so a restarted bot does not render again."""

    def __init__(self, data: Dataset, directory: Path | None = None) -> None:
        self.data = data
        self.directory = directory
        self._memory: dict[tuple[str, str, str], bytes] = {}
        self._lock = threading.Lock()  # handlers may render from worker threads

    def path(self, breakdown_id: str, lang: str) -> Path | None:
        """Where the PNG is kept on disk (None without a directory)."""
        if self.directory is None:
            return None
        return self.directory / f"{breakdown_id}-{lang}-{fingerprint(self.data, breakdown_id)[:16]}.png"

    def get(self, breakdown_id: str, lang: str) -> bytes:
        _check(self.data, breakdown_id, lang)
        key = (breakdown_id, lang, fingerprint(self.data, breakdown_id))
        with self._lock:
            png = self._memory.get(key)
            if png is None:
                png = self._read(breakdown_id, lang) or render(self.data, breakdown_id, lang)
                self._write(breakdown_id, lang, png)
                self._memory[key] = png
        return png

    def _read(self, breakdown_id: str, lang: str) -> bytes | None:
        path = self.path(breakdown_id, lang)
        try:
            return path.read_bytes() if path else None
        except OSError:
            return None

    def _write(self, breakdown_id: str, lang: str, png: bytes) -> None:
        path = self.path(breakdown_id, lang)
        if path is None or path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".chart-", suffix=".png", dir=path.parent)
        with os.fdopen(fd, "wb") as out:
            out.write(png)
        os.replace(tmp, path)  # atomic: a reader never sees half a file


def render_all(directory: Path, data: Dataset | None = None) -> list[Path]:
    """Render every chart in every language into directory/<breakdown>-<lang>.png (the README's pictures)."""
    if data is None:
        from . import build, config, store

        settings = config.from_env()
        build.ensure(settings.data_dir, settings.db_path)
        data = store.load(settings.db_path)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for breakdown_id in chart_ids(data):
        for lang in LANGS:
            path = directory / f"{breakdown_id}-{lang}.png"
            path.write_bytes(render(data, breakdown_id, lang))
            written.append(path)
    return written


if __name__ == "__main__":  # python -m bot.charts docs/charts
    import sys

    for written_path in render_all(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/charts")):
        print(written_path)
