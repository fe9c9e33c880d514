"""The sales server through aiohttp's test client: the token on every /api route, the filters, the
audited status change, the CSV download, transcripts from a Rasa-shaped `events` table, the
charts' statistics, the security headers, and the background worker and purge."""
from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import sqlite3

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import create_engine

from bot import personas
from bot.leads import migrate, server
from bot.leads.models import STEPS
from bot.leads.models import now as utc_now
from bot.leads.store import LeadStore, LeadUpdate
from tests.bot.leads.test_outbox import Receiver

TOKEN = "sales-test-token-ä"  # not ASCII: the comparison must still work
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NOTICE = "2026-11-26+abcd1234"
PLAN = {"type": "bussola.plan", "schema_version": 1, "specialist_advised": False, "specialist_reasons": [],
        "channels": [{"id": "linkedin", "name": "LinkedIn", "score": 94.2,
                      "reasons": ["funziona bene per chi vende ad aziende"]}]}


def qualification(grade: str, fit: int, readiness: int) -> dict:
    return {"fit": {"points": fit, "reasons": ["vende ad aziende"]},
            "readiness": {"points": readiness, "reasons": ["obiettivi chiari"]},
            "grade": grade, "grade_reason": f"Grado {grade}: affinità {fit}, prontezza {readiness}.",
            "specialist_reasons": []}


def days_ago(days: float) -> str:
    return (utc_now() - dt.timedelta(days=days)).isoformat()


def seed_leads(store: LeadStore) -> dict:
    """Four leads: Anna (A, asked for a call, 3 days ago), Bruno (B, Telegram, yesterday), Carla
    (C, entered by the sales team today, a formula in her contact details) and an anonymous
    visitor who only started (10 days ago). {first name: public_id}."""
    lawyer = personas.load()[0].profile
    ids = {}

    def consents(at: str, *kinds: str) -> list:
        return [{"kind": kind, "granted": True, "notice_version": NOTICE, "given_at": at} for kind in kinds]

    when = days_ago(3)
    ids["anna"] = store.apply(LeadUpdate(sender_id="web-anna", step="started", channel="rest", at=when))
    store.apply(LeadUpdate(sender_id="web-anna", step="plan", profile=lawyer, plan=PLAN,
                           consents=consents(when, "profile"), qualification=qualification("A", 85, 75), at=when))
    store.apply(LeadUpdate(
        sender_id="web-anna", step="handoff", consents=consents(when, "contact"), status="handoff_requested",
        contact={"name": "Anna Verdi", "company": "Studio Verdi", "email": "anna@example.it",
                 "phone": "+393331234567", "call_time": "mattina"},
        notify={"kind": "handoff", "payload": {"lead": "web-anna"}, "dedup_key": "handoff:web-anna"}, at=when))

    when = days_ago(1)
    ids["bruno"] = store.apply(LeadUpdate(sender_id="tg-bruno", step="plan", channel="telegram", profile=lawyer,
                                          plan=PLAN, consents=consents(when, "profile"),
                                          qualification=qualification("B", 60, 50), at=when))
    when = days_ago(0)
    ids["carla"] = store.apply(LeadUpdate(
        sender_id="sales-carla", step="contact", channel="rest", entered_by="sales", salesperson="Marco",
        consents=consents(when, "profile", "contact"), qualification=qualification("C", 20, 30),
        contact={"name": "=HYPERLINK(\"http://evil.example\")", "company": "@Rischio Srl"}, at=when))
    ids["anon"] = store.apply(LeadUpdate(sender_id="web-anon", step="started", channel="rest", at=days_ago(10)))
    return ids


def make_tracker(path, sender: str = "web-anna") -> str:
    """A tracker store with Rasa's `events` columns: a short conversation of `sender`, plus events
    that are not messages and another conversation. Its SQLAlchemy URL."""
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
                       "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
                       "action_name VARCHAR(255), data TEXT)")
    start = utc_now().timestamp() - 3600
    events = [(sender, "action", None, "action_listen", {"name": "action_listen"}),
              (sender, "user", "greet", None, {"text": "Ciao", "parse_data": {"intent": {"name": "greet"}}}),
              (sender, "bot", None, None, {"text": "Ciao! Per cominciare: chi sei?", "data": {}}),
              (sender, "slot", None, None, {"name": "org_kind", "value": "professionista"}),
              (sender, "user", "inform", None, {"text": "<b>un avvocato</b>"}),
              (sender, "bot", None, None, {"text": None, "data": {"custom": {"type": "bussola.plan"}}}),
              ("someone-else", "user", "greet", None, {"text": "Non sono io"})]
    connection.executemany("INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                           "VALUES (?, ?, ?, ?, ?, ?)",
                           [(s, t, start + n, i, a, json.dumps(d)) for n, (s, t, i, a, d) in enumerate(events)])
    connection.commit()
    connection.close()
    return f"sqlite:///{path}"


def new_store(path) -> LeadStore:
    engine = create_engine(f"sqlite:///{path}", future=True)
    migrate.upgrade(engine)
    return LeadStore(engine)


@pytest.fixture
def store(tmp_path):
    lead_store = new_store(tmp_path / "leads.db")
    yield lead_store
    lead_store.engine.dispose()


@pytest.fixture
def ids(store):
    return seed_leads(store)


@pytest.fixture
async def client(store, ids, tmp_path):
    app = server.make_app(store, TOKEN, None, make_tracker(tmp_path / "tracker.db"))
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def get_json(client, path: str, status: int = 200):
    response = await client.get(path, headers=AUTH)
    assert response.status == status, await response.text()
    return await response.json()


def api_requests(ids: dict) -> list:
    lead = f"/api/leads/{ids['anna']}"
    return [("GET", "/api/leads", None), ("GET", "/api/leads?format=csv", None), ("GET", lead, None),
            ("PATCH", lead, {"status": "contacted"}), ("GET", f"{lead}/transcript", None),
            ("GET", "/api/stats/funnel", None), ("GET", "/api/stats/grades", None),
            ("GET", "/api/senders/web-anna/lead", None)]


# --- the token -----------------------------------------------------------------------------------

async def test_every_api_route_needs_the_token(client, ids):
    for method, path, body in api_requests(ids):
        for headers, status, error in (({}, 401, "Token mancante"),
                                       ({"Authorization": f"Basic {TOKEN}"}, 401, "Token mancante"),
                                       ({"Authorization": "Bearer"}, 401, "Token mancante"),
                                       ({"Authorization": "Bearer wrong-token"}, 403, "Token non valido"),
                                       ({"Authorization": f"Bearer {TOKEN}x"}, 403, "Token non valido")):
            response = await client.request(method, path, json=body, headers=headers)
            assert response.status == status, (method, path, headers)
            assert (await response.json()) == {"error": error}
            assert (response.headers.get("WWW-Authenticate") == "Bearer") == (status == 401)
        response = await client.request(method, path, json=body, headers=AUTH)
        assert response.status == 200, (method, path, await response.text())
        assert response.headers["Cache-Control"] == "no-store"


async def test_a_token_that_is_not_utf8_is_refused_not_an_error(client):
    reader, writer = await asyncio.open_connection(client.host, client.port)
    writer.write(b"GET /api/leads HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                 b"Authorization: Bearer sales-test-token-\xe4\r\n\r\n")  # Latin-1, as a browser sends it
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    assert status_line.startswith(b"HTTP/1.1 403")


async def test_health_and_the_console_page_need_no_token_and_every_response_has_the_security_headers(client):
    responses = [await client.get("/health"), await client.get("/console/"),
                 await client.get("/console/console.js"), await client.get("/console/console.css"),
                 await client.get("/api/leads"), await client.get("/api/leads/nothing", headers=AUTH),
                 await client.get("/nowhere")]
    assert [r.status for r in responses] == [200, 200, 200, 200, 401, 404, 404]
    assert await responses[0].json() == {"status": "ok"}
    page = await responses[1].text()
    assert responses[1].content_type == "text/html" and '<script src="console.js" defer>' in page
    assert "<script>" not in page and " style=" not in page  # nothing inline: the CSP would block it
    for response in responses:
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Frame-Options"] == "DENY"
    redirect = await client.get("/console", allow_redirects=False)
    assert redirect.status == 302 and redirect.headers["Location"] == "/console/"


async def test_no_cross_origin_access(client):
    response = await client.get("/api/leads", headers={**AUTH, "Origin": "https://evil.example"})
    assert response.status == 200 and "Access-Control-Allow-Origin" not in response.headers
    preflight = await client.options("/api/leads", headers={"Origin": "https://evil.example",
                                                            "Access-Control-Request-Method": "GET"})
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_the_server_does_not_start_without_a_token(store, monkeypatch):
    with pytest.raises(ValueError, match="BUSSOLA_SALES_TOKEN"):
        server.make_app(store, "", None, "sqlite://")
    monkeypatch.delenv("BUSSOLA_SALES_TOKEN", raising=False)
    with pytest.raises(SystemExit, match="needs a token: set BUSSOLA_SALES_TOKEN"):
        server.main(["--port", "5999"])


# --- leads ---------------------------------------------------------------------------------------

async def test_the_list_and_its_filters(client, ids):
    def names(data):
        return sorted(key for key, public_id in ids.items() if public_id in {l["public_id"] for l in data["leads"]})

    everything = await get_json(client, "/api/leads")
    assert everything["count"] == 4
    assert [l["public_id"] for l in everything["leads"]] == [ids[n] for n in ("carla", "bruno", "anna", "anon")]
    assert names(await get_json(client, "/api/leads?grade=A")) == ["anna"]
    assert names(await get_json(client, "/api/leads?status=handoff_requested")) == ["anna"]
    assert names(await get_json(client, "/api/leads?entered_by=sales")) == ["carla"]
    assert names(await get_json(client, "/api/leads?entered_by=visitor&grade=B")) == ["bruno"]
    today, three_days_ago = utc_now().date(), (utc_now() - dt.timedelta(days=3)).date()
    assert names(await get_json(client, f"/api/leads?since={three_days_ago}")) == ["anna", "bruno", "carla"]
    assert names(await get_json(client, f"/api/leads?since={three_days_ago}&until={three_days_ago}")) == ["anna"]
    assert names(await get_json(client, f"/api/leads?until={today - dt.timedelta(days=5)}")) == ["anon"]
    assert names(await get_json(client, "/api/leads?grade=&status=")) == ["anna", "anon", "bruno", "carla"]

    # one page at a time, the count of them all; the conversations only begun hidden when asked
    first = await get_json(client, "/api/leads?per_page=3")
    assert (first["count"], first["page"], first["pages"], len(first["leads"])) == (4, 1, 2, 3)
    second = await get_json(client, "/api/leads?per_page=3&page=2")
    assert [l["public_id"] for l in second["leads"]] == [ids["anon"]]
    assert (await get_json(client, "/api/leads?per_page=3&page=99"))["page"] == 2  # past the end: the last page
    assert names(await get_json(client, "/api/leads?started=hide")) == ["anna", "bruno", "carla"]
    assert (await get_json(client, "/api/leads?started=hide"))["count"] == 3

    for query, error in (("per_page=0", "Valore non valido per per_page"), ("page=x", "Valore non valido per page"),
                         ("started=forse", "Valore non valido per started"),
                         ("grade=D", "Valutazione non valida: D"), ("status=boh", "Stato non valido: boh"),
                         ("entered_by=bot", "Origine non valida: bot"), ("since=ieri", "Data non valida: ieri"),
                         ("format=xml", "Formato non valido: xml")):
        assert (await get_json(client, f"/api/leads?{query}", status=400))["error"].startswith(error)


async def test_one_lead_with_its_brief(client, ids):
    lead = await get_json(client, f"/api/leads/{ids['anna']}")
    assert (lead["name"], lead["status"], lead["grade"]) == ("Anna Verdi", "handoff_requested", "A")
    assert [c["kind"] for c in lead["consents"]] == ["profile", "contact"]
    assert [(h["old_status"], h["new_status"]) for h in lead["history"]] == [(None, "new"),
                                                                             ("new", "handoff_requested")]
    brief = lead["brief"]
    assert brief["headline"].startswith("Anna Verdi, Studio Verdi — professionista")
    assert brief["contact"]["email"] == "anna@example.it" and brief["fit"]["points"] == 85
    assert brief["plan"]["channels"][0]["name"] == "LinkedIn"
    assert brief["transcript_url"] == str(client.make_url(f"/api/leads/{ids['anna']}/transcript"))
    assert lead["created_at"].endswith("+00:00")

    assert await get_json(client, "/api/leads/" + "0" * 32, status=404) == {"error": "Lead non trovato"}


async def test_a_conversation_leads_to_its_lead(client, ids):
    assert await get_json(client, "/api/senders/tg-bruno/lead") == {"public_id": ids["bruno"]}
    assert await get_json(client, "/api/senders/nobody/lead", 404) == {"error": "Lead non trovato"}


async def test_a_status_change_is_audited(client, ids):
    path = f"/api/leads/{ids['anna']}"
    response = await client.patch(path, json={"status": "contacted", "note": "Richiamare giovedì", "actor": "Marco"},
                                  headers=AUTH)
    assert response.status == 200
    lead = await response.json()
    assert lead["status"] == "contacted"
    assert lead["history"][-1] | {"at": None} == {"old_status": "handoff_requested", "new_status": "contacted",
                                                  "actor": "Marco", "note": "Richiamare giovedì", "at": None}
    response = await client.patch(path, json={"status": "qualified"}, headers=AUTH)
    assert (await response.json())["history"][-1]["actor"] == "sales"  # no signature given
    assert (await get_json(client, path))["status"] == "qualified"

    for body, error in (({"status": "boh"}, "Stato non valido: boh"), ({"note": "x"}, "Richiesta non valida"),
                        ({"status": "won", "actor": "x" * 65}, "Richiesta non valida"),
                        ("won", "Richiesta non valida")):
        response = await client.patch(path, json=body, headers=AUTH)
        assert response.status == 400 and (await response.json())["error"].startswith(error)
    response = await client.patch(path, data=b"{not json", headers=AUTH)
    assert response.status == 400
    response = await client.patch("/api/leads/" + "0" * 32, json={"status": "won"}, headers=AUTH)
    assert response.status == 404 and (await response.json()) == {"error": "Lead non trovato"}
    assert len((await get_json(client, path))["history"]) == 4  # the refused changes left no trace


async def test_the_csv_download_is_an_attachment_with_formulas_neutralised(client, ids):
    response = await client.get("/api/leads?format=csv&entered_by=sales", headers=AUTH)
    assert response.status == 200 and response.content_type == "text/csv"
    assert response.headers["Content-Disposition"] == \
        f"attachment; filename=bussola-leads-{dt.datetime.now(dt.timezone.utc):%Y%m%d}.csv"
    rows = list(csv.DictReader(io.StringIO(await response.text())))
    assert len(rows) == 1 and rows[0]["public_id"] == ids["carla"]
    assert rows[0]["name"] == "'=HYPERLINK(\"http://evil.example\")" and rows[0]["company"] == "'@Rischio Srl"
    everything = await client.get("/api/leads?format=csv", headers=AUTH)
    assert len(list(csv.DictReader(io.StringIO(await everything.text())))) == 4


# --- transcripts ---------------------------------------------------------------------------------

async def test_the_transcript_comes_from_the_tracker_store(client, ids):
    messages = await get_json(client, f"/api/leads/{ids['anna']}/transcript")
    assert [(m["who"], m["text"]) for m in messages] == [
        ("utente", "Ciao"), ("bussola", "Ciao! Per cominciare: chi sei?"), ("utente", "<b>un avvocato</b>")]
    first = dt.datetime.fromisoformat(messages[0]["at"].replace("Z", "+00:00"))
    assert abs((utc_now() - first).total_seconds() - 3599) < 60
    assert await get_json(client, f"/api/leads/{ids['bruno']}/transcript") == []


async def test_the_transcript_of_a_conversation_saved_by_rasa(store, ids, tmp_path):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker("tg-bruno", slots=[])
    for event in (ActionExecuted("action_session_start"), ActionExecuted("action_listen"),
                  UserUttered("ciao", {"name": "greet", "confidence": 1.0}), BotUttered("Ciao! Chi sei?")):
        tracker.update(event)
    await SQLTrackerStore(dialect="sqlite", db=str(tmp_path / "rasa.db")).save(tracker)
    app = server.make_app(store, TOKEN, None, f"sqlite:///{tmp_path / 'rasa.db'}")
    async with TestClient(TestServer(app)) as client:
        messages = await get_json(client, f"/api/leads/{ids['bruno']}/transcript")
    assert [(m["who"], m["text"]) for m in messages] == [("utente", "ciao"), ("bussola", "Ciao! Chi sei?")]


@pytest.mark.parametrize("tracker", ["missing file", "no events table", "unreachable"])
async def test_a_tracker_store_without_the_conversation(store, ids, tmp_path, tracker):
    url = {"missing file": f"sqlite:///{tmp_path / 'nothing.db'}",
           "no events table": f"sqlite:///{tmp_path / 'empty.db'}",
           "unreachable": "postgresql+psycopg2://postgres@127.0.0.1:1/tracker"}[tracker]
    if tracker == "no events table":
        sqlite3.connect(tmp_path / "empty.db").close()
    app = server.make_app(store, TOKEN, None, url)
    async with TestClient(TestServer(app)) as client:
        response = await client.get(f"/api/leads/{ids['anna']}/transcript", headers=AUTH)
        if tracker == "unreachable":
            assert response.status == 503 and "Conversazione non disponibile" in (await response.json())["error"]
        else:
            assert response.status == 200 and await response.json() == []
    assert not (tmp_path / "nothing.db").exists()  # reading never creates a tracker store


# --- statistics ----------------------------------------------------------------------------------

async def test_the_funnel_and_the_grades_over_time(client):
    funnel = await get_json(client, "/api/stats/funnel")
    assert funnel == {"steps": [{"step": "started", "leads": 4}, {"step": "plan", "leads": 3},
                                {"step": "consent", "leads": 2}, {"step": "contact", "leads": 2},
                                {"step": "handoff", "leads": 1}]}
    assert [s["step"] for s in funnel["steps"]] == list(STEPS)
    recent = await get_json(client, f"/api/stats/funnel?since={utc_now().date() - dt.timedelta(days=1)}")
    assert recent["steps"][0]["leads"] == 2

    grades = await get_json(client, "/api/stats/grades")
    assert grades["days"] == 30 and len(grades["series"]) == 30
    assert grades["series"][-1]["date"] == utc_now().date().isoformat()
    assert {g: sum(d[g] for d in grades["series"]) for g in "ABC"} == {"A": 1, "B": 1, "C": 1}
    assert len((await get_json(client, "/api/stats/grades?days=7"))["series"]) == 7
    for days in ("0", "367", "sette"):
        assert "Valore non valido" in (await get_json(client, f"/api/stats/grades?days={days}", status=400))["error"]


# --- background tasks ------------------------------------------------------------------------------

async def test_the_server_notifies_the_webhook_and_purges_expired_leads(tmp_path):
    store = new_store(tmp_path / "leads.db")
    seed_leads(store)
    store.apply(LeadUpdate(sender_id="web-old", step="started", at=days_ago(40)))  # expired 10 days ago
    receiver = await Receiver().start()
    try:
        app = server.make_app(store, TOKEN, receiver.url, f"sqlite:///{tmp_path / 'tracker.db'}")
        async with TestClient(TestServer(app)):
            for _ in range(1000):  # up to 20 s: the two cores may be busy with other tests
                if receiver.accepted and store.by_sender("web-old") is None:
                    break
                await asyncio.sleep(0.02)
            assert store.by_sender("web-old") is None and store.by_sender("web-anon") is not None
        assert dict(receiver.accepted) == {"handoff:web-anna": 1}
        assert store.due_messages(utc_now() + dt.timedelta(days=1)) == []
    finally:
        await receiver.stop()
        store.engine.dispose()


# --- consent and retention (issue 16) --------------------------------------------------------------

def declined(store: LeadStore, sender: str, days: float) -> str:
    """A visitor who reached the plan and declined the profile consent `days` ago."""
    return store.apply(LeadUpdate(
        sender_id=sender, step="consent", channel="rest", qualification=qualification("B", 60, 50),
        consents=[{"kind": "profile", "granted": False, "notice_version": NOTICE, "given_at": days_ago(days)}],
        at=days_ago(days)))


async def test_no_transcript_without_the_profile_consent(store, ids, tmp_path):
    refused = declined(store, "web-anna-bis", 0)
    app = server.make_app(store, TOKEN, None, make_tracker(tmp_path / "rasa.db", sender="web-anna-bis"))
    async with TestClient(TestServer(app)) as client:
        response = await client.get(f"/api/leads/{refused}/transcript", headers=AUTH)
        assert response.status == 404 and "acconsentito" in (await response.json())["error"]
        # a consent withdrawn later counts as declined
        store.apply(LeadUpdate(sender_id="web-anna", step="handoff", consents=[
            {"kind": "profile", "granted": False, "notice_version": NOTICE, "given_at": days_ago(0)}]))
        assert (await client.get(f"/api/leads/{ids['anna']}/transcript", headers=AUTH)).status == 404


def test_the_retention_pass_forgets_declined_and_expired_conversations(store, ids, tmp_path):
    url = make_tracker(tmp_path / "rasa.db", sender="web-old-refusal")
    connection = sqlite3.connect(tmp_path / "rasa.db")
    for sender in ("web-new-refusal", "web-anon", "web-anna"):
        connection.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', 0, '{}')",
                           (sender,))
    connection.commit()
    declined(store, "web-old-refusal", days=3)
    declined(store, "web-new-refusal", days=0.1)  # within the day: the conversation may still go on
    tracker = server.Tracker(url)

    def left():
        return {row[0] for row in connection.execute("SELECT DISTINCT sender_id FROM events")}

    try:
        events, leads = server.purge_once(store, tracker, declined_days=1)
        assert "web-old-refusal" not in left() and events == 6 and leads == 0
        assert {"web-new-refusal", "web-anon", "web-anna", "someone-else"} <= left()
        # a month later, the anonymous visitor of seed_leads has expired: its conversation goes with it
        events, leads = server.purge_once(store, tracker, declined_days=40, now=utc_now() + dt.timedelta(days=31))
    finally:
        tracker.close()
    # ... and so has the recent refusal (anonymous too); a lead with contact consent stays
    assert not {"web-anon", "web-new-refusal"} & left() and leads >= 2
    assert {"web-anna", "someone-else"} <= left()
    assert store.get(ids["anon"]) is None and store.get(ids["anna"]) is not None
    connection.close()


def test_a_transcript_shows_the_button_pressed_not_its_payload(tmp_path):
    from bot.leads.server import Tracker

    url = make_tracker(tmp_path / "tracker.db", sender="web-bruno")
    connection = sqlite3.connect(tmp_path / "tracker.db")
    question = {"text": "Chi se ne occuperebbe?", "data": {"buttons": [
        {"title": "Io", "payload": '/inform{"team":"da_solo"}'},
        {"title": "Un'agenzia o un esterno", "payload": '/inform{"team":"agenzia"}'}]}}
    later = utc_now().timestamp()
    connection.executemany("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)", [
        ("web-bruno", "bot", later, json.dumps(question)),
        ("web-bruno", "user", later + 1, json.dumps({"text": '/inform{"team":"agenzia"}'})),
        ("web-bruno", "user", later + 2, json.dumps({"text": '/affirm'}))])
    connection.commit()
    connection.close()
    tracker = Tracker(url)
    said = [m["text"] for m in tracker.messages("web-bruno")]
    tracker.close()
    assert said[-2:] == ["[Un'agenzia o un esterno]", "[un pulsante]"]
    assert not any(text.startswith("/") for text in said)
