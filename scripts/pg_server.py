"""A throw-away PostgreSQL server of the tests' own, which they may stop and start again: the
machine's PostgreSQL is shared (other tests, other stacks), so it is never restarted.

    server = PrivatePostgres().start()   # initdb in a temporary directory, a free loopback port
    server.url                           # postgresql+psycopg2://postgres@127.0.0.1:<port>/postgres
    server.stop("fast")                  # pg_ctl stop -m fast: sessions terminated, connections refused
    server.start()                       # again, same port and data directory
    server.cleanup()                     # stopped (immediate) and its directory removed

It is a real PostgreSQL (the binaries of PostgreSQL 15, /usr/lib/postgresql/15/bin), so a client
sees exactly what a restart in production looks like. Settings for speed, not durability: fsync
off, trust authentication, listening on 127.0.0.1 only, its socket inside its directory.
PostgreSQL refuses to run as root: as root, its commands run as the `postgres` system user.
"""
from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import List, Optional

from scripts.servers import free_port
from scripts.stack import ServiceMissing

BIN_DIR = Path(os.environ.get("BUSSOLA_PG_BIN", "/usr/lib/postgresql/15/bin"))
SYSTEM_USER = "postgres"  # who runs the server when we are root


def bin_dir() -> Path:
    """Where initdb and pg_ctl are: BIN_DIR, else wherever PATH finds pg_ctl."""
    if (BIN_DIR / "pg_ctl").exists() and (BIN_DIR / "initdb").exists():
        return BIN_DIR
    found = shutil.which("pg_ctl")
    if found and (Path(found).parent / "initdb").exists():
        return Path(found).parent
    raise ServiceMissing(f"PostgreSQL's initdb and pg_ctl are neither in {BIN_DIR} nor on PATH: "
                         "install PostgreSQL 15 (`apt-get install postgresql-15`) or set BUSSOLA_PG_BIN")


class PrivatePostgres:
    def __init__(self, port: Optional[int] = None):
        self.bin = bin_dir()
        self.owner = None  # (uid, gid) of the system user when we are root: postgres will not run as root
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam(SYSTEM_USER)
            except KeyError:
                raise ServiceMissing(f"PostgreSQL does not run as root and there is no `{SYSTEM_USER}` user") from None
            self.owner = (account.pw_uid, account.pw_gid)
        self.port = port or free_port()  # kept across restarts: the stack's URLs do not change
        self.dir: Optional[Path] = None
        self.running = False

    @property
    def data(self) -> Path:
        return self.dir / "data"

    @property
    def log(self) -> Path:
        return self.dir / "server.log"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout: float = 120) -> None:
        cmd: List[str] = [str(self.bin / args[0]), *args[1:]]
        if self.owner:
            cmd = ["runuser", "-u", SYSTEM_USER, "--", *cmd]
        done = subprocess.run(cmd, cwd=self.dir, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout)
        if done.returncode != 0:
            tail = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(args[:2])} failed ({done.returncode}):\n{done.stdout}{done.stderr}{tail}")

    def _init(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="bussola-pg-"))
        if self.owner:
            os.chown(self.dir, *self.owner)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale",
                  "--no-sync")
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:  # read at every start
            conf.write(f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                       f"unix_socket_directories = '{self.dir}'\nfsync = off\nfull_page_writes = off\n")

    def start(self) -> "PrivatePostgres":
        """Creates the cluster the first time, then starts the server and waits until it accepts
        connections."""
        if self.dir is None:
            self._init()
        if not self.running:
            self._run("pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60")
            self.running = True
        return self

    def stop(self, mode: str = "fast") -> None:
        """pg_ctl stop -m `mode`: "fast" terminates every session (a client's open connection ends
        with an error) and refuses new ones; "immediate" is a crash without a shutdown checkpoint."""
        if self.running:
            self._run("pg_ctl", "stop", "-D", str(self.data), "-m", mode, "-w", "-t", "60")
            self.running = False

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def cleanup(self) -> None:
        """Stops the server if it runs and removes its directory. Safe to call twice."""
        try:
            self.stop("immediate")
        finally:
            if self.dir is not None:
                shutil.rmtree(self.dir, ignore_errors=True)
                self.dir = None

    def __enter__(self) -> "PrivatePostgres":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.cleanup()
