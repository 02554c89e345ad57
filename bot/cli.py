"""The `nkbot` console script: every command, as a thin click layer over the library modules."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import build, config
from .config import ConfigError, Settings
from .sources import DataError

if TYPE_CHECKING:  # the matcher, numpy and rapidfuzz stay unloaded for `nkbot --help`
    from .answerer import Answerer

LABELLED_DIR = config.PACKAGE_DATA / "labelled"
DEV_DIRS = tuple(sorted(LABELLED_DIR.glob("dev*")))  # written like the blind set, to tune on


class Failure(click.ClickException):
    """One line, "error: …", on standard error, and the exit code: 1, or 2 for a setting or usage."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def lang_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--lang en|ko, the same on every command that has it."""
    return click.option("--lang", type=click.Choice(["en", "ko"]), default=None, help=help_text)


def _settings() -> Settings:
    try:
        return config.from_env()
    except ConfigError as exc:
        raise Failure(str(exc), 2) from None


def _refusal(settings: Settings, exc: DataError) -> Failure:
    """The error naming the data file (with its folder), the entry and the problem."""
    return Failure(f"data is not valid: {settings.data_dir / exc.file}: {str(exc).split(': ', 1)[1]}")


def _answerer(settings: Settings, on_decline: Any = None) -> Answerer:
    from .answerer import Answerer

    try:
        return Answerer.from_paths(settings.data_dir, settings.db_path, on_decline=on_decline)
    except DataError as exc:
        raise _refusal(settings, exc) from None
    except build.BuildFailed as exc:
        raise Failure(str(exc)) from None
    except (OSError, build.store.sqlite3.Error) as exc:
        raise Failure(f"cannot open the database {settings.db_path}: {exc}") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nkbot")
def main() -> None:
    """Answers questions about TJWG's report "Existing 'Nowhere'" on North Korea's enforced disappearances.

    Every figure comes from the reviewed files in data/ and carries its source. Settings come from
    environment variables (see the README).
    """


@main.command(name="build")
def build_command() -> None:
    """Validate data/ and compile it into the SQLite database.

    Example: nkbot build
    """
    settings = _settings()
    try:
        data = build.build(settings.data_dir, settings.db_path)
    except DataError as exc:
        raise _refusal(settings, exc) from None
    click.echo(
        f"built {settings.db_path}: {len(data.findings)} findings, {len(data.breakdowns)} breakdowns, "
        f"{len(data.stats)} statistics, {len(data.intents)} topics, {len(data.sources)} sources"
    )


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per answer (the stable contract).")
@click.option(
    "--conversation", is_flag=True, help="Read the lines of '-' as one conversation: follow-ups use the answer before."
)
@lang_option("Answer language (default: the question's).")
def ask(question: str, as_json: bool, conversation: bool, lang: str | None) -> None:
    """Answer one QUESTION; '-' reads one question per line from standard input.

    \b
    Examples:
      nkbot ask "What share of disappearances is the MSS responsible for?"
      nkbot ask "Is it true that 85% were taken by the MSS?"
      nkbot ask --json "중국에서 체포된 사람은 몇 명?"
      printf 'mss %%\\nchina\\n' | nkbot ask --json -
      printf 'How many were arrested in China?\\nand in Russia?\\n' | nkbot ask --json --conversation -
    """
    from .conversation import Conversation

    answerer = _answerer(_settings())
    questions = (line.rstrip("\r\n") for line in sys.stdin) if question == "-" else [question]
    context = Conversation() if conversation else None
    out = sys.stdout
    for q in questions:
        reply = answerer.ask(q, lang, context)
        if as_json:
            out.write(json.dumps(reply.to_json(), ensure_ascii=False) + "\n")
        else:
            out.write(reply.text + ("\n\n" if question == "-" else "\n"))
    out.flush()


QUIT_WORDS = frozenset({"quit", "exit", "q", ":q", "/quit", "/exit", "종료", "나가기", "/종료"})
TOPIC_WORDS = {"topics": "en", "/topics": "en", "주제": "ko", "/주제": "ko", "주제 목록": "ko"}  # and their language


@main.command()
@lang_option("Answer language (default: each question's).")
def chat(lang: str | None) -> None:
    """Ask questions interactively in the console (Ctrl-D, 'quit' or '종료' to leave); follow-ups read the answer
    before; 'topics' or '주제' lists the topics.

    Example: nkbot chat --lang ko
    """
    from .conversation import Conversation
    from .wording import say

    answerer = _answerer(_settings())
    context = Conversation()
    click.echo(say(lang or "en", "chat_banner"))
    while True:
        try:
            question = input("> ")
        except (EOFError, KeyboardInterrupt):
            click.echo()
            return
        command = " ".join(question.split()).lower()
        if command in QUIT_WORDS:
            return
        if command in TOPIC_WORDS:
            for topic in answerer.topics(lang or TOPIC_WORDS[command]):
                click.echo(f"  {topic.id:22} {topic.title}")
            continue
        click.echo(answerer.ask(question, lang, context).text + "\n")


@main.command(name="eval")
@click.option(
    "--lang", "langs", type=click.Choice(["en", "ko"]), multiple=True, help="Only this language (repeatable)."
)
@click.option(
    "--set",
    "set_dirs",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    multiple=True,
    help="Folder with en.yaml and ko.yaml (repeatable; default: data/labelled and its dev sets).",
)
@click.option("--cv", "folds", type=click.IntRange(min=2), default=None, help="K-fold cross-validation instead.")
@click.option("--quiet", is_flag=True, help="Leave out the list of questions not answered right.")
def evaluate_command(langs: tuple[str, ...], set_dirs: tuple[Path, ...], folds: int | None, quiet: bool) -> None:
    """Measure the matcher on labelled questions: answered right, declined, wrong figures, small talk.

    With --cv K, every question is answered by a matcher built without its fold's examples and paraphrases,
    deciding with a model fitted without its fold: the figure for questions nobody tuned on.

    \b
    Examples:
      nkbot eval --lang ko
      nkbot eval --cv 5
      nkbot eval --set tests/blind
    """
    from . import evaluate, tune

    answerer = _answerer(_settings())
    folders = set_dirs or (LABELLED_DIR, *DEV_DIRS)
    wanted = langs or ("en", "ko")
    items = [i for folder in folders for i in evaluate.load_sets(folder, wanted)]
    if not items:
        raise Failure(f"no labelled set ({', '.join(wanted)}.yaml) in {', '.join(map(str, folders))}")
    if folds:
        pool = [i for i in evaluate.examples_as_items(answerer.data) if i.lang in wanted] + items
        graded = tune.nested(evaluate.cross_validate(answerer.data, pool, folds))
    else:
        graded = evaluate.evaluate(answerer, items)
    click.echo(evaluate.format_summaries([*evaluate.by_origin(graded), evaluate.summarise("all", graded)]))
    verdicts = evaluate.claim_counts(graded)
    if verdicts:
        click.echo("claims (labelled -> given): " + ", ".join(f"{k} {n}" for k, n in sorted(verdicts.items())))
    if not quiet:
        click.echo("\n" + evaluate.format_failures(graded))


@main.command(name="tune")
@click.option("--cv", "folds", type=click.IntRange(min=2), default=5, show_default=True, help="Folds.")
@click.option("--write/--dry-run", default=True, show_default=True, help="Write data/decision.yaml.")
def tune_command(folds: int, write: bool) -> None:
    """Learn the decision to answer from cross-validated predictions, choose its threshold (at most 1 wrong
    figure per 300 questions), and write it to data/decision.yaml for review.

    Example: nkbot tune
    """
    from . import evaluate, tune

    settings = _settings()
    answerer = _answerer(settings)
    data = answerer.data
    labelled = [i for folder in (LABELLED_DIR, *DEV_DIRS) for i in evaluate.load_sets(folder)]
    items = evaluate.examples_as_items(data) + labelled
    predictions = evaluate.cross_validate(data, items, folds)
    decision = tune.fit_decision(predictions)
    graded = tune.nested(predictions)
    measured = tune.measured(graded)
    click.echo(evaluate.format_summaries(evaluate.by_origin(graded)))
    click.echo(f"threshold {decision.threshold:.3f}; weights {decision.as_mapping()}")
    if write:
        path = settings.data_dir / "decision.yaml"
        tune.write_params(path, tune.Tuned(data.params, decision, measured))
        click.echo(f"wrote {path}; run `nkbot build` and review the diff")


@main.command()
@click.option("--username", default=None, help="The bot's username, nowhere_report_bot [env TELEGRAM_BOT_USERNAME].")
def links(username: str | None) -> None:
    """Print each topic's deep link (t.me/<bot>?start=<topic>) for campaign posts.

    Example: nkbot links --username nowhere_report_bot
    """
    settings = _settings()
    try:
        name = config.bot_username(
            username or settings.bot_username, "--username" if username else "TELEGRAM_BOT_USERNAME"
        )
    except ConfigError as exc:
        raise Failure(str(exc), 2) from None
    answerer = _answerer(settings)
    for topic in answerer.topics("en"):
        click.echo(f"{topic.id:22} https://t.me/{name}?start={topic.id}  {topic.title}")


@main.command()
def check() -> None:
    """Health check: database integrity, the topics' own examples, every figure against its row. Exit 0 or 1.

    Example: nkbot check
    """
    from .check import run_checks

    ok, summary = run_checks(_settings())
    click.echo(summary)
    sys.exit(0 if ok else 1)


@main.command(name="export")
@click.option("--format", "fmt", type=click.Choice(("csv", "json")), default="csv", show_default=True, help="Format.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write to FILE instead of standard output.",
)
def export_command(fmt: str, output: Path | None) -> None:
    """Write every figure as a table: count, base, published percentage, computed share, derived flag, period,
    breakdown and the outlets cited for it (names and URLs).

    Example: nkbot export --format csv --output figures.csv
    """
    from .export import write

    data = _answerer(_settings()).data
    if output is None:
        write(data, fmt, sys.stdout)
        sys.stdout.flush()
        return
    with output.open("w", encoding="utf-8", newline="") as out:
        write(data, fmt, out)
    click.echo(f"wrote {len(data.findings)} figures to {output}", err=True)


@main.command(name="explore")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
def explore_command(port: int, host: str) -> None:
    """Browse the database in Datasette: every table, column descriptions and named queries, read-only.

    Needs the optional extra: pip install -e '.[explore]'

    Example: nkbot explore --port 8001
    """
    from . import explore

    if not explore.datasette_installed():
        raise Failure(explore.INSTALL_HINT)
    settings = _settings()
    _answerer(settings)  # builds the database when it is missing or stale, and reports bad data like every command
    ds = explore.make_datasette(settings.db_path, explore.metadata_path(settings.data_dir))
    click.echo(f"Serving {settings.db_path} read-only at http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    explore.serve(ds, host, port)


@main.command(name="unanswered")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Show this many questions.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False, path_type=Path), default=None, help="The log file.")
def unanswered_command(limit: int, log_path: Path | None) -> None:
    """Summarise the opt-in log of declined questions, most frequent first, to see what to add to data/.

    The log is off unless NKBOT_UNANSWERED_LOG names a file. It keeps the question's normalised text
    (contact details and links redacted), its language, the hour, why the bot declined and the closest
    topics; nothing about who asked. --log PATH reads another file.

    Example: nkbot unanswered --limit 30
    """
    from .unanswered import format_table, summarise

    log_path = log_path or _settings().unanswered_log
    if log_path is None:
        raise Failure(
            "the unanswered log is off: set NKBOT_UNANSWERED_LOG to a file path (where the bot runs) "
            "to record declined questions, or pass --log PATH",
            2,
        )
    try:
        entries = summarise(log_path) if log_path.exists() else []
    except OSError as exc:
        raise Failure(f"cannot read {log_path}: {exc.strerror or exc}") from None
    if not entries:
        click.echo(f"no declined questions logged yet at {log_path}")
        return
    total = sum(e.count for e in entries)
    shown = entries[:limit]
    click.echo(format_table(shown))
    click.echo(f"\n{len(shown)} of {len(entries)} distinct questions shown; {total} declined questions in {log_path}")


@main.command()
def run() -> None:
    """Run the Telegram bot (polling, or webhook when NKBOT_WEBHOOK_URL is set).

    Example: TELEGRAM_BOT_TOKEN=123:abc... nkbot run
    """
    settings = _settings()
    try:
        settings.require_token()
    except ConfigError as exc:
        raise Failure(str(exc), 2) from None
    for warning in settings.warnings():
        click.echo(f"warning: {warning}", err=True)
    from .telegram.app import run_bot
    from .unanswered import UnansweredLog

    log = UnansweredLog(settings.unanswered_log) if settings.unanswered_log else None  # opt-in; only the bot writes it
    run_bot(settings, _answerer(settings, on_decline=log.record if log else None))
