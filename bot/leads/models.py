"""The lead store's tables (docs/sales.md). The schema is created by the Alembic
migrations in bot/leads/migrations/, which must match these models (tests/bot/leads/test_migrations.py).

Datetimes are timezone-aware UTC in Python on every backend: `timestamp with time zone` on
PostgreSQL, naive UTC text on SQLite (which has no time zone type), converted by `UTCDateTime`.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (JSON, Boolean, Column, DateTime, ForeignKey, Index, Integer, MetaData, String,
                        Text, UniqueConstraint)
from sqlalchemy.orm import declarative_base
from sqlalchemy.types import TypeDecorator

STEPS = ("started", "plan", "consent", "contact", "handoff")  # ordered: a lead's step only moves forward
STATUSES = ("new", "handoff_requested", "contacted", "qualified", "won", "lost", "archived")
CONSENT_KINDS = ("profile", "contact")
ENTERED_BY = ("visitor", "sales")
CONTACT_FIELDS = ("name", "company", "company_size", "email", "phone", "call_time")
# check-ins (docs/coaching.md): 1 after the listening weeks, 2 the first contributions, 3 a review after a month
CHECKIN_STEPS = (1, 2, 3)
CHECKIN_CHANNELS = ("telegram", "widget", "email")

# Named constraints: the migrations create the same names, and SQLite's batch mode needs them.
NAMING = {"pk": "pk_%(table_name)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
          "ix": "ix_%(table_name)s_%(column_0_name)s",
          "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
          "ck": "ck_%(table_name)s_%(constraint_name)s"}
Base = declarative_base(metadata=MetaData(naming_convention=NAMING))

UTC = dt.timezone.utc


def now() -> dt.datetime:
    return dt.datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in and out. A naive datetime going in is taken as UTC (what the rest of
    the project stores); SQLite keeps naive UTC text so that comparisons stay textual and correct."""
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _lead_fk() -> ForeignKey:
    return ForeignKey("leads.id", ondelete="CASCADE")


class Lead(Base):
    __tablename__ = "leads"

    id = Column(Integer, primary_key=True)
    public_id = Column(String(32), nullable=False, unique=True)
    sender_id = Column(String(255), nullable=False, unique=True, index=True)
    channel = Column(String(32), nullable=True)
    entered_by = Column(String(16), nullable=False)
    salesperson = Column(String(255), nullable=True)
    status = Column(String(24), nullable=False)
    step = Column(String(16), nullable=False)
    grade = Column(String(1), nullable=True)
    fit_score = Column(Integer, nullable=True)
    readiness_score = Column(Integer, nullable=True)
    qualification = Column(JSON(none_as_null=True), nullable=True)
    name = Column(String(255), nullable=True)
    company = Column(String(255), nullable=True)
    company_size = Column(String(16), nullable=True)
    email = Column(String(320), nullable=True)  # the longest address RFC 5321 allows
    phone = Column(String(32), nullable=True)
    call_time = Column(String(255), nullable=True)
    anonymous = Column(Boolean, nullable=False)
    expires_at = Column(UTCDateTime, nullable=True, index=True)  # the purge looks leads up by it
    created_at = Column(UTCDateTime, nullable=False, index=True)  # lists and exports filter by it
    updated_at = Column(UTCDateTime, nullable=False)


class ProfileSnapshot(Base):
    __tablename__ = "profile_snapshots"

    id = Column(Integer, primary_key=True)
    lead_id = Column(Integer, _lead_fk(), nullable=False, index=True)
    data = Column(JSON, nullable=False)
    created_at = Column(UTCDateTime, nullable=False)


class PlanSnapshot(Base):
    __tablename__ = "plan_snapshots"

    id = Column(Integer, primary_key=True)
    lead_id = Column(Integer, _lead_fk(), nullable=False, index=True)
    payload = Column(JSON, nullable=False)
    created_at = Column(UTCDateTime, nullable=False)


class Consent(Base):
    __tablename__ = "consents"

    id = Column(Integer, primary_key=True)
    lead_id = Column(Integer, _lead_fk(), nullable=False, index=True)
    kind = Column(String(16), nullable=False)
    granted = Column(Boolean, nullable=False)
    notice_version = Column(String(64), nullable=False)
    given_at = Column(UTCDateTime, nullable=False)
    channel = Column(String(32), nullable=True)


class StatusChange(Base):
    __tablename__ = "status_changes"

    id = Column(Integer, primary_key=True)
    lead_id = Column(Integer, _lead_fk(), nullable=False, index=True)
    old_status = Column(String(24), nullable=True)
    new_status = Column(String(24), nullable=False)
    actor = Column(String(255), nullable=False)
    note = Column(Text, nullable=True)
    at = Column(UTCDateTime, nullable=False)


class OutboxMessage(Base):
    __tablename__ = "outbox"
    # the worker asks for undelivered messages that are due
    __table_args__ = (Index("ix_outbox_due", "delivered_at", "next_attempt_at"),)

    id = Column(Integer, primary_key=True)
    lead_id = Column(Integer, ForeignKey("leads.id", ondelete="SET NULL"), nullable=True, index=True)
    kind = Column(String(32), nullable=False)
    payload = Column(JSON, nullable=False)
    dedup_key = Column(String(255), nullable=False, unique=True)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(UTCDateTime, nullable=False)
    delivered_at = Column(UTCDateTime, nullable=True)
    last_error = Column(Text, nullable=True)
    created_at = Column(UTCDateTime, nullable=False)


class Checkin(Base):
    """One planned check-in of a lead (bot/leads/checkins.py): due at `due_at`, tried from
    `next_attempt_at` (later after a failed send), taken by a worker for a lease (`claimed_*`)."""
    __tablename__ = "checkins"
    __table_args__ = (
        # scheduling the same step again for a lead and channel adds nothing
        UniqueConstraint("lead_id", "channel", "step", name="uq_checkins_lead_id_channel_step"),
        # the worker asks for check-ins neither sent nor cancelled that are due
        Index("ix_checkins_due", "sent_at", "cancelled_at", "next_attempt_at"),
    )

    id = Column(Integer, primary_key=True)
    lead_id = Column(Integer, _lead_fk(), nullable=False, index=True)
    sender_id = Column(String(255), nullable=False, index=True)  # the conversation to continue; stop, erase look it up
    channel = Column(String(32), nullable=False)
    step = Column(Integer, nullable=False)
    due_at = Column(UTCDateTime, nullable=False)
    next_attempt_at = Column(UTCDateTime, nullable=False)
    claimed_at = Column(UTCDateTime, nullable=True)
    claimed_by = Column(String(255), nullable=True)
    sent_at = Column(UTCDateTime, nullable=True)
    cancelled_at = Column(UTCDateTime, nullable=True)
    attempts = Column(Integer, nullable=False, default=0)
    last_error = Column(Text, nullable=True)
    created_at = Column(UTCDateTime, nullable=False)
