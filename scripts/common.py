"""Helpers shared by the project's command scripts: quiet environment, progress lines."""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Iterable, List, Optional

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
STATE = ROOT / "state"

# Libraries print pages of deprecation notices and TensorFlow banners; none helps a user.
QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "RASA_TELEMETRY_ENABLED": "false",
             "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "PYTHONWARNINGS": "ignore",
             "PYTHONPATH": str(ROOT)}


def env(**extra: str) -> dict:
    return {**os.environ, **QUIET_ENV, **extra}


def say(message: str) -> None:
    print(f"\033[1m==> {message}\033[0m", flush=True)


def files_hash(paths: Iterable[Path], extra: str = "") -> str:
    digest = hashlib.sha256(extra.encode())
    for path in sorted(paths):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def run_with_progress(label: str, cmd: List[str], log: Path, pattern: str) -> None:
    """Runs a long command with its output in a log, showing one updating progress line."""
    log.parent.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    tty = sys.stdout.isatty()
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=env())
        regex = re.compile(pattern)
        last_shown, last_print = "", 0.0
        while proc.poll() is None:
            time.sleep(1)
            text = log.read_bytes()[-20000:].decode("utf-8", "replace").replace("\r", "\n")
            lines = [m.strip() for m in text.splitlines() if regex.search(m)]
            current = lines[-1][:70] if lines else ""
            elapsed = int(time.monotonic() - start)
            if tty:
                print(f"\r\033[K    {label}: {elapsed}s {current}", end="", flush=True)
            elif current != last_shown and time.monotonic() - last_print >= 15:
                # in a log (CI), a line every 15 s at most
                print(f"    {label}: {elapsed}s {current}", flush=True)
                last_shown, last_print = current, time.monotonic()
    if tty:
        print("\r\033[K", end="")
    if proc.returncode:
        print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
        raise SystemExit(f"{label} failed (exit {proc.returncode}); full log: {log}")
    say(f"{label} done in {int(time.monotonic() - start)} s")


def apt_install(package: str, found: Callable[[], Optional[str]], log: Path) -> Optional[str]:
    """Installs a Debian package (as root, with apt-get; the caller checked both) and returns
    `found()` once it is there, else None. Installs first from the current package lists, and
    updates them only when that fails. Output appended to `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    apt = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    with open(log, "ab") as out:
        for cmd in (["apt-get", "install", "-y", "--no-install-recommends", package],
                    ["apt-get", "update"],
                    ["apt-get", "install", "-y", "--no-install-recommends", package]):
            if subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, env=apt).returncode == 0 and found():
                return found()
    return None
