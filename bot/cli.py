"""The `nkbot` console script: thin commands over the answerer, the store and the evaluation."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import config, store
from .config import ConfigError, Settings
from .explore import explore_command
from .export import export_command
from .sources import DataError
from .unanswered import unanswered_command

LABELLED_DIR = config.PACKAGE_DATA / "labelled"


def _settings() -> Settings:
    try:
        return config.from_env()
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


def _refuse(settings: Settings, exc: DataError) -> None:
    """Exit 1 naming the data file (with its folder), the entry and the problem."""
    click.echo(f"error: data is not valid: {settings.data_dir / exc.file}: {str(exc).split(': ', 1)[1]}", err=True)
    sys.exit(1)


def _answerer(settings: Settings):  # -> Answerer, imported lazily to keep `--help` fast
    from .answerer import Answerer

    try:
        return Answerer.from_paths(settings.data_dir, settings.db_path)
    except DataError as exc:
        _refuse(settings, exc)
    except (OSError, store.sqlite3.Error) as exc:
        click.echo(f"error: cannot open the database {settings.db_path}: {exc}", err=True)
        sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nkbot")
def main() -> None:
    """Answers questions about TJWG's report "Existing 'Nowhere'" on North Korea's enforced disappearances.

    Every figure comes from the reviewed files in data/ and carries its source. Settings come from
    environment variables (see the README).
    """


@main.command()
def build() -> None:
    """Validate data/ and compile it into the SQLite database.

    Example: nkbot build
    """
    settings = _settings()
    try:
        data = store.build(settings.data_dir, settings.db_path)
    except DataError as exc:
        _refuse(settings, exc)
    click.echo(
        f"built {settings.db_path}: {len(data.findings)} findings, {len(data.breakdowns)} breakdowns, "
        f"{len(data.stats)} statistics, {len(data.intents)} topics, {len(data.sources)} sources"
    )


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per answer (the stable contract).")
@click.option(
    "--lang", type=click.Choice(["en", "ko"]), default=None, help="Answer language (default: the question's)."
)
def ask(question: str, as_json: bool, lang: str | None) -> None:
    """Answer one QUESTION; '-' reads one question per line from standard input.

    \b
    Examples:
      nkbot ask "What share of disappearances is the MSS responsible for?"
      nkbot ask --json "중국에서 체포된 사람은 몇 명?"
      printf 'mss %%\\nchina\\n' | nkbot ask --json -
    """
    answerer = _answerer(_settings())
    questions = (line.rstrip("\r\n") for line in sys.stdin) if question == "-" else [question]
    out = sys.stdout
    for q in questions:
        reply = answerer.ask(q, lang)
        if as_json:
            out.write(json.dumps(reply.to_json(), ensure_ascii=False) + "\n")
        else:
            out.write(reply.text + ("\n\n" if question == "-" else "\n"))
    out.flush()


@main.command()
@click.option(
    "--lang", type=click.Choice(["en", "ko"]), default=None, help="Answer language (default: each question's)."
)
def chat(lang: str | None) -> None:
    """Ask questions interactively in the console (Ctrl-D or 'quit' to leave).

    Example: nkbot chat
    """
    answerer = _answerer(_settings())
    click.echo(
        "Ask about TJWG's report on North Korea's enforced disappearances. 'topics' lists topics; 'quit' leaves."
    )
    while True:
        try:
            question = input("> ")
        except (EOFError, KeyboardInterrupt):
            click.echo()
            return
        if question.strip().lower() in {"quit", "exit", ":q"}:
            return
        if question.strip().lower() in {"topics", "/topics", "help", "/help"}:
            for topic in answerer.topics(lang or "en"):
                click.echo(f"  {topic.id:22} {topic.title}")
            continue
        click.echo(answerer.ask(question, lang).text + "\n")


@main.command(name="eval")
@click.option(
    "--lang", "langs", type=click.Choice(["en", "ko"]), multiple=True, help="Only this language (repeatable)."
)
@click.option(
    "--set",
    "set_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder with en.yaml and ko.yaml (default: data/labelled).",
)
@click.option("--quiet", is_flag=True, help="Leave out the list of confusions.")
def evaluate(langs: tuple[str, ...], set_dir: Path | None, quiet: bool) -> None:
    """Measure the matcher on the labelled question sets: accuracy, wrong answers, declines, confusions.

    Example: nkbot eval --lang ko
    """
    from .evaluate import evaluate as run
    from .evaluate import format_report, load_set

    answerer = _answerer(_settings())
    folder = set_dir or LABELLED_DIR
    for lang in langs or ("en", "ko"):
        path = folder / f"{lang}.yaml"
        if not path.exists():
            click.echo(f"error: no labelled set at {path}", err=True)
            sys.exit(1)
        click.echo(format_report(run(answerer.matcher, load_set(path), lang), show_confusions=not quiet) + "\n")


@main.command()
@click.option(
    "--username",
    envvar="TELEGRAM_BOT_USERNAME",
    default="your_bot",
    help="The bot's @username without '@' [env TELEGRAM_BOT_USERNAME].",
)
def links(username: str) -> None:
    """Print each topic's deep link (t.me/<bot>?start=<topic>) for campaign posts.

    Example: nkbot links --username nowhere_report_bot
    """
    answerer = _answerer(_settings())
    for topic in answerer.topics("en"):
        click.echo(f"{topic.id:22} https://t.me/{username.lstrip('@')}?start={topic.id}  {topic.title}")


@main.command()
def check() -> None:
    """Health check: database integrity, every topic's examples, every figure against its row. Exit 0 or 1.

    Example: nkbot check
    """
    from .health import run_checks

    settings = _settings()
    ok, summary = run_checks(settings)
    click.echo(summary)
    sys.exit(0 if ok else 1)


@main.command()
def run() -> None:
    """Run the Telegram bot (polling, or webhook when NKBOT_WEBHOOK_URL is set).

    Example: TELEGRAM_BOT_TOKEN=123:abc... nkbot run
    """
    settings = _settings()
    try:
        settings.require_token()
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    from .app import run_bot
    from .unanswered import UnansweredLog

    answerer = _answerer(settings)
    if settings.unanswered_log:  # opt-in; only the running bot writes it, never ask/chat/eval
        answerer.unanswered = UnansweredLog(settings.unanswered_log)
    run_bot(settings, answerer)


main.add_command(export_command)
main.add_command(explore_command)
main.add_command(unanswered_command)
