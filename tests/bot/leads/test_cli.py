"""`python -m bot.leads`: migrate, list, show, export, purge, status, and the serve slot."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
import types

import pytest
from sqlalchemy import inspect

from bot import db
from bot.leads import __main__ as cli
from bot.leads.store import LeadStore, LeadUpdate
from bot.paths import ROOT
from tests.bot.leads.test_migrations import TABLES
from tests.bot.leads.test_store import CONTACT, QUALIFICATION, at, consent


def url_of(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def database(leads_engine, monkeypatch):
    """The CLI's database (BUSSOLA_DATABASE_URL) with three leads; their public ids by sender."""
    monkeypatch.setenv("BUSSOLA_DATABASE_URL", url_of(leads_engine))
    store = LeadStore(leads_engine, anonymous_days=30)
    ids = {"a": store.apply(LeadUpdate(sender_id="a", step="plan", qualification=QUALIFICATION, at=at(0))),
           "b": store.apply(LeadUpdate(sender_id="b", step="handoff", contact=CONTACT,
                                       qualification={**QUALIFICATION, "grade": "B"},
                                       consents=[consent("contact")], at=(dt.datetime.now(dt.timezone.utc)
                                                                          .isoformat()))),
           "c": store.apply(LeadUpdate(sender_id="c", step="started", status="qualified",
                                       at=(dt.datetime.now(dt.timezone.utc).isoformat())))}
    yield ids
    db.engine(url_of(leads_engine)).dispose()  # the CLI's pooled connections, before the schema goes


def run(capsys, *argv) -> tuple:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_migrate_from_the_command_line_creates_the_tables(fresh_engine):
    env = {**os.environ, "BUSSOLA_DATABASE_URL": url_of(fresh_engine)}
    result = subprocess.run([sys.executable, "-m", "bot.leads", "migrate"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Lead tables at revision 0003."
    assert TABLES <= set(inspect(fresh_engine).get_table_names())


def test_list_shows_a_table_and_filters(database, capsys):
    code, out, _ = run(capsys, "list")
    lines = out.splitlines()
    assert code == 0 and lines[0].split()[:5] == ["public_id", "created_at", "status", "step", "grade"]
    assert [line.split()[0] for line in lines[1:4]] == [database["c"], database["b"], database["a"]]
    assert CONTACT["name"] in out and lines[-1] == "3 lead(s)."

    _, out, _ = run(capsys, "list", "--grade", "A")
    assert database["a"] in out and database["b"] not in out and out.splitlines()[-1] == "1 lead(s)."
    _, out, _ = run(capsys, "list", "--status", "qualified")
    assert database["c"] in out and out.splitlines()[-1] == "1 lead(s)."
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    _, out, _ = run(capsys, "list", "--since", today, "--until", today)
    assert database["a"] not in out and out.splitlines()[-1] == "2 lead(s)."
    with pytest.raises(SystemExit):
        cli.main(["list", "--since", "ieri"])


def test_show_prints_the_lead_as_json(database, capsys):
    code, out, _ = run(capsys, "show", database["b"])
    lead = json.loads(out)
    assert code == 0 and lead["public_id"] == database["b"] and lead["email"] == CONTACT["email"]
    assert [c["kind"] for c in lead["consents"]] == ["contact"]
    code, out, err = run(capsys, "show", "0" * 32)
    assert code == 1 and out == "" and "No lead" in err


def test_export_writes_csv_and_json(database, capsys, tmp_path):
    code, out, _ = run(capsys, "export", "--format", "csv", "--grade", "B")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [row["public_id"] for row in rows] == [database["b"]]
    assert rows[0]["phone"] == "'" + CONTACT["phone"]

    target = tmp_path / "leads.json"
    code, out, err = run(capsys, "export", "--format", "json", "--output", str(target))
    assert code == 0 and out == "" and f"Exported 3 lead(s) to {target}" in err
    assert {row["public_id"] for row in json.loads(target.read_text(encoding="utf-8"))} == set(database.values())


def test_purge_deletes_expired_anonymous_leads(database, capsys, tmp_path, monkeypatch):
    # lead "a" started in March 2026 and is anonymous: 30 days later it is gone
    monkeypatch.setenv("BUSSOLA_TRACKER_URL", f"sqlite:///{tmp_path / 'tracker.db'}")  # not the real state/
    code, out, _ = run(capsys, "purge")
    assert code == 0 and out.strip() == "Deleted 1 expired anonymous lead(s) and 0 event(s) of conversations no longer kept."
    assert run(capsys, "show", database["a"])[0] == 1
    assert run(capsys, "purge")[1].strip() == "Deleted 0 expired anonymous lead(s) and 0 event(s) of conversations no longer kept."


def test_status_changes_the_status_with_an_audit_row(database, capsys):
    code, out, _ = run(capsys, "status", database["b"], "contacted", "--note", "richiamare lunedì",
                       "--actor", "marta")
    assert code == 0 and out.strip() == f"Lead {database['b']} is now contacted."
    history = json.loads(run(capsys, "show", database["b"])[1])["history"]
    assert history[-1] == {**history[-1], "old_status": "new", "new_status": "contacted", "actor": "marta",
                           "note": "richiamare lunedì"}
    assert run(capsys, "status", "0" * 32, "won")[0] == 1
    with pytest.raises(SystemExit):
        cli.main(["status", database["b"], "maybe"])


def test_serve_hands_its_options_to_the_server_module(monkeypatch):
    received = []
    monkeypatch.setitem(sys.modules, "bot.leads.server", types.SimpleNamespace(main=received.append))
    monkeypatch.setattr("bot.leads.server", sys.modules["bot.leads.server"], raising=False)
    assert cli.main(["serve", "--port", "5057"]) == 0
    assert received == [["--port", "5057"]]
