"""The setup command finds Python 3.10 by itself, and says what to install where it is missing."""
from __future__ import annotations

import os
import shutil
import subprocess

from scripts.common import ROOT

SETUP = str(ROOT / "scripts" / "setup.sh")


def test_finds_python_310_on_this_machine():
    result = subprocess.run([SETUP, "--find-python"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    version = subprocess.run([result.stdout.strip(), "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("Python 3.10")


def test_says_what_to_install_when_python_310_is_missing(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "ls", "sort", "cat", "sha256sum", "cut", "dirname"):  # no python, no pyenv
        os.symlink(shutil.which(tool), bin_dir / tool)
    result = subprocess.run(["bash", SETUP, "--find-python"], capture_output=True, text=True, timeout=60,
                            env={"PATH": str(bin_dir), "HOME": str(tmp_path)})
    assert result.returncode == 1
    assert "Python 3.10 is required" in result.stderr and "pyenv install 3.10" in result.stderr
