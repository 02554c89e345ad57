"""The code is ruff-clean (lint and format), so style never has to be argued in review."""

from __future__ import annotations

import shutil
import subprocess
import sys

from support import PROJECT


def _ruff(*args: str) -> subprocess.CompletedProcess:
    ruff = shutil.which("ruff") or str(PROJECT / ".venv" / "bin" / "ruff")
    return subprocess.run([ruff, *args], cwd=PROJECT, capture_output=True, text=True, check=False)


PATHS = [name for name in ("bot", "tests", "bench") if (PROJECT / name).is_dir()]


def test_ruff_check_is_clean():
    result = _ruff("check", *PATHS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean():
    result = _ruff("format", "--check", *PATHS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_python_version_is_supported():
    assert sys.version_info >= (3, 11)
