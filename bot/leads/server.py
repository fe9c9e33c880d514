"""The sales server: a token-protected JSON API over the leads, the sales console (web/sales/), the
outbox worker that notifies the sales webhook, and the hourly purge of expired anonymous leads.

    BUSSOLA_SALES_TOKEN=... python -m bot.leads serve --port 5056    # then open /console/

Every `/api/*` request needs `Authorization: Bearer $BUSSOLA_SALES_TOKEN`. The console page itself
is static and holds no data: it asks for the token and sends it with each request. Environment:
BUSSOLA_SALES_WEBHOOK_URL (where handoff notifications go; unset: they wait in the outbox),
BUSSOLA_TRACKER_URL (Rasa's SQL tracker store, for transcripts), BUSSOLA_DATABASE_URL (leads).
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import functools
import hmac
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from aiohttp import web
from sqlalchemy import column, create_engine, inspect, select, table
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from bot import db, paths, redaction
from bot.leads import brief as lead_brief
from bot.leads import export, outbox, settings
from bot.leads.models import ENTERED_BY, STATUSES
from bot.leads.store import GRADES, consent_granted, default_store

logger = logging.getLogger(__name__)

CONSOLE_DIR = paths.ROOT / "web" / "sales"
PURGE_INTERVAL = 3600.0
SECURITY_HEADERS = {
    # The console loads only its own files: no inline script or style, no framing, no referrer.
    "Content-Security-Policy": "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

STORE = web.AppKey("store", object)
TRACKER = web.AppKey("tracker", object)
CONSOLE = web.AppKey("console_dir", Path)


def default_tracker_url() -> str:
    return os.environ.get("BUSSOLA_TRACKER_URL") or f"sqlite:///{paths.STATE / 'tracker.db'}"


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime):  # the store's are timezone-aware UTC: "…+00:00"
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _json(data: Any, status: int = 200, headers: Optional[Dict[str, str]] = None) -> web.Response:
    return web.json_response(data, status=status, headers=headers,
                             dumps=functools.partial(json.dumps, default=_json_default, ensure_ascii=False))


def _error(status: int, message: str, headers: Optional[Dict[str, str]] = None) -> web.Response:
    return _json({"error": message}, status=status, headers=headers)


# --- transcripts from Rasa's tracker store -----------------------------------------------------

EVENTS = table("events", column("id"), column("sender_id"), column("type_name"), column("timestamp"),
               column("data"))
SPEAKERS = {"user": "utente", "bot": "bussola"}


class TranscriptError(Exception):
    """The tracker store cannot be read."""


class Tracker:
    """Reads the conversation of one sender from Rasa's SQL tracker store (table `events`)."""

    def __init__(self, url: str):
        self.url = url
        self._engine: Optional[Engine] = None

    def _missing_sqlite_file(self) -> bool:
        # Connecting would create an empty file: a tracker store that does not exist has no messages.
        parsed = make_url(self.url)
        return parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file()

    def messages(self, sender_id: str) -> List[Dict[str, Any]]:
        if self._missing_sqlite_file():
            return []
        if self._engine is None:
            self._engine = create_engine(self.url, future=True)
        query = select(EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data) \
            .where(EVENTS.c.sender_id == sender_id, EVENTS.c.type_name.in_(list(SPEAKERS))) \
            .order_by(EVENTS.c.id)
        try:
            with self._engine.connect() as connection:
                if not inspect(connection).has_table("events"):
                    return []  # Rasa has not written a conversation there yet
                rows = connection.execute(query).all()
        except SQLAlchemyError as error:
            raise TranscriptError(str(error)) from error
        transcript: List[Dict[str, Any]] = []
        buttons: Dict[str, str] = {}  # the payloads of the last question's buttons -> their titles
        for type_name, timestamp, data in rows:
            try:
                event = json.loads(data) if isinstance(data, str) else data or {}
            except ValueError:
                continue
            text = event.get("text")
            if type_name == "bot":
                pressable = ((event.get("data") or {}).get("buttons")) or []
                if pressable:
                    buttons = {b.get("payload"): b.get("title") for b in pressable if isinstance(b, dict)}
            elif text and text.startswith("/"):
                # what the person saw and pressed, not the intent it carries
                text = f"[{buttons[text]}]" if buttons.get(text) else "[un pulsante]"
            if text:
                at = dt.datetime.fromtimestamp(float(timestamp), dt.timezone.utc)
                transcript.append({"who": SPEAKERS[type_name], "text": text,
                                   "at": at.isoformat().replace("+00:00", "Z")})
        return transcript

    def forget(self, sender_ids: List[str]) -> int:
        """Deletes every stored event of these conversations; how many rows."""
        if not sender_ids or self._missing_sqlite_file():
            return 0
        if self._engine is None:
            self._engine = create_engine(self.url, future=True)
        try:
            with self._engine.begin() as connection:
                if not inspect(connection).has_table("events"):
                    return 0
                if self._engine.dialect.name == "sqlite":
                    connection.exec_driver_sql("PRAGMA secure_delete=ON")  # the rows overwritten, not freed
                deleted = connection.execute(EVENTS.delete().where(EVENTS.c.sender_id.in_(sender_ids))).rowcount
            if deleted:
                db.forget_deleted(self._engine)
            return deleted
        except SQLAlchemyError as error:
            raise TranscriptError(str(error)) from error

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


# --- request parsing ---------------------------------------------------------------------------

class ApiError(Exception):
    """Answered as {"error": message} with `status` (400: a bad request)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _choice(query: Any, name: str, allowed: tuple, problem: str) -> Optional[str]:
    value = query.get(name) or None
    if value is not None and value not in allowed:
        raise ApiError(f"{problem}: {value} (ammessi: {', '.join(allowed)})")
    return value


def _date(query: Any, name: str) -> Optional[dt.date]:
    """A day (the store takes `since` and `until` as whole days, both included)."""
    value = query.get(name) or None
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ApiError(f"Data non valida: {value} (usa AAAA-MM-GG)") from None


def _integer(query: Any, name: str, default: int, low: int, high: int) -> int:
    value = query.get(name)
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:  # not "²"
        raise ApiError(f"Valore non valido per {name}: {value} (da {low} a {high})")
    return int(value)


# --- handlers ----------------------------------------------------------------------------------

def _in_thread(function: Callable, *args: Any, **kwargs: Any):
    """The store is synchronous (SQLAlchemy): keep the event loop free while it works."""
    return asyncio.to_thread(function, *args, **kwargs)


async def health(_: web.Request) -> web.Response:
    return _json({"status": "ok"})


MAX_PER_PAGE = 200


async def list_leads(request: web.Request) -> web.Response:
    query = request.query
    output = query.get("format") or "json"
    if output not in ("json", "csv"):
        raise ApiError(f"Formato non valido: {output} (ammessi: json, csv)")
    filters = dict(grade=_choice(query, "grade", GRADES, "Valutazione non valida"),
                   status=_choice(query, "status", STATUSES, "Stato non valido"),
                   since=_date(query, "since"), until=_date(query, "until"),
                   entered_by=_choice(query, "entered_by", ENTERED_BY, "Origine non valida"),
                   # started=hide: without the conversations begun and left before the plan (the console's default)
                   hide_started=_choice(query, "started", ("show", "hide"), "Valore non valido per started") == "hide")
    store = request.app[STORE]
    if output == "json":  # one page, filtered in the database: the console never loads every lead
        per_page = _integer(query, "per_page", 50, 1, MAX_PER_PAGE)
        count = await _in_thread(store.count, **filters)
        pages = max(1, -(-count // per_page))
        page = min(_integer(query, "page", 1, 1, 10**6), pages)
        leads = await _in_thread(store.list, limit=per_page, offset=(page - 1) * per_page, **filters)
        return _json({"leads": leads, "count": count, "page": page, "pages": pages, "per_page": per_page})
    leads = await _in_thread(store.list, **filters)
    filename = f"bussola-leads-{dt.datetime.now(dt.timezone.utc):%Y%m%d}.csv"
    body = await _in_thread(export.to_csv, leads)  # about 1 s for 10,000 leads: not on the event loop
    return web.Response(body=body.encode("utf-8"), content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f"attachment; filename={filename}"})


async def _lead_or_404(request: web.Request) -> Dict[str, Any]:
    lead = await _in_thread(request.app[STORE].get, request.match_info["public_id"])
    if lead is None:
        raise ApiError("Lead non trovato", status=404)
    return lead


async def show_lead(request: web.Request) -> web.Response:
    lead = await _lead_or_404(request)
    path = request.app.router["transcript"].url_for(public_id=lead["public_id"])
    # built by hand: request.url fails on "host:port" with the yarl installed next to aiohttp 3.9
    transcript_url = f"{request.scheme}://{request.host}{path}"
    return _json({**lead, "brief": await _in_thread(lead_brief.brief, lead, transcript_url)})


async def lead_of_sender(request: web.Request) -> web.Response:
    """The lead of one conversation: the sales brief links to it by conversation id, because the
    brief is queued before the lead's own id is known (the database may be down then)."""
    lead = await _in_thread(request.app[STORE].by_sender, request.match_info["sender_id"])
    if lead is None:
        raise ApiError("Lead non trovato", status=404)
    return _json({"public_id": lead["public_id"]})


async def change_status(request: web.Request) -> web.Response:
    await _lead_or_404(request)
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("status"), str):
        raise ApiError("Richiesta non valida: serve un JSON con «status»")
    status, note, actor = body["status"], body.get("note") or None, body.get("actor") or "sales"
    if status not in STATUSES:
        raise ApiError(f"Stato non valido: {status}")
    if not isinstance(note, (str, type(None))) or len(note or "") > 2000 \
            or not isinstance(actor, str) or len(actor) > 64:
        raise ApiError("Richiesta non valida: «note» e «actor» devono essere testi brevi")
    try:
        lead = await _in_thread(request.app[STORE].set_status, request.match_info["public_id"],
                                status, actor=actor, note=note)
    except KeyError:  # erased meanwhile
        raise ApiError("Lead non trovato", status=404) from None
    return _json(lead)


async def transcript(request: web.Request) -> web.Response:
    lead = await _lead_or_404(request)
    if not consent_granted(lead, "profile"):  # the answers are kept, and shown, only under that consent
        return _error(404, "Conversazione non disponibile: la persona non ha acconsentito a conservare il profilo")
    try:
        # a lead a salesperson entered is "<conversation>#<prospect>": the transcript is the conversation's
        messages = await _in_thread(request.app[TRACKER].messages, lead["sender_id"].split("#", 1)[0])
    except TranscriptError as error:
        logger.error(f"Tracker store not readable: {error}")
        return _error(503, "Conversazione non disponibile: l'archivio delle conversazioni non risponde")
    return _json(messages)


async def funnel(request: web.Request) -> web.Response:
    since = _date(request.query, "since")
    reached = await _in_thread(request.app[STORE].funnel, since=since)
    return _json({"steps": [{"step": step, "leads": count} for step, count in reached.items()]})


async def grades(request: web.Request) -> web.Response:
    days = _integer(request.query, "days", 30, 1, 366)
    return _json({"days": days, "series": await _in_thread(request.app[STORE].grades_over_time, days=days)})


async def console_page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(request.app[CONSOLE] / "index.html")


async def console_redirect(_: web.Request) -> web.Response:
    raise web.HTTPFound("/console/")


# --- middlewares, background tasks, app ----------------------------------------------------------

def _auth_middleware(token: str):
    expected = token.encode("utf-8")

    @web.middleware
    async def authenticate(request: web.Request, handler):
        if not request.path.startswith("/api/"):
            return await handler(request)
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            return _error(401, "Token mancante", headers={"WWW-Authenticate": "Bearer"})
        # surrogateescape: header bytes that are not UTF-8 (a browser sends Latin-1) compare as they came
        if not hmac.compare_digest(given.strip().encode("utf-8", "surrogateescape"), expected):
            return _error(403, "Token non valido")
        try:
            response = await handler(request)
        except ApiError as error:
            return _error(error.status, str(error))
        response.headers["Cache-Control"] = "no-store"  # personal data: never in a shared cache
        return response

    return authenticate


async def _security_headers(_: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(SECURITY_HEADERS)


def purge_once(store: Any, tracker: Tracker, declined_days: int, now: Optional[dt.datetime] = None) -> tuple:
    """The retention schedule, one pass (docs/sales.md): the conversations of declined consents and
    of expired anonymous leads leave the conversation store, then the expired leads go. (events, leads)"""
    forgotten = tracker.forget(store.conversations_to_forget(declined_days, now))
    return forgotten, store.purge_expired(now)


async def _purge_loop(store: Any, tracker: Tracker, declined_days: int, stop_event: asyncio.Event) -> None:
    while not stop_event.is_set():
        try:
            events, leads = await _in_thread(purge_once, store, tracker, declined_days)
            if events or leads:
                logger.info(f"Purged {leads} expired anonymous lead(s) and {events} conversation event(s)")
        except Exception:  # the database may be down for a while: try again next hour
            logger.exception("Purge of expired leads and conversations failed")
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop_event.wait(), PURGE_INTERVAL)


def _add_background_tasks(app: web.Application, webhook_url: Optional[str]) -> None:
    """The outbox worker and the purge loop, from startup to shutdown. They are stopped on shutdown,
    not cleanup: aiohttp 3.9's run_app waits for every task to end between the two."""
    stop_event = asyncio.Event()
    running: List[asyncio.Task] = []

    async def start(app: web.Application) -> None:
        running.append(asyncio.create_task(outbox.run_worker(app[STORE], webhook_url, stop_event)))
        running.append(asyncio.create_task(_purge_loop(app[STORE], app[TRACKER],
                                                        settings.default().declined_conversation_days, stop_event)))

    async def stop(_: web.Application) -> None:
        stop_event.set()
        _, late = await asyncio.wait(running, timeout=6)  # a POST in flight times out after 5 s
        for task in late:
            task.cancel()

    app.on_startup.append(start)
    app.on_shutdown.append(stop)


async def _close_tracker(app: web.Application) -> None:
    app[TRACKER].close()


def make_app(store: Any, token: str, webhook_url: Optional[str], tracker_url: str,
             console_dir: Path = CONSOLE_DIR) -> web.Application:
    """The sales server over `store` (a LeadStore); the outbox worker and the purge run while it runs."""
    if not token:
        raise ValueError("BUSSOLA_SALES_TOKEN is not set: the sales server does not start without a token")
    app = web.Application(middlewares=[_auth_middleware(token)])
    app[STORE] = store
    app[TRACKER] = Tracker(tracker_url)
    app[CONSOLE] = Path(console_dir)
    app.on_response_prepare.append(_security_headers)
    _add_background_tasks(app, webhook_url)
    app.on_cleanup.append(_close_tracker)
    router = app.router
    router.add_get("/health", health)
    router.add_get("/api/leads", list_leads)
    router.add_get("/api/leads/{public_id}", show_lead)
    router.add_patch("/api/leads/{public_id}", change_status)
    router.add_get("/api/leads/{public_id}/transcript", transcript, name="transcript")
    router.add_get("/api/senders/{sender_id}/lead", lead_of_sender)
    router.add_get("/api/stats/funnel", funnel)
    router.add_get("/api/stats/grades", grades)
    router.add_get("/console", console_redirect)
    router.add_get("/console/", console_page)
    router.add_static("/console/", Path(console_dir), follow_symlinks=False)
    return app


def serve(port: int = 5056, host: str = "127.0.0.1") -> None:
    """Runs the sales server with the settings of the environment (see the module's docstring)."""
    token = os.environ.get("BUSSOLA_SALES_TOKEN", "")
    if not token:
        sys.exit("The sales server needs a token: set BUSSOLA_SALES_TOKEN (e.g. `openssl rand -hex 32`) "
                 "and give it to the sales team.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    redaction.install()  # no email or phone number in the log (bot/redaction.py)
    app = make_app(default_store(), token, os.environ.get("BUSSOLA_SALES_WEBHOOK_URL") or None,
                   default_tracker_url())
    print(f"Sales console: http://{host}:{port}/console/", flush=True)
    web.run_app(app, host=host, port=port, print=None)


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.leads serve", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5056)
    args = parser.parse_args(argv)
    serve(args.port, args.host)


if __name__ == "__main__":
    main(sys.argv[1:])
