"""Starting and stopping Bussola's two servers (action server, Rasa server) on loopback ports.

Used by `make chat`, the end-to-end tests and the benchmark, so all three run the same thing.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import List, Optional

from scripts.common import ROOT, VENV_BIN, env

DEFAULT_MODEL = ROOT / "models" / "bussola.tar.gz"
# Logging of the Rasa and action servers: masks emails and phone numbers (bot/redaction.py)
LOGGING_CONFIG = ROOT / "deploy" / "logging.yml"


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)  # the group's id is the leader's pid (start_new_session)
    except (ProcessLookupError, PermissionError):
        pass


_HANDED_OUT: set = set()  # ports this process already gave to a server about to start


def _ephemeral_range() -> tuple:
    """The kernel's range for the local ports of outgoing connections (Linux; a common default elsewhere)."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


def free_port() -> int:
    """A free loopback port for a server started next. Taken below the ephemeral range: a port the
    kernel handed out for binding to 0 can be given to an outgoing connection before the server binds
    it ("address already in use" on a Rasa replica of the stack); and never the same twice here."""
    low, _ = _ephemeral_range()
    for _ in range(500):
        port = secrets.randbelow(min(20000, low - 1025)) + max(1025, low - 20000)
        if port in _HANDED_OUT:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _HANDED_OUT.add(port)
        return port
    with socket.socket() as s:  # the range below is full: the kernel's choice
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _wait(url: str, proc: subprocess.Popen, name: str, log: Path, timeout: float, progress: bool) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"The {name} stopped while starting; see {log}:\n"
                               + log.read_text(errors="replace")[-2000:])
        try:
            urllib.request.urlopen(url, timeout=1)
            return time.monotonic() - start
        except OSError:
            if progress:
                print(f"\r\033[K    starting the {name}… {int(time.monotonic() - start)}s", end="", flush=True)
            time.sleep(0.25)
    raise RuntimeError(f"The {name} did not start within {timeout:.0f} s; see {log}")


# Conversations, leads and logs hold personal data: files only their owner can read (600, folders
# 700), created so by every server (its umask) and by the logs opened here.
PRIVATE_UMASK = 0o077


def private_dir(path: Path) -> Path:
    """The folder, created or narrowed to its owner, with the files already in it (an older install)."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    for item in path.rglob("*"):
        item.chmod(0o700 if item.is_dir() else item.stat().st_mode & 0o700)
    return path


def private_log(path: Path):
    """`path` opened for appending, readable by its owner only."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab")


def start_process(cmd: List[str], log: Path, environment: dict, cwd: Path = ROOT) -> subprocess.Popen:
    """A server in its own process group (stopped as a whole), its output appended to `log`, the
    files it creates private."""
    with private_log(log) as out:
        return subprocess.Popen(cmd, cwd=cwd, env=environment, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, umask=PRIVATE_UMASK)


def migrate_leads(environment: dict) -> None:
    """Brings the lead tables of the environment's database to their latest migration."""
    migrated = subprocess.run([str(VENV_BIN / "python"), "-m", "bot.leads", "migrate"], cwd=ROOT,
                              env=environment, capture_output=True, text=True, umask=PRIVATE_UMASK)
    if migrated.returncode != 0:
        raise RuntimeError(f"The lead database could not be migrated:\n{migrated.stderr[-2000:]}")


def leftover_process_groups(pids: List[int]) -> List[int]:
    """Of `pids` (process groups we started), those with a process still running."""
    alive = []
    for pid in pids:
        try:
            os.killpg(pid, 0)
            alive.append(pid)
        except ProcessLookupError:
            pass
    return alive


def stop_process_groups(procs: List[subprocess.Popen]) -> None:
    """Stops each process with its whole group: TERM, then KILL what is left after a grace time
    (a Sanic worker may ignore TERM, and outlives its parent when only the parent is stopped)."""
    groups = [p.pid for p in procs]
    for sig, grace in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        for proc in procs:
            _signal_group(proc, sig)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            for proc in procs:
                proc.poll()  # reap our own children, or they count as still there
            if not leftover_process_groups(groups):
                break
            time.sleep(0.1)
    for proc in procs:
        proc.wait()


def telegram_mode(environment: dict) -> str:
    """`polling` or `webhook`: BUSSOLA_TELEGRAM_MODE, else webhook when a public URL is given."""
    return environment.get("BUSSOLA_TELEGRAM_MODE") or ("webhook" if environment.get("BUSSOLA_TELEGRAM_WEBHOOK_URL")
                                                        else "polling")


def write_credentials(project: Path, state_dir: Path, environment: dict,
                      telegram_secret: Optional[str] = None) -> tuple:
    """The channels file in `state_dir`: REST always; Telegram when BUSSOLA_TELEGRAM_TOKEN is set
    (the token lives in the environment only, never in a committed file). See bot/telegram.py.
    Returns the path and the Telegram webhook's secret token (None without Telegram)."""
    text = (project / "credentials.yml").read_text(encoding="utf-8")
    token = environment.get("BUSSOLA_TELEGRAM_TOKEN")
    if token:
        telegram_secret = environment.get("BUSSOLA_TELEGRAM_SECRET") or telegram_secret or secrets.token_urlsafe(32)
        settings = {"access_token": token, "verify": environment.get("BUSSOLA_TELEGRAM_BOT_NAME", ""),
                    "webhook_url": environment.get("BUSSOLA_TELEGRAM_WEBHOOK_URL", ""),
                    "secret_token": telegram_secret,
                    "api_url": environment.get("BUSSOLA_TELEGRAM_API_URL", ""),
                    "queue_path": str(state_dir / "telegram_updates.db"),
                    # no public URL: long polling, the way to try the bot from a laptop
                    "mode": telegram_mode(environment)}
        text += "\nbot.telegram.BussolaTelegramInput:\n" + "".join(
            f"  {key}: {json.dumps(value)}\n" for key, value in settings.items())
    else:
        telegram_secret = None
    path = state_dir / "credentials.yml"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)  # it may hold the Telegram token
    return path, telegram_secret


class Servers:
    """The action server and the Rasa server (REST channel), with their state in `state_dir`."""

    def __init__(self, state_dir: Path, rasa_port: int = 5005, actions_port: int = 5055,
                 api_token: Optional[str] = None, model: Path = DEFAULT_MODEL,
                 extra_env: Optional[dict] = None, progress: bool = False,
                 project: Path = ROOT, with_actions: bool = True, sqlite_tracker: bool = True,
                 workers: Optional[int] = None, web_port: Optional[int] = None,
                 sales_port: Optional[int] = None):
        """`project`, `with_actions` and `sqlite_tracker` let the benchmark run another assistant
        (the `rasa init` baseline: no action server, Rasa's default in-memory tracker store)."""
        self.state_dir = Path(state_dir)
        # Rasa server processes (Sanic workers) sharing the conversations: one per core by default
        # on the embedded defaults (bot/lock_store.py makes that safe without Redis).
        self.workers = workers or int(os.environ.get("BUSSOLA_WORKERS") or min(os.cpu_count() or 1, 2))
        self.project, self.with_actions, self.sqlite_tracker = Path(project), with_actions, sqlite_tracker
        self.web_port = web_port  # the widget and its demo page (scripts/web.py), when set
        # The sales server (bot/leads/server.py: API, console, handoff notifications), when set.
        self.sales_port = sales_port
        given = {**os.environ, **(extra_env or {})}
        self.sales_token = given.get("BUSSOLA_SALES_TOKEN") or secrets.token_urlsafe(24)
        # what a salesperson types to start sales mode (actions/sales.py, StartSalesMode)
        self.sales_mode_code = given.get("BUSSOLA_SALES_MODE_CODE") or secrets.token_urlsafe(18)
        # what the Rasa server shows the action server, which refuses calls without it (actions/server.py)
        self.action_secret = given.get("BUSSOLA_ACTION_SECRET") or secrets.token_urlsafe(32)
        self.rasa_port, self.actions_port = rasa_port, actions_port
        self.api_token, self.model = api_token, model
        self.extra_env = {"BUSSOLA_STATE_DIR": str(self.state_dir), **(extra_env or {})}
        self.extra_env.setdefault("BUSSOLA_SALES_MODE_CODE", self.sales_mode_code)
        self.extra_env.setdefault("BUSSOLA_ACTION_SECRET", self.action_secret)
        # one pseudonym per conversation in every server's log (bot/redaction.py)
        self.extra_env.setdefault("BUSSOLA_LOG_KEY", given.get("BUSSOLA_LOG_KEY") or secrets.token_hex(16))
        if sales_port:
            self.extra_env.setdefault("BUSSOLA_SALES_URL", f"http://127.0.0.1:{sales_port}")
        self.progress = progress
        self.procs: list = []
        self.start_seconds: Optional[float] = None
        self.telegram_secret: Optional[str] = None

    @property
    def webhook(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def _endpoints(self) -> Path:
        path = self.state_dir / "endpoints.yml"
        text = ""
        if self.with_actions:
            # our actions never read the domain: Rasa need not send it with every call
            text += (f"action_endpoint:\n  url: http://127.0.0.1:{self.actions_port}/webhook\n"
                     f"  enable_selective_domain: true\n"
                     f"  headers:\n    X-Bussola-Secret: {json.dumps(self.action_secret)}\n")
        if self.sqlite_tracker:
            # Rasa's SQL tracker store, which also erases a conversation on request (bot/tracker_store.py)
            text += (f"tracker_store:\n  type: bot.tracker_store.ErasingSQLTrackerStore\n  dialect: sqlite\n"
                     f"  db: {self.state_dir / 'tracker.db'}\n")
        if self.workers > 1:  # Rasa allows several workers only with a lock store they share
            text += f"lock_store:\n  type: bot.lock_store.SQLiteLockStore\n  db: {self.state_dir / 'locks.db'}\n"
        path.write_text(text or "{}\n")
        path.chmod(0o600)  # it holds the action server's secret
        return path

    def _credentials(self) -> Path:
        """The channels: REST always; Telegram when BUSSOLA_TELEGRAM_TOKEN is set."""
        path, self.telegram_secret = write_credentials(self.project, self.state_dir,
                                                       {**os.environ, **self.extra_env})
        return path

    @property
    def demo_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}/"

    def cors_origins(self) -> list:
        """Web pages allowed to call the Rasa server from a browser: BUSSOLA_CORS_ORIGINS
        (space-separated), else the demo page's own origins."""
        configured = {**os.environ, **self.extra_env}.get("BUSSOLA_CORS_ORIGINS", "").split()
        if configured:
            return configured
        return [f"http://127.0.0.1:{self.web_port}", f"http://localhost:{self.web_port}"] if self.web_port else []

    @property
    def sales_url(self) -> str:
        return f"http://127.0.0.1:{self.sales_port}"

    @property
    def telegram_queue(self) -> Path:
        """Telegram updates received and not yet handled (bot/telegram.py, UpdateQueue)."""
        return self.state_dir / "telegram_updates.db"

    @property
    def telegram_webhook(self) -> str:
        return f"{self.rasa_url}/webhooks/telegram/webhook"

    def start(self) -> "Servers":
        for port in ([self.actions_port] if self.with_actions else []) + [self.rasa_port] + \
                [p for p in (self.web_port, self.sales_port) if p]:
            if port_in_use(port):
                raise RuntimeError(f"Port {port} is already in use: is Bussola (or another server) "
                                   f"already running? Stop it, or set BUSSOLA_RASA_PORT, "
                                   f"BUSSOLA_ACTIONS_PORT, BUSSOLA_WEB_PORT and BUSSOLA_SALES_PORT.")
        private_dir(self.state_dir)
        environment = env(**self.extra_env)
        actions_log, rasa_log = self.state_dir / "actions.log", self.state_dir / "rasa.log"
        if self.with_actions:  # the lead tables, at their latest migration (setup did it for state/)
            migrate_leads(environment)

            self.procs.append(start_process(
                [str(VENV_BIN / "python"), "-m", "actions.server", "--port", str(self.actions_port),
                 "--logging-config-file", str(LOGGING_CONFIG)],
                actions_log, {**environment, "BUSSOLA_PRELOAD": "1"}, cwd=self.project))
        cmd = [str(VENV_BIN / "rasa"), "run", "--port", str(self.rasa_port), "--interface", "127.0.0.1",
               "--model", str(self.model), "--endpoints", str(self._endpoints()),
               "--credentials", str(self._credentials()), "--logging-config-file", str(LOGGING_CONFIG)]
        if self.cors_origins():
            cmd += ["--cors", *self.cors_origins()]
        if self.api_token:  # the HTTP API reads and changes any conversation: never without a token
            cmd += ["--enable-api", "--auth-token", self.api_token]
        started = time.monotonic()
        rasa_env = {**environment, "SANIC_WORKERS": str(self.workers)}
        if self.workers > 1:  # spread the messages over the workers (bot/rest.py)
            rasa_env["BUSSOLA_CLOSE_CONNECTIONS"] = "1"
        self.rasa_proc = start_process(cmd, rasa_log, rasa_env, cwd=self.project)
        self.procs.append(self.rasa_proc)
        if self.web_port:
            web_log = self.state_dir / "web.log"
            self.web_proc = start_process(
                [str(VENV_BIN / "python"), "-m", "scripts.web", "--port", str(self.web_port),
                 "--rasa-url", f"http://127.0.0.1:{self.rasa_port}"], web_log, environment)
            self.procs.append(self.web_proc)
        if self.sales_port:
            sales_log = self.state_dir / "sales.log"
            tracker_url = f"sqlite:///{self.state_dir / 'tracker.db'}" if self.sqlite_tracker else ""
            self.sales_proc = start_process(
                [str(VENV_BIN / "python"), "-m", "bot.leads", "serve", "--port", str(self.sales_port)],
                sales_log, {"BUSSOLA_TRACKER_URL": tracker_url, **environment, "BUSSOLA_SALES_TOKEN": self.sales_token})
            self.procs.append(self.sales_proc)
        try:
            if self.web_port:
                _wait(f"http://127.0.0.1:{self.web_port}/health", self.web_proc, "web server", web_log, 60, self.progress)
            if self.sales_port:
                _wait(f"{self.sales_url}/health", self.sales_proc, "sales server", sales_log, 60, self.progress)
            if self.with_actions:
                _wait(f"http://127.0.0.1:{self.actions_port}/health", self.procs[0], "action server",
                      actions_log, 120, self.progress)
            _wait(f"{self.rasa_url}/", self.rasa_proc, "Rasa server", rasa_log, 240, self.progress)
        except Exception:
            self.stop()
            raise
        self.start_seconds = time.monotonic() - started
        if self.progress:
            print("\r\033[K", end="", flush=True)
        return self

    def stop(self) -> None:
        """Stops every server and what it started. Each runs in its own process group, signalled
        as a whole: the Rasa server's Sanic workers outlive their parent when only it is stopped."""
        stop_process_groups(self.procs)
        self.procs = []

    def leftover_processes(self, pids: List[int]) -> List[int]:
        """Of `pids` (process groups this object started), those with a process still running."""
        return leftover_process_groups(pids)

    def alive(self) -> bool:
        return bool(self.procs) and all(p.poll() is None for p in self.procs)

    def rasa_pid(self) -> int:
        return self.rasa_proc.pid

    def __enter__(self) -> "Servers":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
