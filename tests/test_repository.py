"""What someone who clones the repository can rely on: the licence it claims, and data that cite real sources."""

from __future__ import annotations

import re
import tomllib

from support import PROJECT

DATA = PROJECT / "data"


def test_the_licence_pyproject_names_is_in_the_repository():
    declared = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["license"]["text"]
    licence = (PROJECT / "LICENSE").read_text(encoding="utf-8")
    assert declared == "MIT" and licence.startswith("MIT License\n")
    assert re.search(r"^Copyright \(c\) \d{4} \S", licence, re.M)
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in licence


def test_data_files_name_their_published_sources_not_a_file_outside_the_repository():
    reviewed = [p for p in DATA.iterdir() if p.suffix in {".yaml", ".yml", ".md"}]
    for path in reviewed:
        text = path.read_text(encoding="utf-8")
        assert "shared/facts" not in text and "report-facts.md" not in text, path.name
        assert "../" not in text, path.name  # nothing a clone lacks
    provenance = (DATA / "README.md").read_text(encoding="utf-8")
    for url in ("https://en.tjwg.org/2024/10/31/", "https://reliefweb.int/report/"):
        assert url in provenance
