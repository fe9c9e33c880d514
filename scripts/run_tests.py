"""Runs the whole test suite: unit tests, data validation, test stories, end-to-end tests.

Arguments are passed to pytest (for example `-k interview` or `tests/bot`).
"""
from __future__ import annotations

import subprocess
import sys

from scripts.common import ROOT, VENV_BIN, env, say


def main(argv: list) -> int:
    say("Running the test suite")
    result = subprocess.run([str(VENV_BIN / "python"), "-m", "pytest", *argv], cwd=ROOT, env=env())
    if result.returncode == 5:
        print("No tests were collected: that is a failure, not a pass.", file=sys.stderr)
        return 1
    return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
