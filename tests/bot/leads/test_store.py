"""The lead store and its writer, on SQLite and PostgreSQL: the consent rules, the forward-only step,
the audit trail, erasure and expiry, idempotent replays, and the spool that keeps every step while
the database is down."""
from __future__ import annotations

import datetime as dt
import socket
import socketserver
import threading
import time

import pytest
from sqlalchemy import create_engine, func, select

from bot.leads import migrate
from bot.leads.models import (Consent, Lead, OutboxMessage, PlanSnapshot, ProfileSnapshot, StatusChange)
from bot.leads.store import LeadStore, LeadUpdate, LeadWriter, parse_time

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
PROFILE = {"org_kind": "azienda", "sector": "food_service", "objectives": ["contatti", "vendite"],
           "priority": "contatti", "weekly_hours": 4.0}
PLAN = {"type": "bussola.plan", "schema_version": 1, "channels": [{"id": "linkedin", "score": 94.2}]}
QUALIFICATION = {"fit": {"points": 80, "reasons": ["settore in target"]},
                 "readiness": {"points": 65, "reasons": ["obiettivi chiari"]},
                 "grade": "A", "grade_reason": "buona affinità e pronto a partire", "specialist_reasons": []}
CONTACT = {"name": "Giulia Bianchi", "company": "Trattoria Da Gino", "company_size": "2-9",
           "email": "giulia@example.it", "phone": "+393331234567", "call_time": "mattina"}


def at(minutes: int) -> str:
    return (T0 + dt.timedelta(minutes=minutes)).isoformat()


def consent(kind: str, granted: bool = True, minutes: int = 0) -> dict:
    return {"kind": kind, "granted": granted, "notice_version": "2026-11-26+abcd1234", "given_at": at(minutes)}


def plan_step(sender: str = "web-1", minutes: int = 5, **extra) -> LeadUpdate:
    return LeadUpdate(sender_id=sender, step="plan", channel="rest", profile=PROFILE, plan=PLAN,
                      qualification=QUALIFICATION, at=at(minutes), **extra)


def handoff_step(sender: str = "web-1", minutes: int = 10) -> LeadUpdate:
    return LeadUpdate(sender_id=sender, step="handoff", contact=CONTACT, consents=[consent("contact", minutes=minutes)],
                      status="handoff_requested",
                      notify={"kind": "handoff", "payload": {"sender": sender}, "dedup_key": f"handoff:{sender}"},
                      at=at(minutes))


def counts(engine, lead_id=None) -> dict:
    """Rows per table (of one lead when given)."""
    result = {}
    with engine.connect() as connection:
        for model in (Lead, ProfileSnapshot, PlanSnapshot, Consent, StatusChange, OutboxMessage):
            query = select(func.count()).select_from(model)
            if lead_id is not None:
                query = query.where((model.id if model is Lead else model.lead_id) == lead_id)
            result[model.__tablename__] = connection.execute(query).scalar_one()
    return result


def lead_id(engine, public_id: str) -> int:
    with engine.connect() as connection:
        return connection.execute(select(Lead.id).where(Lead.public_id == public_id)).scalar_one()


@pytest.fixture
def store(leads_engine):
    return LeadStore(leads_engine, anonymous_days=30)


# --- the store ------------------------------------------------------------------------------------

def test_the_first_step_creates_an_anonymous_lead_that_expires(store):
    public_id = store.apply(LeadUpdate(sender_id="web-1", step="started", channel="telegram", at=at(0)))
    lead = store.get(public_id)
    assert len(public_id) == 32 and int(public_id, 16) >= 0
    assert (lead["sender_id"], lead["channel"], lead["entered_by"]) == ("web-1", "telegram", "visitor")
    assert (lead["status"], lead["step"], lead["anonymous"]) == ("new", "started", True)
    assert lead["created_at"] == T0 and lead["expires_at"] == T0 + dt.timedelta(days=30)
    assert [(h["old_status"], h["new_status"], h["actor"]) for h in lead["history"]] == [(None, "new", "bot")]
    assert lead["profile"] is None and lead["plan"] is None and lead["consents"] == []
    assert store.by_sender("web-1") == lead
    assert store.get("0" * 32) is None and store.by_sender("nobody") is None


def test_the_step_only_moves_forward(store):
    public_id = store.apply(LeadUpdate(sender_id="web-1", step="contact", at=at(0)))
    store.apply(LeadUpdate(sender_id="web-1", step="plan", at=at(1)))
    assert store.get(public_id)["step"] == "contact"
    store.apply(LeadUpdate(sender_id="web-1", step="handoff", at=at(2)))
    assert store.get(public_id)["step"] == "handoff"
    store.apply(LeadUpdate(sender_id="web-2", step="plan", at=at(3)))
    assert store.funnel() == {"started": 2, "plan": 2, "consent": 1, "contact": 1, "handoff": 1}
    assert store.funnel(since=T0 + dt.timedelta(minutes=3)) == {"started": 1, "plan": 1, "consent": 0,
                                                                 "contact": 0, "handoff": 0}


def test_profile_and_plan_are_kept_only_under_a_granted_profile_consent(store, leads_engine):
    public_id = store.apply(plan_step())
    lead = store.get(public_id)
    # no consent: no snapshot and no reasons (they quote the answers), but the scores and the step
    assert lead["profile"] is None and lead["plan"] is None
    assert (lead["step"], lead["grade"], lead["fit_score"], lead["readiness_score"]) == ("plan", "A", 80, 65)
    assert lead["qualification"] is None

    store.apply(plan_step(minutes=6, consents=[consent("profile", granted=False, minutes=6)]))
    assert counts(leads_engine)["profile_snapshots"] == 0

    store.apply(plan_step(minutes=7, consents=[consent("profile", minutes=7)]))
    lead = store.get(public_id)
    assert lead["profile"] == PROFILE and lead["plan"] == PLAN and lead["qualification"] == QUALIFICATION
    # a consent given earlier covers later steps; an unchanged profile is not stored twice
    changed = {**PROFILE, "weekly_hours": 6.0}
    store.apply(LeadUpdate(sender_id="web-1", step="consent", profile=changed, at=at(8)))
    store.apply(LeadUpdate(sender_id="web-1", step="consent", profile=changed, at=at(9)))
    assert store.get(public_id)["profile"] == changed
    assert counts(leads_engine)["profile_snapshots"] == 2 and counts(leads_engine)["plan_snapshots"] == 1
    assert [(c["kind"], c["granted"]) for c in store.get(public_id)["consents"]] == [("profile", False),
                                                                                     ("profile", True)]


def test_withdrawing_the_profile_consent_removes_the_snapshots(store, leads_engine):
    public_id = store.apply(plan_step(consents=[consent("profile")]))
    assert store.get(public_id)["plan"] == PLAN
    store.apply(LeadUpdate(sender_id="web-1", step="consent", consents=[consent("profile", False, 20)], at=at(20)))
    lead = store.get(public_id)
    assert lead["profile"] is None and lead["plan"] is None and lead["grade"] == "A"
    assert counts(leads_engine)["profile_snapshots"] == counts(leads_engine)["plan_snapshots"] == 0
    store.apply(plan_step(minutes=21))  # and nothing is kept afterwards
    assert store.get(public_id)["profile"] is None


def test_contact_details_need_a_granted_contact_consent(store):
    public_id = store.apply(plan_step())
    with pytest.raises(ValueError, match="contact consent"):
        store.apply(LeadUpdate(sender_id="web-1", step="contact", contact=CONTACT, qualification={
            **QUALIFICATION, "grade": "B"}, at=at(9)))
    with pytest.raises(ValueError, match="contact consent"):
        store.apply(LeadUpdate(sender_id="web-1", step="contact", contact=CONTACT,
                               consents=[consent("contact", granted=False, minutes=9)], at=at(9)))
    lead = store.get(public_id)  # the refused updates left nothing behind
    assert (lead["step"], lead["grade"], lead["email"], lead["consents"]) == ("plan", "A", None, [])
    assert lead["anonymous"] is True and lead["expires_at"] is not None

    store.apply(handoff_step())
    lead = store.get(public_id)
    assert {name: lead[name] for name in CONTACT} == CONTACT
    assert lead["anonymous"] is False and lead["expires_at"] is None
    # the consent stays granted for the later steps
    store.apply(LeadUpdate(sender_id="web-1", step="handoff", contact={"call_time": "pomeriggio"}, at=at(11)))
    assert store.get(public_id)["call_time"] == "pomeriggio" and store.get(public_id)["email"] == CONTACT["email"]


def test_withdrawing_the_contact_consent_clears_the_contact_and_makes_the_lead_anonymous(store):
    public_id = store.apply(handoff_step())
    store.apply(LeadUpdate(sender_id="web-1", step="handoff", consents=[consent("contact", False, 30)], at=at(30)))
    lead = store.get(public_id)
    assert all(lead[name] is None for name in CONTACT)
    assert lead["anonymous"] is True and lead["expires_at"] == T0 + dt.timedelta(minutes=30, days=30)


def test_status_changes_are_audited(store):
    public_id = store.apply(handoff_step())
    store.set_status(public_id, "contacted", actor="marta", note="chiamata fissata")
    lead = store.set_status(public_id, "contacted", actor="marta")  # no change, no note: no row
    assert lead["status"] == "contacted"
    assert [(h["old_status"], h["new_status"], h["actor"], h["note"]) for h in lead["history"]] == [
        (None, "new", "bot", None), ("new", "handoff_requested", "bot", None),
        ("handoff_requested", "contacted", "marta", "chiamata fissata")]
    with pytest.raises(ValueError):
        store.set_status(public_id, "maybe", actor="marta")
    with pytest.raises(KeyError):
        store.set_status("f" * 32, "won", actor="marta")


def test_replaying_an_update_changes_nothing(store, leads_engine):
    updates = [LeadUpdate(sender_id="web-1", step="started", at=at(0)),
               plan_step(consents=[consent("profile", minutes=5)]), handoff_step()]
    for update in updates:
        public_id = store.apply(update)
    before, lead = counts(leads_engine), store.get(public_id)
    for update in updates:  # as the spool would, from its JSON
        assert store.apply(LeadUpdate.from_json(update.to_json())) == public_id
    assert counts(leads_engine) == before == {"leads": 1, "profile_snapshots": 1, "plan_snapshots": 1,
                                              "consents": 2, "status_changes": 2, "outbox": 1}
    assert store.get(public_id) == lead


def test_a_late_replay_does_not_undo_what_came_after_it(store, leads_engine):
    first = plan_step(consents=[consent("profile", minutes=5)])
    public_id = store.apply(first)
    store.apply(LeadUpdate(sender_id="web-1", step="consent", profile={**PROFILE, "team": "agenzia"}, at=at(8)))
    handoff = handoff_step()
    store.apply(handoff)
    store.set_status(public_id, "contacted", actor="marta")
    before = counts(leads_engine)

    store.apply(first)
    store.apply(handoff)
    lead = store.get(public_id)
    assert lead["status"] == "contacted" and lead["profile"]["team"] == "agenzia"
    assert counts(leads_engine) == before


def test_the_outbox_keeps_one_message_per_dedup_key(store, leads_engine):
    public_id = store.apply(handoff_step())
    again = handoff_step(minutes=12)
    again.notify = {**again.notify, "payload": {"sender": "web-1", "again": True}}
    store.apply(again)
    other = handoff_step("web-2")
    store.apply(other)
    assert counts(leads_engine)["outbox"] == 2

    now = parse_time(at(60))
    due = store.due_messages(now)
    assert [(m["dedup_key"], m["lead_public_id"], m["attempts"]) for m in due] == [
        ("handoff:web-1", public_id, 0), ("handoff:web-2", store.by_sender("web-2")["public_id"], 0)]
    assert due[0]["payload"] == {"sender": "web-1"}  # the first one stays
    store.mark_failed(due[0]["id"], "HTTP 503", now + dt.timedelta(minutes=5))
    store.mark_delivered(due[1]["id"])
    assert store.due_messages(now) == []
    [retried] = store.due_messages(now + dt.timedelta(minutes=5))
    assert (retried["attempts"], retried["last_error"]) == (1, "HTTP 503")
    # a caller may pass naive UTC datetimes (taken as UTC)
    assert len(store.due_messages((now + dt.timedelta(minutes=5)).replace(tzinfo=None))) == 1


def test_erase_deletes_the_lead_and_every_row_of_it(store, leads_engine):
    public_id = store.apply(plan_step(consents=[consent("profile")]))
    store.apply(handoff_step())
    [message] = store.due_messages(parse_time(at(60)))
    store.mark_delivered(message["id"])
    store.apply(LeadUpdate(sender_id="web-1", step="handoff", at=at(61),
                           notify={"kind": "handoff", "payload": {}, "dedup_key": "second"}))
    kept = store.apply(handoff_step("web-2"))
    doomed = lead_id(leads_engine, public_id)
    assert counts(leads_engine, doomed)["outbox"] == 2

    assert store.erase("web-1") is True
    assert store.get(public_id) is None
    assert set(counts(leads_engine, doomed).values()) == {0}
    # the other lead's message, and an "erased" notice for the tools that received this one (Art. 19)
    assert counts(leads_engine)["outbox"] == 2 and store.get(kept)["email"] == CONTACT["email"]
    soon = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=1)
    [notice] = [m for m in store.due_messages(soon) if m["kind"] == "erased"]
    assert notice["payload"]["lead"] == public_id and notice["lead_public_id"] is None
    assert CONTACT["email"] not in str(notice["payload"]) and CONTACT["name"] not in str(notice["payload"])
    assert store.erase("web-1") is False


def test_an_erased_lead_never_sent_to_the_tools_sends_no_notice(store, leads_engine):
    store.apply(plan_step(consents=[consent("profile")]))
    store.apply(handoff_step())  # its notification still waits in the outbox: deleted with it
    assert store.erase("web-1") is True
    assert counts(leads_engine)["outbox"] == 0


def test_purge_deletes_only_expired_anonymous_leads(store, leads_engine):
    old = store.apply(LeadUpdate(sender_id="old", step="plan", at=at(0)))
    old_with_contact = store.apply(handoff_step("old-contact", minutes=0))
    recent = store.apply(LeadUpdate(sender_id="recent", step="plan", at=at(60 * 24 * 20)))
    day_31 = T0 + dt.timedelta(days=31)
    assert store.purge_expired(now=day_31) == 1
    assert store.get(old) is None and counts(leads_engine)["leads"] == 2
    assert store.get(old_with_contact) is not None and store.get(recent) is not None
    assert store.purge_expired(now=day_31) == 0
    assert store.purge_expired() == 1  # today is past the recent one's 30 days too


def test_list_filters_and_orders(store):
    first = store.apply(plan_step("a", minutes=0, consents=[consent("profile")]))
    second = store.apply(LeadUpdate(sender_id="b", step="started", entered_by="sales", salesperson="marta",
                                    at=(T0 + dt.timedelta(days=1)).isoformat()))
    third = store.apply(plan_step("c", minutes=60 * 24 * 2, status="qualified"))
    assert [lead["public_id"] for lead in store.list()] == [third, second, first]
    assert store.list()[2]["profile"] == PROFILE and store.list()[1]["profile"] is None
    assert [x["public_id"] for x in store.list(grade="A")] == [third, first]
    assert [x["public_id"] for x in store.list(status="qualified")] == [third]
    assert [x["public_id"] for x in store.list(entered_by="sales")] == [second]
    day = T0.date()
    assert [x["public_id"] for x in store.list(since=day + dt.timedelta(days=1))] == [third, second]
    assert [x["public_id"] for x in store.list(until=day + dt.timedelta(days=1))] == [second, first]
    assert [x["public_id"] for x in store.list(since=day, until=day)] == [first]
    assert len(store.list(limit=2)) == 2


def test_grades_over_time_counts_graded_leads_per_day(store):
    today = dt.datetime.now(dt.timezone.utc)
    store.apply(plan_step("a", minutes=0))  # March 2026: outside the window unless that is today
    for sender, grade, days_ago in (("b", "A", 0), ("c", "C", 0), ("d", "B", 2)):
        store.apply(LeadUpdate(sender_id=sender, step="plan", qualification={**QUALIFICATION, "grade": grade},
                               at=(today - dt.timedelta(days=days_ago)).isoformat()))
    store.apply(LeadUpdate(sender_id="ungraded", step="started", at=today.isoformat()))
    series = store.grades_over_time(days=3)
    assert [point["date"] for point in series] == [(today - dt.timedelta(days=n)).date().isoformat()
                                                   for n in (2, 1, 0)]
    assert [(p["A"], p["B"], p["C"]) for p in series] == [(0, 1, 0), (0, 0, 0), (1, 0, 1)]


def test_concurrent_first_steps_make_one_lead(store, leads_engine):
    results, errors = [], []

    def first_step():
        try:
            results.append(store.apply(plan_step("race")))
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=first_step) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(set(results)) == 1
    assert counts(leads_engine)["leads"] == 1 and counts(leads_engine)["status_changes"] == 1


@pytest.mark.parametrize("change, problem", [
    ({"step": "finished"}, "unknown step"),
    ({"sender_id": ""}, "sender_id"),
    ({"status": "maybe"}, "unknown status"),
    ({"entered_by": "robot"}, "entered_by"),
    ({"consents": [{"kind": "marketing", "granted": True, "notice_version": "1"}]}, "consent"),
    ({"consents": [{"kind": "profile", "granted": "yes", "notice_version": "1"}]}, "consent"),
    ({"contact": {"fax": "0612345"}}, "unknown contact field"),
    ({"contact": {"name": "x" * 300}}, "contact name"),
    ({"qualification": {"grade": "A"}}, "Qualification.to_dict"),
    ({"qualification": {**QUALIFICATION, "grade": "Z"}}, "out of range"),
    ({"notify": {"kind": "handoff", "payload": {}}}, "dedup_key"),
    ({"profile": {"when": dt.date(2026, 1, 1)}}, "JSON"),
    ({"at": "yesterday"}, "isoformat"),
])
def test_invalid_updates_are_refused(change, problem):
    with pytest.raises(ValueError, match=problem):
        LeadUpdate(**{"sender_id": "web-1", "step": "plan", **change}).validate()


def test_an_update_survives_its_json():
    update = handoff_step()
    assert LeadUpdate.from_json(update.to_json()) == update
    assert LeadUpdate.from_json(LeadUpdate(sender_id="web-1", step="started").to_json()).consents == []


# --- the writer -----------------------------------------------------------------------------------

class Forwarder(socketserver.ThreadingTCPServer):
    """A TCP port that forwards to the PostgreSQL server: the database 'comes back' when it starts."""
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, target: tuple):
        self.target = target
        super().__init__(("127.0.0.1", port), ForwardHandler)


class ForwardHandler(socketserver.BaseRequestHandler):
    def handle(self):
        upstream = socket.create_connection(self.server.target)

        def pump(source, sink):
            try:
                while data := source.recv(65536):
                    sink.sendall(data)
            except OSError:
                pass
            finally:
                for end in (source, sink):
                    end.close()

        threading.Thread(target=pump, args=(upstream, self.request), daemon=True).start()
        pump(self.request, upstream)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def outage(fresh_engine, tmp_path):
    """(engine of a database that is down, a function that brings it up, migrated)."""
    if fresh_engine.dialect.name == "sqlite":
        folder = tmp_path / "not-yet"
        engine = create_engine(f"sqlite:///{folder / 'leads.db'}", future=True)

        def bring_up():
            folder.mkdir()
            migrate.upgrade(engine)
    else:
        port = free_port()
        url = fresh_engine.url
        engine = create_engine(url.set(host="127.0.0.1", port=port), future=True)
        servers = []

        def bring_up():
            server = Forwarder(port, (url.host, url.port or 5432))
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
            migrate.upgrade(engine)
    yield engine, bring_up
    engine.dispose()
    if fresh_engine.dialect.name != "sqlite":
        for server in servers:
            server.shutdown()
            server.server_close()


def steps(sender: str = "web-1") -> list:
    return [LeadUpdate(sender_id=sender, step="started", at=at(0)),
            plan_step(sender, consents=[consent("profile", minutes=5)]), handoff_step(sender)]


def test_the_writer_spools_while_the_database_is_down_and_loses_nothing(outage, tmp_path):
    engine, bring_up = outage
    writer = LeadWriter(lambda: LeadStore(engine, anonymous_days=30), tmp_path / "spool" / "leads.db",
                        min_delay=600)  # no background retry during the test: flush() is called below
    try:
        assert [writer.write(update) for update in steps()] == [False, False, False]
        assert writer.pending() == 3
        assert writer.flush() == 0 and writer.pending() == 3  # still down

        bring_up()
        assert writer.flush() == 3 and writer.pending() == 0
        store = LeadStore(engine)
        lead = store.by_sender("web-1")
        assert (lead["step"], lead["status"], lead["email"], lead["profile"]) == (
            "handoff", "handoff_requested", CONTACT["email"], PROFILE)
        assert lead["created_at"] == T0  # the time of the step, not of the replay
        before = counts(engine)
        assert before == {"leads": 1, "profile_snapshots": 1, "plan_snapshots": 1, "consents": 2,
                          "status_changes": 2, "outbox": 1}
        # the same steps again (the action retried) are stored and change nothing
        assert [writer.write(update) for update in steps()] == [True, True, True]
        assert counts(engine) == before and writer.flush() == 0
    finally:
        writer.close()


def test_a_write_replays_the_spool_first_so_steps_keep_their_order(outage, tmp_path):
    engine, bring_up = outage
    writer = LeadWriter(lambda: LeadStore(engine), tmp_path / "spool.db", min_delay=600)
    try:
        first, *later = steps()
        assert writer.write(first) is False
        bring_up()
        assert [writer.write(update) for update in later] == [True, True]
        assert writer.pending() == 0
        history = LeadStore(engine).by_sender("web-1")["history"]
        assert [h["new_status"] for h in history] == ["new", "handoff_requested"]
    finally:
        writer.close()


def test_the_background_retry_flushes_by_itself_and_a_new_writer_takes_over_a_spool(outage, tmp_path):
    engine, bring_up = outage
    spool = tmp_path / "spool.db"
    crashed = LeadWriter(lambda: LeadStore(engine), spool, min_delay=600)
    assert crashed.write(steps()[0]) is False
    crashed.close()  # the process ended with a spooled step

    writer = LeadWriter(lambda: LeadStore(engine), spool, min_delay=0.05, max_delay=0.2)
    try:
        assert writer.write(steps()[1]) is False and writer.pending() == 2
        bring_up()
        deadline = time.monotonic() + 10
        while writer.pending() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert writer.pending() == 0
        assert LeadStore(engine).by_sender("web-1")["plan"] == PLAN
    finally:
        writer.close()


def test_a_spooled_update_that_cannot_apply_is_set_aside_not_lost(outage, tmp_path):
    engine, bring_up = outage
    writer = LeadWriter(lambda: LeadStore(engine), tmp_path / "spool.db", min_delay=600)
    try:
        no_consent = LeadUpdate(sender_id="web-1", step="contact", contact=CONTACT, at=at(3))
        for update in (steps()[0], no_consent, steps()[1]):
            assert writer.write(update) is False
        bring_up()
        assert writer.flush() == 2 and writer.pending() == 0
        [(body, error)] = writer.spool.connection().execute("SELECT body, error FROM failed").fetchall()
        assert LeadUpdate.from_json(body) == no_consent and "contact consent" in error
        assert LeadStore(engine).by_sender("web-1")["step"] == "plan"
    finally:
        writer.close()


def test_invalid_updates_raise_at_once_even_while_the_database_is_down(outage, tmp_path):
    engine, _ = outage
    writer = LeadWriter(lambda: LeadStore(engine), tmp_path / "spool.db", min_delay=600)
    try:
        with pytest.raises(ValueError):
            writer.write(LeadUpdate(sender_id="web-1", step="finished"))
        assert writer.pending() == 0
    finally:
        writer.close()


def test_erasure_also_drops_the_conversations_spooled_steps(outage, tmp_path):
    engine, bring_up = outage
    writer = LeadWriter(lambda: LeadStore(engine, anonymous_days=30), tmp_path / "spool" / "leads.db",
                        min_delay=600)
    try:
        for update in steps():
            writer.write(update)
        writer.write(plan_step(sender="web-2"))
        assert writer.pending() == 4
        assert writer.discard("web-1") == 3 and writer.pending() == 1  # the other conversation stays
        bring_up()
        assert writer.flush() == 1
        store = LeadStore(engine)
        assert store.by_sender("web-1") is None and store.by_sender("web-2") is not None
    finally:
        writer.close()


def test_withdrawing_a_consent_drops_the_notifications_not_sent_yet(store, leads_engine):
    store.apply(plan_step(consents=[consent("profile")]))
    store.apply(handoff_step())
    assert counts(leads_engine)["outbox"] == 1
    store.apply(LeadUpdate(sender_id="web-1", step="handoff", consents=[consent("contact", False, 20)], at=at(20)))
    lead = store.by_sender("web-1")
    assert counts(leads_engine)["outbox"] == 0 and lead["email"] is None and lead["anonymous"] is True
    store.apply(LeadUpdate(sender_id="web-1", step="handoff", consents=[consent("profile", False, 21)], at=at(21)))
    assert store.by_sender("web-1")["qualification"] is None  # the reasons quote the profile
