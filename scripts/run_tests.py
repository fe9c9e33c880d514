"""Runs the whole test suite: unit tests, data validation, test stories, end-to-end tests.

Arguments are passed to pytest (for example `-k interview` or `tests/bot`).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

from scripts.common import ROOT, VENV_BIN, env, say

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
    log.parent.mkdir(exist_ok=True)
    apt = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    with open(log, "wb") as out:
        for cmd in (["apt-get", "install", "-y", "--no-install-recommends", CHROMIUM],
                    ["apt-get", "update"],
                    ["apt-get", "install", "-y", "--no-install-recommends", CHROMIUM]):
            if subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, env=apt).returncode == 0 \
                    and shutil.which(CHROMIUM):
                return shutil.which(CHROMIUM)
    raise SystemExit(f"Could not install Chromium; see {log}")


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
