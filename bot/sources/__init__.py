"""The only code that reads data/: the reviewed YAML files, validated, as one Dataset.

Each file has its reader: figures.py (sources, findings, breakdowns), topics.py (intents, out-of-scope
subjects, small talk, the report), words.py (synonyms, language words, the matcher's parameters). A problem is
a DataError naming the file, the entry and what is wrong.
"""

from __future__ import annotations

from pathlib import Path

from ..models import Dataset
from . import figures, topics, words
from .reading import DataError, read, read_list

FILES = (
    "report.yaml",
    "sources.yaml",
    "findings.yaml",
    "breakdowns.yaml",
    "intents.yaml",
    "out_of_scope.yaml",
    "smalltalk.yaml",
    "synonyms.yaml",
    "language.yaml",
    "decision.yaml",
)

__all__ = ["FILES", "DataError", "data_files", "load"]


def data_files(data_dir: Path) -> list[Path]:
    return [data_dir / name for name in FILES]


def load(data_dir: Path) -> Dataset:
    """Read and validate every file of data_dir; raise DataError at the first problem."""
    sources = figures.sources(read_list(data_dir, "sources.yaml"))
    findings = figures.findings(read_list(data_dir, "findings.yaml"), sources)
    breakdowns = figures.breakdowns(read_list(data_dir, "breakdowns.yaml"), findings)
    intents = topics.intents(read_list(data_dir, "intents.yaml"), findings, breakdowns)
    return Dataset(
        sources,
        findings,
        breakdowns,
        intents,
        topics.out_of_scope(read_list(data_dir, "out_of_scope.yaml"), intents),
        words.synonyms(read(data_dir, "synonyms.yaml")),
        smalltalk=topics.smalltalk(read_list(data_dir, "smalltalk.yaml")),
        language=words.language(read(data_dir, "language.yaml")),
        report=topics.report(read(data_dir, "report.yaml")),
        params=words.params(read(data_dir, "decision.yaml")),
    )
