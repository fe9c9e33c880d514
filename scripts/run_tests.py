"""Runs the whole test suite: unit tests, data validation, test stories, end-to-end tests.

Arguments are passed to pytest (for example `-k interview` or `tests/bot`).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

from scripts.common import ROOT, VENV_BIN, apt_install, env, say

CHROMIUM = "chromium"  # Debian's package: the browser of the widget tests


def ensure_chromium() -> str:
    """The path of Debian's Chromium, which the widget tests and benchmark drive; installed first
    where it is missing and we may."""
    if shutil.which(CHROMIUM):
        return shutil.which(CHROMIUM)
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit("The widget tests need Debian's Chromium: run `sudo apt-get install chromium`, "
                         "then `make test` again.")
    say("Installing Debian's Chromium for the widget tests (about a minute)")
    log = ROOT / "state" / "apt.log"
    path = apt_install(CHROMIUM, lambda: shutil.which(CHROMIUM), log)
    if path is None:
        raise SystemExit(f"Could not install Chromium; see {log}")
    return path


def main(argv: list) -> int:
    ensure_chromium()
    say("Running the test suite")
    result = subprocess.run([str(VENV_BIN / "python"), "-m", "pytest", *argv], cwd=ROOT, env=env())
    if result.returncode == 5:
        print("No tests were collected: that is a failure, not a pass.", file=sys.stderr)
        return 1
    return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
