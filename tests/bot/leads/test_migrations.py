"""The Alembic migrations create exactly the tables of bot/leads/models.py, on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from bot.leads import migrate
from bot.leads.models import Base

TABLES = {"leads", "profile_snapshots", "plan_snapshots", "consents", "status_changes", "outbox", "checkins"}


def schema_diff(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "version_table": migrate.VERSION_TABLE})
        return compare_metadata(context, Base.metadata)


def test_the_migrated_schema_is_the_models(leads_engine):
    assert TABLES <= set(inspect(leads_engine).get_table_names())
    assert schema_diff(leads_engine) == []


def test_the_comparison_sees_a_difference(leads_engine):
    # the test above would pass vacuously if the comparison saw nothing
    with leads_engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_leads_created_at"))
    assert [d[0] for d in schema_diff(leads_engine)] == ["add_index"]


def test_upgrading_again_changes_nothing_and_downgrading_removes_everything(fresh_engine):
    assert migrate.upgrade(fresh_engine) == "0003"
    assert migrate.upgrade(fresh_engine) == "0003"
    with fresh_engine.begin() as connection:
        command.downgrade(migrate.config(connection), "base")
    assert set(inspect(fresh_engine).get_table_names()) == {migrate.VERSION_TABLE}
    assert migrate.upgrade(fresh_engine) == "0003"
    assert schema_diff(fresh_engine) == []


def test_the_profiles_kept_without_consent_by_earlier_versions_are_dropped(fresh_engine):
    with fresh_engine.begin() as connection:  # the table as bot/profile_store.py created it
        connection.execute(text("CREATE TABLE profiles (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), "
                                "data TEXT, created_at TIMESTAMP)"))
        connection.execute(text("INSERT INTO profiles (id, sender_id, data) VALUES (1, 'web-1', '{}')"))
    migrate.upgrade(fresh_engine, "0001")
    assert "profiles" in inspect(fresh_engine).get_table_names()
    assert migrate.upgrade(fresh_engine) == "0003"
    assert "profiles" not in inspect(fresh_engine).get_table_names()


def test_datetimes_come_back_aware_utc(leads_engine):
    from bot.leads.store import LeadStore, LeadUpdate

    rome = dt.timezone(dt.timedelta(hours=2))
    at = dt.datetime(2026, 6, 1, 12, 30, tzinfo=rome)
    store = LeadStore(leads_engine, anonymous_days=30)
    public_id = store.apply(LeadUpdate(sender_id="tz", step="started", at=at.isoformat()))
    lead = store.get(public_id)
    assert lead["created_at"] == at and lead["created_at"].tzinfo == dt.timezone.utc
    assert lead["created_at"].hour == 10
    assert lead["expires_at"] == at + dt.timedelta(days=30)
    # a naive datetime is taken as UTC, on the way in and in queries
    assert [x["public_id"] for x in store.list(since=dt.datetime(2026, 6, 1, 10, 30))] == [public_id]
    assert store.list(since=dt.datetime(2026, 6, 1, 10, 31)) == []
