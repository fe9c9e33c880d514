"""The CSV and JSON export: one flat row per lead, formula injection neutralised, one query."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import event

from bot.leads import export
from bot.leads.store import LeadStore, LeadUpdate
from scripts import bench_leads
from tests.bot.leads.test_store import CONTACT, PROFILE, QUALIFICATION, at, consent

DANGEROUS = ["=HYPERLINK(\"http://x.example\",\"clic\")", "+39 333 1234567", "-2+3", "@SUM(A1:A9)",
             "\t=1+1", "\r=1+1", "Rossi Srl;=1+1", "Bianchi, +SUM(A1)", "riga uno\n@cmd", "a| -1+1", " =1+1"]
SEPARATORS = r"[,;\t|\r\n]"
HARMLESS = ["Giulia Bianchi", "", "a=b", "3-4 persone", "dopo le 18:00", "'già citato", "Caffè “Da Gino”"]


def _formula_cells(value: str) -> list:
    """The pieces of a value a spreadsheet could read as a formula, however it splits the line."""
    return [piece for piece in re.split(SEPARATORS, value) if piece.lstrip(" ").startswith(export.FORMULA_STARTS)]


@pytest.mark.parametrize("value", DANGEROUS)
def test_cells_that_a_spreadsheet_would_evaluate_are_neutralised(value):
    assert _formula_cells(value) or value.startswith(export.FORMULA_STARTS)
    neutral = export.neutralise(value)
    assert not _formula_cells(neutral) and not neutral.startswith(export.FORMULA_STARTS)
    assert neutral.replace("'", "") == value.replace("'", "")  # only apostrophes added


@pytest.mark.parametrize("value", HARMLESS)
def test_ordinary_text_is_untouched(value):
    assert export.neutralise(value) == value


@pytest.fixture
def store(leads_engine):
    return LeadStore(leads_engine, anonymous_days=30)


def add_lead(store, sender, contact, minutes=0) -> str:
    store.apply(LeadUpdate(sender_id=sender, step="plan", profile=PROFILE, qualification=QUALIFICATION,
                           consents=[consent("profile", minutes=minutes)], at=at(minutes)))
    return store.apply(LeadUpdate(sender_id=sender, step="handoff", contact=contact,
                                  consents=[consent("contact", minutes=minutes + 1)], at=at(minutes + 1)))


def test_csv_round_trip_keeps_text_and_neutralises_formulas(store):
    hostile = {"name": DANGEROUS[0], "company": DANGEROUS[3], "call_time": DANGEROUS[2],
               "company_size": "2-9", "email": "giulia@example.it", "phone": DANGEROUS[1]}
    plain = add_lead(store, "plain", CONTACT, minutes=0)
    evil = add_lead(store, "evil", hostile, minutes=10)

    rows = list(csv.DictReader(io.StringIO(export.to_csv(store.list()))))
    assert list(rows[0]) == list(export.COLUMNS)
    by_id = {row["public_id"]: row for row in rows}
    assert set(by_id) == {plain, evil}
    assert {name: by_id[evil][name] for name in hostile} == {
        "name": "'" + DANGEROUS[0], "company": "'" + DANGEROUS[3], "call_time": "'" + DANGEROUS[2],
        "company_size": "2-9", "email": "giulia@example.it", "phone": "'" + DANGEROUS[1]}
    row = by_id[plain]
    assert (row["name"], row["company"], row["email"]) == (CONTACT["name"], CONTACT["company"], CONTACT["email"])
    assert (row["grade"], row["fit_score"], row["readiness_score"]) == ("A", "80", "65")
    assert (row["sector"], row["objectives"], row["weekly_hours"]) == ("food_service", "contatti, vendite", "4.0")
    assert (row["anonymous"], row["expires_at"], row["status"], row["step"]) == ("false", "", "new", "handoff")
    assert row["grade_reason"] == QUALIFICATION["grade_reason"]
    assert row["created_at"] == at(0)


def test_a_formula_cannot_hide_in_any_column(store):
    # every text column, not only the contact: the profile's free text comes from the visitor too
    store.apply(LeadUpdate(sender_id="=cmd", step="plan", profile={**PROFILE, "activity": "=1+1"},
                           consents=[consent("profile")], salesperson="@marta", at=at(0)))
    [row] = list(csv.reader(io.StringIO(export.to_csv(store.list()))))[1:]
    cells = dict(zip(export.COLUMNS, row))
    assert cells["activity"] == "'=1+1" and cells["salesperson"] == "'@marta"
    assert not any(cell.startswith(export.FORMULA_STARTS) for cell in row)


def test_csv_to_a_file_is_the_same_as_the_text(store, tmp_path):
    add_lead(store, "one", CONTACT)
    path = tmp_path / "leads.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        assert export.to_csv(store.list(), out) is None
    assert path.read_bytes().decode("utf-8") == export.to_csv(store.list())


def test_json_keeps_the_types_and_is_not_neutralised(store):
    public_id = add_lead(store, "evil", {**CONTACT, "name": "=1+1"})
    [row] = json.loads(export.to_json(store.list()))
    assert list(row) == list(export.COLUMNS)
    assert row["public_id"] == public_id and row["name"] == "=1+1"  # JSON is not opened as a spreadsheet
    assert row["objectives"] == ["contatti", "vendite"] and row["fit_score"] == 80 and row["anonymous"] is False
    out = io.StringIO()
    export.to_json(store.list(), out)
    assert json.loads(out.getvalue()) == [row]


def test_the_export_reads_the_leads_in_one_query(store, leads_engine):
    for n in range(5):
        add_lead(store, f"lead-{n}", CONTACT, minutes=n * 2)
    statements = []
    event.listen(leads_engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    leads = store.list()
    export.to_csv(leads)
    assert len(leads) == 5 and len(statements) == 1


def test_ten_thousand_leads_export_whole(tmp_path):
    """Ten thousand leads in one export, every row there. How long it takes is a figure of
    scripts/bench_leads.py (docs/benchmarks.md), not a timed test: timings on shared cores flake."""
    from bot import db
    from bot.leads import migrate

    engine = db.engine(f"sqlite:///{tmp_path / 'bussola.db'}")
    migrate.upgrade(engine)
    bench_leads.seed(engine, 10_000)
    store = LeadStore(engine)
    for fmt in ("csv", "json"):
        bench_leads.time_export(store, tmp_path, fmt)
    assert len(list(csv.reader((tmp_path / "leads.csv").open(newline="")))) == 10_001
    assert len(json.loads((tmp_path / "leads.json").read_text(encoding="utf-8"))) == 10_000
    engine.dispose()


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_no_cell_of_the_export_starts_a_formula_in_either_dialect(store, delimiter):
    """Opened with "," (English) or ";" (Italian Excel), every cell is text."""
    for n, name in enumerate(v for v in DANGEROUS if v.isprintable()):  # the store refuses control characters
        add_lead(store, f"csv-{n}", {**CONTACT, "name": name, "company": f"Ditta;{name}"}, minutes=n)
    text = export.to_csv(store.list())
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        for cell in row:
            assert not cell.lstrip(" ").startswith(("=", "+", "-", "@")), (delimiter, cell)
    assert text.startswith('"public_id"')  # every field quoted
