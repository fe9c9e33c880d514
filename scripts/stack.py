"""The production topology on this machine's loopback (docs/production.md): N Rasa server replicas
(one Sanic worker each) and N action servers behind nginx, the sales server (one: it runs the
outbox worker), conversations and leads on the machine's PostgreSQL, the lock store on its Redis.

    make stack                                 # two replicas; Ctrl-C stops everything
    .venv/bin/python -m scripts.stack --replicas 3 --api-token "$BUSSOLA_API_TOKEN"

Every run gets a database of its own on the PostgreSQL server (`bussola_stack_<random>`, dropped at
stop unless --keep-database) and a random Redis key prefix, so several stacks and the tests never
share a conversation. From Python (the fault tests, the load test):

    with Stack(replicas=2, state_dir=tmp, api_token="…") as stack:
        post(stack.webhook, {"sender": "web-anna-0123456789abcdef0123", "message": "ciao"})
        stack.kill_replica(0)
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

from scripts.common import QUIET_ENV, ROOT, STATE, VENV_BIN, apt_install, say
from scripts.servers import (DEFAULT_MODEL, _signal_group, _wait, free_port, leftover_process_groups,
                             migrate_leads, start_process, stop_process_groups, write_credentials)

NGINX = "nginx"  # Debian's package
NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
ENDPOINTS = ROOT / "deploy" / "endpoints.yml"
LOGGING_CONFIG = ROOT / "deploy" / "logging.yml"  # masks emails and phone numbers (bot/redaction.py)
ADMIN_URL = os.environ.get("BUSSOLA_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


class ServiceMissing(RuntimeError):
    """A service the stack needs (nginx, PostgreSQL, Redis) is not there."""


def nginx_path() -> Optional[str]:
    return shutil.which(NGINX) or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                        if os.access(p, os.X_OK)), None)


def ensure_nginx() -> str:
    """The path of Debian's nginx, installed first where it is missing and we may (as root)."""
    found = nginx_path()
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise ServiceMissing("The local stack needs Debian's nginx: run `sudo apt-get install nginx`, then try again.")
    say("Installing Debian's nginx for the local stack (about 20 seconds)")
    log = STATE / "apt.log"
    path = apt_install(NGINX, nginx_path, log)
    if path is None:
        raise ServiceMissing(f"Could not install nginx; see {log}")
    return path


def check_postgres(admin_url: str) -> None:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(admin_url, future=True, connect_args={"connect_timeout": 5})
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
    except Exception as error:
        raise ServiceMissing(f"PostgreSQL is not reachable at {admin_url} ({error.__class__.__name__}: {error})")


def check_redis(host: str, port: int) -> None:
    import redis

    try:
        redis.Redis(host=host, port=port, socket_timeout=3).ping()
    except Exception as error:
        raise ServiceMissing(f"Redis is not reachable at {host}:{port} ({error.__class__.__name__}: {error})")


def render_nginx(template: str, values: Dict[str, str]) -> str:
    text = template
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    left = re.findall(r"\{\{[A-Z_]+\}\}", text)
    if left:
        raise ValueError(f"nginx template: no value for {sorted(set(left))}")
    return text


class Stack:
    """The whole stack on free loopback ports, with its state (logs, configuration) in `state_dir`.

    `extra_env` is given to every process last, so it overrides the stack's own settings (for
    example `{"BUSSOLA_REDIS_PORT": "<closed port>"}`). `rate_limit=None` turns nginx's per-client
    rate limit off (a load generator on loopback is one client).

    The stack creates its database on the server of `admin_url` (the machine's PostgreSQL, or a
    private one that a test may restart: scripts/pg_server.py) and its processes reach it there."""

    def __init__(self, replicas: int = 2, state_dir: Optional[Path] = None, api_token: Optional[str] = None,
                 extra_env: Optional[dict] = None, actions: Optional[int] = None, model: Path = DEFAULT_MODEL,
                 admin_url: str = ADMIN_URL, redis_host: str = "127.0.0.1", redis_port: int = 6379,
                 rate_limit: Optional[str] = "10r/s", burst: int = 40, max_body: str = "16k",
                 database_url: Optional[str] = None, keep_database: bool = False, progress: bool = False,
                 pool_size: int = 5, max_overflow: int = 10):
        if replicas < 1:
            raise ValueError("a stack needs at least one Rasa replica")
        self.replicas, self.actions = replicas, actions or replicas
        self.state_dir = Path(state_dir or STATE / "stack")
        self.api_token, self.model, self.progress = api_token, Path(model), progress
        self.extra_env = dict(extra_env or {})
        self.admin_url, self.redis_host, self.redis_port = admin_url, redis_host, redis_port
        self.rate_limit, self.burst, self.max_body = rate_limit, burst, max_body
        self.pool_size, self.max_overflow = pool_size, max_overflow
        self.keep_database = keep_database
        self.run_id = secrets.token_hex(4)
        self.database_name = None if database_url else f"bussola_stack_{self.run_id}"
        self._database_url = database_url
        self.redis_db = int(self.extra_env.get("BUSSOLA_REDIS_DB", 0))
        self.redis_prefix = f"bussolastack{self.run_id}"
        given = {**os.environ, **self.extra_env}
        self.sales_token = given.get("BUSSOLA_SALES_TOKEN") or secrets.token_urlsafe(24)
        self.sales_mode_code = given.get("BUSSOLA_SALES_MODE_CODE") or secrets.token_urlsafe(18)
        self.telegram_secret = given.get("BUSSOLA_TELEGRAM_SECRET") or secrets.token_urlsafe(32)  # one for all replicas
        self.action_secret = given.get("BUSSOLA_ACTION_SECRET") or secrets.token_urlsafe(32)
        self.log_key = given.get("BUSSOLA_LOG_KEY") or secrets.token_hex(16)
        self.port = self.actions_port = self.sales_port = 0
        self.rasa_ports: List[int] = []
        self.actions_ports: List[int] = []
        self.replica_procs: List[Optional[subprocess.Popen]] = []
        self.action_procs: List[Optional[subprocess.Popen]] = []
        self.sales_proc: Optional[subprocess.Popen] = None
        self.nginx_proc: Optional[subprocess.Popen] = None
        self.started_groups: List[int] = []  # every process group this stack ever started
        self.start_seconds: Optional[float] = None
        self._database_created = False

    # --- addresses ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """nginx: what users (and a load generator) talk to."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def webhook(self) -> str:
        return f"{self.url}/webhooks/rest/webhook"

    @property
    def rasa_urls(self) -> List[str]:
        """Each replica directly, bypassing nginx."""
        return [f"http://127.0.0.1:{port}" for port in self.rasa_ports]

    @property
    def action_endpoint(self) -> str:
        """The replicas' action_endpoint: nginx's internal listener for the action servers."""
        return f"http://127.0.0.1:{self.actions_port}/webhook"

    @property
    def sales_url(self) -> str:
        return f"http://127.0.0.1:{self.sales_port}"

    @property
    def database_url(self) -> str:
        """The stack's PostgreSQL database (conversations and leads)."""
        if self._database_url:
            return self._database_url
        base = self.admin_url.rsplit("/", 1)[0]
        return f"{base}/{self.database_name}"

    @property
    def procs(self) -> List[subprocess.Popen]:
        return [p for p in [*self.replica_procs, *self.action_procs, self.sales_proc, self.nginx_proc] if p]

    # --- environment and configuration ---------------------------------------------------------

    def environment(self, **overrides: str) -> dict:
        settings = {
            "BUSSOLA_DATABASE_URL": self.database_url,
            "BUSSOLA_TRACKER_URL": self.database_url,
            "SQL_POOL_SIZE": str(self.pool_size),
            "SQL_MAX_OVERFLOW": str(self.max_overflow),
            "BUSSOLA_ACTION_ENDPOINT_URL": self.action_endpoint,
            "BUSSOLA_REDIS_HOST": self.redis_host,
            "BUSSOLA_REDIS_PORT": str(self.redis_port),
            "BUSSOLA_REDIS_DB": str(self.redis_db),
            "BUSSOLA_REDIS_PASSWORD": "",
            "BUSSOLA_REDIS_KEY_PREFIX": self.redis_prefix,
            "BUSSOLA_REDIS_SSL": "false",
            "BUSSOLA_SALES_URL": self.sales_url,
            "BUSSOLA_SALES_MODE_CODE": self.sales_mode_code,
            "BUSSOLA_TELEGRAM_SECRET": self.telegram_secret,
            "BUSSOLA_ACTION_SECRET": self.action_secret,
            "BUSSOLA_LOG_KEY": self.log_key,
        }
        return {**os.environ, **QUIET_ENV, **settings, **self.extra_env, **overrides}

    def _nginx_conf(self) -> Path:
        servers = lambda ports: "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;" for p in ports)
        limit = f"limit_req zone=per_client burst={self.burst} nodelay;" if self.rate_limit else ""
        text = render_nginx(NGINX_TEMPLATE.read_text(encoding="utf-8"), {
            "PREFIX": str(self.state_dir), "LISTEN": f"127.0.0.1:{self.port}",
            "ACTIONS_LISTEN": f"127.0.0.1:{self.actions_port}", "RASA_SERVERS": servers(self.rasa_ports),
            "ACTION_SERVERS": servers(self.actions_ports), "RATE": self.rate_limit or "1000r/s",
            "BURST": str(self.burst), "MAX_BODY": self.max_body, "LIMIT_REQ": limit})
        path = self.state_dir / "nginx.conf"
        path.write_text(text, encoding="utf-8")
        (self.state_dir / "nginx-tmp").mkdir(exist_ok=True)
        return path

    def _create_database(self) -> None:
        if not self.database_name:
            return
        from sqlalchemy import create_engine, text

        engine = create_engine(self.admin_url, future=True, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.database_name}"'))
        engine.dispose()
        self._database_created = True

    def _drop_database(self) -> None:
        if not self._database_created or self.keep_database:
            return
        from sqlalchemy import create_engine, text

        engine = create_engine(self.admin_url, future=True, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)'))
        engine.dispose()
        self._database_created = False

    def _clear_redis(self) -> None:
        import redis

        try:
            client = redis.Redis(host=self.redis_host, port=self.redis_port, db=self.redis_db, socket_timeout=3)
            keys = list(client.scan_iter(match=f"{self.redis_prefix}:*", count=500))
            if keys:
                client.delete(*keys)
        except Exception:
            pass  # unreachable Redis: nothing of ours can be in it

    # --- processes -------------------------------------------------------------------------------

    def _start(self, cmd: List[str], log: Path, environment: dict) -> subprocess.Popen:
        proc = start_process(cmd, log, environment, cwd=ROOT)
        self.started_groups.append(proc.pid)
        return proc

    @staticmethod
    def _logging() -> List[str]:
        return ["--logging-config-file", str(LOGGING_CONFIG)] if LOGGING_CONFIG.exists() else []

    def _start_replica(self, index: int, **overrides: str) -> subprocess.Popen:
        home = self.state_dir / f"rasa-{index}"
        home.mkdir(parents=True, exist_ok=True)
        environment = self.environment(BUSSOLA_STATE_DIR=str(home), SANIC_WORKERS="1", **overrides)
        credentials, _ = write_credentials(ROOT, home, environment, self.telegram_secret)
        cmd = [str(VENV_BIN / "rasa"), "run", "--port", str(self.rasa_ports[index]), "--interface", "127.0.0.1",
               "--model", str(self.model), "--endpoints", str(ENDPOINTS), "--credentials", str(credentials),
               *self._logging()]
        origins = environment.get("BUSSOLA_CORS_ORIGINS", "").split()
        if origins:  # no origin: no CORS header, browsers on other sites cannot call the server
            cmd += ["--cors", *origins]
        if self.api_token:  # the HTTP API reads and changes any conversation: never without a token
            cmd += ["--enable-api", "--auth-token", self.api_token]
        return self._start(cmd, self.state_dir / f"rasa-{index}.log", environment)

    def _start_action_server(self, index: int) -> subprocess.Popen:
        home = self.state_dir / f"actions-{index}"  # its own lead spool, as in a pod of its own
        home.mkdir(parents=True, exist_ok=True)
        environment = self.environment(BUSSOLA_STATE_DIR=str(home), BUSSOLA_PRELOAD="1", SANIC_HOST="127.0.0.1",
                                       SANIC_WORKERS="1")
        return self._start([str(VENV_BIN / "python"), "-m", "actions.server", "--port", str(self.actions_ports[index]),
                            *self._logging()],
                           self.state_dir / f"actions-{index}.log", environment)

    def _wait_replica(self, index: int, timeout: float = 240) -> None:
        _wait(f"{self.rasa_urls[index]}/", self.replica_procs[index], f"Rasa replica {index}",
              self.state_dir / f"rasa-{index}.log", timeout, self.progress)

    def _wait_action_server(self, index: int, timeout: float = 120) -> None:
        _wait(f"http://127.0.0.1:{self.actions_ports[index]}/health", self.action_procs[index],
              f"action server {index}", self.state_dir / f"actions-{index}.log", timeout, self.progress)

    def start(self) -> "Stack":
        nginx = ensure_nginx()
        check_postgres(self.admin_url)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        self.port, self.actions_port, self.sales_port = free_port(), free_port(), free_port()
        self.rasa_ports = [free_port() for _ in range(self.replicas)]
        self.actions_ports = [free_port() for _ in range(self.actions)]
        try:
            self._create_database()
            migrate_leads(self.environment(BUSSOLA_STATE_DIR=str(self.state_dir)))
            conf = self._nginx_conf()
            tested = subprocess.run([nginx, "-t", "-q", "-p", str(self.state_dir), "-e",
                                     str(self.state_dir / "nginx-error.log"), "-c", str(conf)],
                                    capture_output=True, text=True)
            if tested.returncode != 0:
                raise RuntimeError(f"nginx rejects {conf}:\n{tested.stderr[-2000:]}")
            self.nginx_proc = self._start([nginx, "-p", str(self.state_dir), "-e",
                                           str(self.state_dir / "nginx-error.log"), "-c", str(conf)],
                                          self.state_dir / "nginx.log", self.environment())
            self.sales_proc = self._start(
                [str(VENV_BIN / "python"), "-m", "bot.leads", "serve", "--port", str(self.sales_port)],
                self.state_dir / "sales.log",
                self.environment(BUSSOLA_STATE_DIR=str(self.state_dir / "sales"), BUSSOLA_SALES_TOKEN=self.sales_token))
            self.action_procs = [self._start_action_server(i) for i in range(self.actions)]
            self.replica_procs = [self._start_replica(i) for i in range(self.replicas)]
            _wait(f"{self.url}/nginx-health", self.nginx_proc, "nginx", self.state_dir / "nginx-error.log", 30,
                  self.progress)
            _wait(f"{self.sales_url}/health", self.sales_proc, "sales server", self.state_dir / "sales.log", 60,
                  self.progress)
            for index in range(self.actions):
                self._wait_action_server(index)
            for index in range(self.replicas):
                self._wait_replica(index)
        except BaseException:
            self.stop()
            raise
        self.start_seconds = time.monotonic() - started
        if self.progress:
            print("\r\033[K", end="", flush=True)
        return self

    def stop(self) -> None:
        """Stops every process with its whole group (TERM, then KILL), then drops the database and
        the Redis keys of this run. Safe to call twice."""
        stop_process_groups(self.procs)
        self.replica_procs = [None for _ in self.replica_procs]
        self.action_procs = [None for _ in self.action_procs]
        self.sales_proc = self.nginx_proc = None
        self._drop_database()
        self._clear_redis()

    def leftover_processes(self) -> List[int]:
        """Process groups this stack started that still have a running process."""
        return leftover_process_groups(self.started_groups)

    # --- faults ----------------------------------------------------------------------------------

    def kill_replica(self, index: int) -> None:
        """SIGKILL to the replica's whole process group: no goodbye, as when a machine dies."""
        proc = self.replica_procs[index]
        if proc is None:
            return
        _signal_group(proc, signal.SIGKILL)
        proc.wait()
        self.replica_procs[index] = None

    def restart_replica(self, index: int, wait: bool = True, **overrides: str) -> None:
        """Starts replica `index` again on its port (stopping it first if it runs), with
        `overrides` added to its environment (e.g. BUSSOLA_REDIS_PORT of a closed port)."""
        if self.replica_procs[index] is not None:
            stop_process_groups([self.replica_procs[index]])
        self.replica_procs[index] = self._start_replica(index, **overrides)
        if wait:
            self._wait_replica(index)

    def stop_actions(self) -> None:
        """Stops every action server (nginx stays: the replicas' action calls get its 502)."""
        stop_process_groups([p for p in self.action_procs if p])
        self.action_procs = [None for _ in self.action_procs]

    def start_actions(self) -> None:
        """Starts the stopped action servers again on their ports and waits until they answer."""
        for index, proc in enumerate(self.action_procs):
            if proc is None:
                self.action_procs[index] = self._start_action_server(index)
        for index in range(self.actions):
            self._wait_action_server(index)

    def alive(self) -> bool:
        return bool(self.procs) and all(p.poll() is None for p in self.procs)

    def __enter__(self) -> "Stack":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicas", type=int, default=int(os.environ.get("REPLICAS") or 2),
                        help="Rasa replicas and action servers (default 2)")
    parser.add_argument("--state-dir", type=Path, default=STATE / "stack", help="logs and configuration")
    parser.add_argument("--api-token", default=os.environ.get("BUSSOLA_API_TOKEN"),
                        help="turn Rasa's HTTP API on with this token (default: BUSSOLA_API_TOKEN, else off)")
    parser.add_argument("--rate-limit", default=os.environ.get("BUSSOLA_RATE_LIMIT", "10r/s"),
                        help="nginx's limit per client address (nginx syntax, e.g. 10r/s; 'off' for none)")
    parser.add_argument("--keep-database", action="store_true", help="do not drop the stack's database at stop")
    args = parser.parse_args(argv)
    stack = Stack(replicas=args.replicas, state_dir=args.state_dir, api_token=args.api_token,
                  rate_limit=None if args.rate_limit == "off" else args.rate_limit,
                  keep_database=args.keep_database, progress=sys.stdout.isatty())
    def interrupted(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)  # `kill` stops the stack as cleanly as Ctrl-C
    say(f"Starting the local stack: {args.replicas} Rasa replicas, {stack.actions} action servers, "
        f"the sales server and nginx (about a minute)")
    try:
        stack.start()  # stops what it started when it fails or is interrupted
    except (RuntimeError, ValueError) as error:
        print(f"The stack could not start: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    say(f"The stack is running (ready in {stack.start_seconds:.0f} s)")
    print(f"""
    Through nginx:  {stack.webhook}
      curl -s {stack.webhook} -H 'Content-Type: application/json' -d '{{"sender": "web-anna-0123456789abcdef0123", "message": "ciao"}}'
    Replicas:       {", ".join(stack.rasa_urls)}
    HTTP API:       {"on, with the token given" if stack.api_token else "off (--api-token or BUSSOLA_API_TOKEN)"}
    Sales console:  {stack.sales_url}/console/  token: {stack.sales_token}
    Sales mode:     /start_sales_mode{{"sales_code": "{stack.sales_mode_code}", "salesperson": "Giulia"}}
    Database:       {stack.database_url}{"" if args.keep_database else " (dropped at stop)"}
    Redis:          {stack.redis_host}:{stack.redis_port} db {stack.redis_db}, keys {stack.redis_prefix}:*
    Logs:           {stack.state_dir}/*.log
    Press Ctrl-C to stop.
""", flush=True)
    try:
        while stack.alive():
            time.sleep(1)
        print("A process of the stack stopped; see the logs. Stopping the others.", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        say("Stopping the stack")
        stack.stop()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ServiceMissing as missing:
        sys.exit(str(missing))
