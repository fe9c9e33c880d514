"""The lead store: one row per conversation that reached the sales flow, with its snapshots,
consents, status history and handoff notifications (docs/sales.md).

`LeadStore.apply` records one completed step (`LeadUpdate`) in one transaction. The privacy rules
live here, so that no caller can forget them: the profile and the plan are kept only under a granted
`profile` consent, contact details only under a granted `contact` consent, and a lead stays
anonymous (and expires) until the latter. Applying the same update twice changes nothing the second
time, which is what lets `LeadWriter` replay its spool after a database outage without duplicates.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Union

from sqlalchemy import delete, func, select, update as sql_update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session

from bot import db, paths
from bot.leads import settings
from bot.leads.models import (CONSENT_KINDS, CONTACT_FIELDS, ENTERED_BY, STATUSES, STEPS, Checkin, Consent, Lead,
                              OutboxMessage, PlanSnapshot, ProfileSnapshot, StatusChange)
from bot.leads.models import now as utc_now

logger = logging.getLogger(__name__)

GRADES = ("A", "B", "C")
# What "the database cannot be used right now" looks like: the writer spools and retries these.
DATABASE_ERRORS = (DBAPIError, DisconnectionError, PoolTimeoutError)
SLOW_WRITE_S = 0.2  # a write slower than this is logged as a warning: the user is waiting for the reply
LEAD_COLUMNS = tuple(c.name for c in Lead.__table__.columns if c.name != "id")
CHILDREN = (ProfileSnapshot, PlanSnapshot, Consent, StatusChange, Checkin)

When = Union[dt.date, dt.datetime, None]


def parse_time(value: Union[str, dt.datetime]) -> dt.datetime:
    """An aware UTC datetime from an ISO 8601 text or a datetime; no offset means UTC."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
    if not isinstance(value, dt.datetime):
        raise ValueError(f"not a date and time: {value!r}")
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


def _max_length(model, column: str) -> int:
    return model.__table__.c[column].type.length


def _text(name: str, value: Any, max_length: int, required: bool = False) -> None:
    if value is None and not required:
        return
    # the value itself stays out of the message: it may be an email or a phone number, and
    # exceptions end up in logs
    if not isinstance(value, str) or not value or len(value) > max_length:
        raise ValueError(f"{name} must be a non-empty text of at most {max_length} characters")
    if not value.isprintable():  # a NUL byte would make PostgreSQL fail the write for good
        raise ValueError(f"{name} contains control characters")


@dataclass
class LeadUpdate:
    """One completed step of one conversation. JSON-serialisable: the writer spools it as text."""
    sender_id: str
    step: str
    channel: Optional[str] = None
    entered_by: Optional[str] = None
    salesperson: Optional[str] = None
    profile: Optional[dict] = None        # snapshot kept only under a granted profile consent
    plan: Optional[dict] = None           # the plan payload (docs/plan-payload.md), same rule
    qualification: Optional[dict] = None  # Qualification.to_dict(): grade, fit and readiness scores
    contact: Optional[dict] = None        # only with a granted contact consent (else ValueError)
    consents: Iterable[dict] = ()         # [{"kind", "granted", "notice_version", "given_at" ISO, "channel"?}]
    status: Optional[str] = None
    actor: str = "bot"
    notify: Optional[dict] = None         # {"kind": "handoff", "payload": {...}, "dedup_key": str}
    at: str = field(default_factory=lambda: utc_now().isoformat())  # kept when replayed from the spool

    def __post_init__(self):
        self.consents = list(self.consents)  # what it is once back from JSON

    def to_json(self) -> str:
        # not dataclasses.asdict: it deep-copies the plan payload, a few ms on every write
        return json.dumps({f.name: getattr(self, f.name) for f in fields(self)}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "LeadUpdate":
        return cls(**json.loads(text))

    def validate(self) -> None:
        """ValueError for what no database could accept; the consent rules need the stored lead
        and are checked by `LeadStore.apply`."""
        _text("sender_id", self.sender_id, _max_length(Lead, "sender_id"), required=True)
        if self.step not in STEPS:
            raise ValueError(f"unknown step {self.step!r}: one of {STEPS}")
        if self.entered_by is not None and self.entered_by not in ENTERED_BY:
            raise ValueError(f"unknown entered_by {self.entered_by!r}: one of {ENTERED_BY}")
        if self.status is not None and self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}: one of {STATUSES}")
        _text("channel", self.channel, _max_length(Lead, "channel"))
        _text("salesperson", self.salesperson, _max_length(Lead, "salesperson"))
        _text("actor", self.actor, _max_length(StatusChange, "actor"), required=True)
        for name in ("profile", "plan", "qualification", "contact", "notify"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), dict):
                raise ValueError(f"{name} must be a dict")
        for consent in self.consents:
            if not isinstance(consent, dict) or consent.get("kind") not in CONSENT_KINDS \
                    or not isinstance(consent.get("granted"), bool):
                raise ValueError(f"a consent needs a kind in {CONSENT_KINDS} and granted true/false: {consent!r}")
            _text("notice_version", consent.get("notice_version"), _max_length(Consent, "notice_version"),
                  required=True)
            _text("consent channel", consent.get("channel"), _max_length(Consent, "channel"))
            parse_time(consent.get("given_at") or self.at)
        for name, value in (self.contact or {}).items():
            if name not in CONTACT_FIELDS:
                raise ValueError(f"unknown contact field {name!r}: one of {CONTACT_FIELDS}")
            _text(f"contact {name}", value, _max_length(Lead, name))
        if self.qualification is not None:
            _scores(self.qualification)
        if self.notify is not None:
            _text("notify kind", self.notify.get("kind"), _max_length(OutboxMessage, "kind"), required=True)
            _text("notify dedup_key", self.notify.get("dedup_key"), _max_length(OutboxMessage, "dedup_key"),
                  required=True)
            if not isinstance(self.notify.get("payload"), dict):
                raise ValueError("notify needs a payload dict")
        parse_time(self.at)
        try:
            self.to_json()
        except TypeError as error:
            raise ValueError(f"the update is not JSON-serialisable: {error}") from None


def _scores(qualification: dict) -> tuple:
    """(grade, fit points, readiness points) of a Qualification.to_dict()."""
    try:
        grade = qualification["grade"]
        fit, readiness = qualification["fit"]["points"], qualification["readiness"]["points"]
    except (KeyError, TypeError):
        raise ValueError("qualification must be a Qualification.to_dict()") from None
    if grade not in GRADES or not all(isinstance(p, int) and 0 <= p <= 100 for p in (fit, readiness)):
        raise ValueError(f"qualification out of range: grade {grade!r}, fit {fit!r}, readiness {readiness!r}")
    return grade, fit, readiness


def _start(value: When) -> Optional[dt.datetime]:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time(), dt.timezone.utc)


def _period(column, since: When, until: When) -> list:
    """Conditions on `column`: since inclusive; until inclusive, a date meaning the whole day."""
    conditions = []
    if since is not None:
        conditions.append(column >= _start(since))
    if isinstance(until, dt.datetime):
        conditions.append(column <= until)
    elif until is not None:
        conditions.append(column < _start(until + dt.timedelta(days=1)))
    return conditions


def consent_granted(lead: Mapping[str, Any], kind: str) -> bool:
    """Whether the latest answer of `kind` in a lead dict (get()) is a yes."""
    answers = [c for c in lead.get("consents") or [] if c.get("kind") == kind]
    return bool(answers) and bool(answers[-1].get("granted"))


def _lead_dict(lead: Lead) -> Dict[str, Any]:
    return {name: getattr(lead, name) for name in LEAD_COLUMNS}


def _latest_snapshots(model):
    """The id of each lead's latest snapshot of `model` (a subquery: one join, not a query per lead)."""
    return select(model.lead_id, func.max(model.id).label("id")).group_by(model.lead_id).subquery()


class LeadStore:
    def __init__(self, engine: Engine, anonymous_days: Optional[int] = None):
        self.engine = engine
        self.anonymous_days = settings.default().anonymous_lead_days if anonymous_days is None \
            else anonymous_days

    # --- the bot's side ------------------------------------------------------------------------

    def apply(self, update: LeadUpdate) -> str:
        """Records one step in one transaction, creating the lead at its first step; the public id."""
        update.validate()
        try:
            return self._apply_once(update)
        except IntegrityError:
            # another process created the same lead or outbox row meanwhile: again, now it exists
            return self._apply_once(update)

    def _apply_once(self, update: LeadUpdate) -> str:
        at = parse_time(update.at)
        with Session(self.engine) as session, session.begin():
            lead = session.execute(select(Lead).where(Lead.sender_id == update.sender_id)).scalar_one_or_none()
            if lead is None:
                lead = self._create(session, update, at)
            elif STEPS.index(update.step) > STEPS.index(lead.step):
                lead.step = update.step
            for name in ("channel", "entered_by", "salesperson"):
                if getattr(update, name) is not None:
                    setattr(lead, name, getattr(update, name))

            granted = self._record_consents(session, lead, update, at)
            if update.profile is not None and granted["profile"]:
                self._snapshot(session, ProfileSnapshot, ProfileSnapshot.data, lead, update.profile, at)
            if update.plan is not None and granted["profile"]:
                self._snapshot(session, PlanSnapshot, PlanSnapshot.payload, lead, update.plan, at)
            if update.qualification is not None:
                lead.grade, lead.fit_score, lead.readiness_score = _scores(update.qualification)
                # the reasons quote the profile's answers: kept only with the profile's consent
                lead.qualification = update.qualification if granted["profile"] else None
            if update.contact:
                if not granted["contact"]:
                    raise ValueError(f"contact details of {update.sender_id!r} without a granted contact consent")
                for name, value in update.contact.items():
                    setattr(lead, name, value)
            if update.status is not None and update.status != lead.status \
                    and not self._recorded(session, lead, update, at):
                session.add(StatusChange(lead_id=lead.id, old_status=lead.status, new_status=update.status,
                                         actor=update.actor, at=at))
                lead.status = update.status
            if update.notify is not None:
                self._notify(session, lead, update.notify, at)
            lead.updated_at = max(lead.updated_at, at)
            return lead.public_id

    def _create(self, session: Session, update: LeadUpdate, at: dt.datetime) -> Lead:
        lead = Lead(public_id=uuid.uuid4().hex, sender_id=update.sender_id, entered_by="visitor",
                    status="new", step=update.step, anonymous=True,
                    expires_at=at + dt.timedelta(days=self.anonymous_days), created_at=at, updated_at=at)
        session.add(lead)
        session.flush()  # its id, for the rows below
        session.add(StatusChange(lead_id=lead.id, old_status=None, new_status="new", actor=update.actor, at=at))
        return lead

    def _record_consents(self, session: Session, lead: Lead, update: LeadUpdate, at: dt.datetime) -> Dict[str, bool]:
        """Adds the update's consents not already stored; {kind: granted} by the latest of each
        kind. Withdrawing a consent removes what was kept under it."""
        consents = list(session.execute(select(Consent).where(Consent.lead_id == lead.id)
                                        .order_by(Consent.given_at, Consent.id)).scalars())
        known = {(c.kind, c.granted, c.notice_version, c.given_at) for c in consents}
        for given in update.consents:
            consent = Consent(lead_id=lead.id, kind=given["kind"], granted=given["granted"],
                              notice_version=given["notice_version"],
                              given_at=parse_time(given.get("given_at") or at),
                              channel=given.get("channel") or update.channel or lead.channel)
            key = (consent.kind, consent.granted, consent.notice_version, consent.given_at)
            if key not in known:  # a replayed update brings the same consents again
                known.add(key)
                session.add(consent)
                consents.append(consent)
        latest = {}
        for consent in sorted(consents, key=lambda c: c.given_at):  # stable: insertion order on ties
            latest[consent.kind] = consent
        granted = {kind: kind in latest and latest[kind].granted for kind in CONSENT_KINDS}
        withdrawn = {c["kind"] for c in update.consents if not granted[c["kind"]]}

        if granted["contact"] and lead.anonymous:
            lead.anonymous, lead.expires_at = False, None
        elif "contact" in withdrawn and not lead.anonymous:
            for name in CONTACT_FIELDS:
                setattr(lead, name, None)
            lead.anonymous = True
            lead.expires_at = latest["contact"].given_at + dt.timedelta(days=self.anonymous_days)
        if "profile" in withdrawn:
            for model in (ProfileSnapshot, PlanSnapshot):
                session.execute(delete(model).where(model.lead_id == lead.id))
            lead.qualification = None
        if withdrawn:  # a notification not sent yet carries what was just withdrawn
            session.execute(delete(OutboxMessage).where(OutboxMessage.lead_id == lead.id,
                                                        OutboxMessage.delivered_at.is_(None)))
        return granted

    @staticmethod
    def _recorded(session: Session, lead: Lead, update: LeadUpdate, at: dt.datetime) -> bool:
        """Whether this very status change is in the history already: the update is a replay, and
        the status the sales team set since then stays."""
        return session.execute(select(StatusChange.id).where(
            StatusChange.lead_id == lead.id, StatusChange.new_status == update.status,
            StatusChange.actor == update.actor, StatusChange.at == at)).first() is not None

    @staticmethod
    def _snapshot(session: Session, model, column, lead: Lead, data: dict, at: dt.datetime) -> None:
        """A new snapshot when it is newer than the latest one and differs from it: a replayed
        update, or an unchanged profile, adds nothing."""
        latest = session.execute(select(column, model.created_at).where(model.lead_id == lead.id)
                                 .order_by(model.id.desc()).limit(1)).first()
        if latest is None or (latest[1] < at and latest[0] != data):
            session.add(model(lead_id=lead.id, created_at=at, **{column.key: data}))

    @staticmethod
    def _notify(session: Session, lead: Lead, notify: dict, at: dt.datetime) -> None:
        exists = session.execute(select(OutboxMessage.id).where(
            OutboxMessage.dedup_key == notify["dedup_key"])).first()
        if exists is None:  # due since the step happened, also when replayed from the spool later
            session.add(OutboxMessage(lead_id=lead.id, kind=notify["kind"], payload=notify["payload"],
                                      dedup_key=notify["dedup_key"], attempts=0, next_attempt_at=at,
                                      created_at=utc_now()))

    # --- reading --------------------------------------------------------------------------------

    def get(self, public_id: str) -> Optional[Dict[str, Any]]:
        """The lead with its latest profile and plan, its consents and status history."""
        return self._full(Lead.public_id == public_id)

    def by_sender(self, sender_id: str) -> Optional[Dict[str, Any]]:
        return self._full(Lead.sender_id == sender_id)

    def _full(self, condition) -> Optional[Dict[str, Any]]:
        with Session(self.engine) as session:
            lead = session.execute(select(Lead).where(condition)).scalar_one_or_none()
            if lead is None:
                return None

            def latest(model, column):
                return session.execute(select(column).where(model.lead_id == lead.id)
                                       .order_by(model.id.desc()).limit(1)).scalar_one_or_none()

            consents = session.execute(select(Consent).where(Consent.lead_id == lead.id)
                                       .order_by(Consent.given_at, Consent.id)).scalars()
            history = session.execute(select(StatusChange).where(StatusChange.lead_id == lead.id)
                                      .order_by(StatusChange.at, StatusChange.id)).scalars()
            return {**_lead_dict(lead),
                    "profile": latest(ProfileSnapshot, ProfileSnapshot.data),
                    "plan": latest(PlanSnapshot, PlanSnapshot.payload),
                    "consents": [{"kind": c.kind, "granted": c.granted, "notice_version": c.notice_version,
                                  "given_at": c.given_at, "channel": c.channel} for c in consents],
                    "history": [{"old_status": h.old_status, "new_status": h.new_status, "actor": h.actor,
                                 "note": h.note, "at": h.at} for h in history]}

    @staticmethod
    def _filters(grade: Optional[str], status: Optional[str], since: When, until: When,
                 entered_by: Optional[str], hide_started: bool) -> List[Any]:
        """The WHERE clauses of the console's filters, shared by `list` and `count`."""
        clauses = list(_period(Lead.created_at, since, until))
        for column, value in ((Lead.grade, grade), (Lead.status, status), (Lead.entered_by, entered_by)):
            if value is not None:
                clauses.append(column == value)
        if hide_started:  # conversations begun and left before the plan: most rows, least use
            clauses.append(Lead.step != "started")
        return clauses

    def list(self, grade: Optional[str] = None, status: Optional[str] = None, since: When = None,
             until: When = None, entered_by: Optional[str] = None, limit: Optional[int] = None,
             offset: int = 0, hide_started: bool = False) -> List[Dict[str, Any]]:
        """Leads newest first, each with its latest profile (`profile`), in one query; a page of
        them with `limit` and `offset`."""
        latest = _latest_snapshots(ProfileSnapshot)
        query = (select(*(Lead.__table__.c[name] for name in LEAD_COLUMNS), ProfileSnapshot.data.label("profile"))
                 .outerjoin(latest, latest.c.lead_id == Lead.id)
                 .outerjoin(ProfileSnapshot, ProfileSnapshot.id == latest.c.id)
                 .where(*self._filters(grade, status, since, until, entered_by, hide_started))
                 .order_by(Lead.created_at.desc(), Lead.id.desc()))
        if limit is not None:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        with self.engine.connect() as connection:
            result = connection.execute(query)
            names = list(result.keys())
            return [dict(zip(names, row)) for row in result.all()]  # not row._mapping: 10,000 rows in an export

    def count(self, grade: Optional[str] = None, status: Optional[str] = None, since: When = None,
              until: When = None, entered_by: Optional[str] = None, hide_started: bool = False) -> int:
        """How many leads `list` would give without a page."""
        query = select(func.count()).select_from(Lead).where(
            *self._filters(grade, status, since, until, entered_by, hide_started))
        with self.engine.connect() as connection:
            return connection.execute(query).scalar_one()

    def funnel(self, since: When = None) -> Dict[str, int]:
        """{step: leads that reached it}, for every step in order."""
        with Session(self.engine) as session:
            counts = dict(session.execute(select(Lead.step, func.count()).where(*_period(Lead.created_at, since, None))
                                          .group_by(Lead.step)).all())
        reached, total = {}, 0
        for step in reversed(STEPS):  # a lead at `contact` also reached every step before it
            total += counts.get(step, 0)
            reached[step] = total
        return {step: reached[step] for step in STEPS}

    def grades_over_time(self, days: int = 30) -> List[Dict[str, Any]]:
        """Graded leads created on each of the last `days` days (UTC, today included)."""
        today = utc_now().date()
        first = today - dt.timedelta(days=days - 1)
        series = {first + dt.timedelta(days=n): dict.fromkeys(GRADES, 0) for n in range(days)}
        with Session(self.engine) as session:
            rows = session.execute(select(Lead.created_at, Lead.grade).where(
                Lead.grade.is_not(None), *_period(Lead.created_at, first, today))).all()
        for created_at, grade in rows:
            series[created_at.date()][grade] += 1
        return [{"date": day.isoformat(), **counts} for day, counts in series.items()]

    # --- the sales team's side ------------------------------------------------------------------

    def set_status(self, public_id: str, status: str, actor: str, note: Optional[str] = None) -> Dict[str, Any]:
        """Changes a lead's status, audited; KeyError for an unknown lead, ValueError for an
        unknown status. The same status again only adds a row when it carries a note."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}: one of {STATUSES}")
        _text("actor", actor, _max_length(StatusChange, "actor"), required=True)
        with Session(self.engine) as session, session.begin():
            lead = session.execute(select(Lead).where(Lead.public_id == public_id)).scalar_one_or_none()
            if lead is None:
                raise KeyError(public_id)
            if status != lead.status or note:
                moment = utc_now()
                session.add(StatusChange(lead_id=lead.id, old_status=lead.status, new_status=status,
                                         actor=actor, note=note, at=moment))
                lead.status, lead.updated_at = status, moment
        return self.get(public_id)

    def erase(self, sender_id: str) -> bool:
        """Deletes the lead and every row about it, its outbox messages and check-ins too (they
        carry its contact details, its conversation). When the sales team's tools already received
        it, an "erased" message (the public id only) goes through the outbox so they erase it too
        (GDPR Art. 19). False when there was no such lead."""
        with Session(self.engine) as session, session.begin():
            # check-ins that would continue this conversation for another lead (a website visitor
            # who chose Telegram): the conversation is being erased, nothing may reopen it
            continued = session.execute(delete(Checkin).where(Checkin.sender_id == sender_id)).rowcount
            lead = session.execute(select(Lead.id, Lead.public_id).where(Lead.sender_id == sender_id)).first()
            if lead is not None:
                told = session.execute(select(func.count()).select_from(OutboxMessage).where(
                    OutboxMessage.lead_id == lead.id, OutboxMessage.delivered_at.is_not(None))).scalar()
                self._delete(session, select(Lead.id).where(Lead.id == lead.id))
                if told:
                    moment = utc_now()
                    session.add(OutboxMessage(
                        lead_id=None, kind="erased", dedup_key=f"erased:{lead.public_id}", attempts=0,
                        payload={"type": "bussola.erased", "lead": lead.public_id, "erased_at": moment.isoformat(),
                                 "text": "La persona ha chiesto di cancellare i suoi dati: cancellali anche qui."},
                        next_attempt_at=moment, created_at=moment))
        if lead is not None or continued:
            db.forget_deleted(self.engine)  # no copy of the deleted rows left in the write-ahead log
        return lead is not None

    def conversations_to_forget(self, declined_days: int, now: Optional[dt.datetime] = None) -> List[str]:
        """The conversations (sender ids) the conversation store must no longer keep: those whose
        profile consent was declined or withdrawn at least `declined_days` ago, and those of
        anonymous leads past their expiry (ask before `purge_expired`). A salesperson's session
        (sales mode, "<conversation>#<prospect>") holds other prospects too: not listed."""
        moment = now or utc_now()
        latest = (select(Consent.lead_id, func.max(Consent.id).label("id"))
                  .where(Consent.kind == "profile").group_by(Consent.lead_id).subquery())
        declined = (select(Lead.sender_id).join(latest, latest.c.lead_id == Lead.id)
                    .join(Consent, Consent.id == latest.c.id)
                    .where(Consent.granted.is_(False),
                           Consent.given_at <= moment - dt.timedelta(days=declined_days)))
        expired = select(Lead.sender_id).where(Lead.anonymous.is_(True), Lead.expires_at <= moment)
        with Session(self.engine) as session:
            senders = {*session.execute(declined).scalars(), *session.execute(expired).scalars()}
        return sorted(s for s in senders if "#" not in s)

    def purge_expired(self, now: Optional[dt.datetime] = None) -> int:
        """Deletes the anonymous leads past their expiry; how many."""
        moment = now or utc_now()
        with Session(self.engine) as session, session.begin():
            purged = self._delete(session, select(Lead.id).where(Lead.anonymous.is_(True),
                                                                 Lead.expires_at <= moment))
        if purged:
            db.forget_deleted(self.engine)
        return purged

    @staticmethod
    def _delete(session: Session, lead_ids) -> int:
        # explicit deletes: SQLite enforces ON DELETE CASCADE only with PRAGMA foreign_keys
        ids = list(session.execute(lead_ids).scalars())
        if not ids:
            return 0
        for model in (*CHILDREN, OutboxMessage):
            session.execute(delete(model).where(model.lead_id.in_(ids)))
        return session.execute(delete(Lead).where(Lead.id.in_(ids))).rowcount

    # --- the outbox, for bot/leads/outbox.py ----------------------------------------------------

    def due_messages(self, now: dt.datetime, limit: int = 20) -> List[Dict[str, Any]]:
        """Undelivered messages due at `now`, oldest first, with their lead's public id."""
        query = (select(OutboxMessage, Lead.public_id)
                 .outerjoin(Lead, Lead.id == OutboxMessage.lead_id)
                 .where(OutboxMessage.delivered_at.is_(None), OutboxMessage.next_attempt_at <= now)
                 .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
        with Session(self.engine) as session:
            return [{"id": m.id, "lead_public_id": public_id, "kind": m.kind, "payload": m.payload,
                     "dedup_key": m.dedup_key, "attempts": m.attempts, "next_attempt_at": m.next_attempt_at,
                     "last_error": m.last_error, "created_at": m.created_at}
                    for m, public_id in session.execute(query)]

    def mark_delivered(self, message_id: int) -> None:
        with Session(self.engine) as session, session.begin():
            session.execute(sql_update(OutboxMessage).where(OutboxMessage.id == message_id).values(
                delivered_at=utc_now(), attempts=OutboxMessage.attempts + 1))

    def mark_failed(self, message_id: int, error: str, next_attempt_at: dt.datetime) -> None:
        with Session(self.engine) as session, session.begin():
            session.execute(sql_update(OutboxMessage).where(OutboxMessage.id == message_id).values(
                attempts=OutboxMessage.attempts + 1, last_error=error[:2000], next_attempt_at=next_attempt_at))


class LeadWriter:
    """What the actions call. A step the database cannot take now (down, unreachable, not migrated)
    goes to a local spool, a SQLite file, and is replayed in order: at the start of every write,
    and by a background timer backing off from `min_delay` to `max_delay` seconds while anything
    is left. A spooled update that can never be applied (a bug, not an outage) is moved to the
    spool's `failed` table and logged, never dropped."""

    def __init__(self, store_factory: Callable[[], LeadStore], spool_path: Union[Path, str],
                 min_delay: float = 1.0, max_delay: float = 60.0):
        self._store_factory = store_factory
        self._store: Optional[LeadStore] = None
        self.spool = db.SQLiteFile(spool_path)
        self.min_delay, self.max_delay = min_delay, max_delay
        self._delay = min_delay
        self._timer: Optional[threading.Timer] = None
        self._closed = False
        self._lock = threading.Lock()  # one replay at a time, and no write overtaking a replay
        self._db().execute("CREATE TABLE IF NOT EXISTS spool (key INTEGER PRIMARY KEY AUTOINCREMENT, "
                           "body TEXT NOT NULL, spooled_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, "
                           "last_error TEXT)")
        self._db().execute("CREATE TABLE IF NOT EXISTS failed (key INTEGER PRIMARY KEY AUTOINCREMENT, "
                           "body TEXT NOT NULL, error TEXT NOT NULL, failed_at TEXT NOT NULL)")
        if self.pending():  # left by an earlier process
            with self._lock:
                self._schedule()

    def _db(self) -> sqlite3.Connection:
        return self.spool.connection()

    def pending(self) -> int:
        return self._db().execute("SELECT count(*) FROM spool").fetchone()[0]

    def write(self, update: LeadUpdate) -> bool:
        """True when stored, False when spooled for later. ValueError for an invalid update (the
        caller's mistake, never spooled); database errors never reach the caller."""
        update.validate()
        started = time.perf_counter()
        with self._lock:
            if self.pending():
                self._flush()
            error = "earlier steps are still spooled"  # they go first: steps keep their order
            if not self.pending():
                try:
                    self._apply(update)
                    self._delay = self.min_delay
                    error = None
                except DATABASE_ERRORS as failure:
                    error = f"database not available: {failure.__class__.__name__}: {failure}"
            if error is not None:
                self._db().execute("INSERT INTO spool (body, spooled_at, last_error) VALUES (?, ?, ?)",
                                   (update.to_json(), utc_now().isoformat(), error))
                logger.warning(f"Lead step {update.step} of {update.sender_id} spooled, retried later ({error})")
                self._schedule()
        elapsed = time.perf_counter() - started
        (logger.warning if elapsed > SLOW_WRITE_S else logger.debug)(
            f"Lead write {update.step} of {update.sender_id}: {elapsed * 1000:.1f} ms")
        return error is None

    def flush(self) -> int:
        """Replays the spool in order, stopping at the first database error; how many were stored."""
        with self._lock:
            return self._flush()

    def discard(self, sender_id: str) -> int:
        """Drops the spooled steps of one conversation, waiting or set aside ("cancella i miei
        dati"): replayed after the erasure, they would bring the lead back. How many were dropped."""
        dropped = 0
        with self._lock:
            for table in ("spool", "failed"):
                for key, body in self._db().execute(f"SELECT key, body FROM {table}").fetchall():
                    if LeadUpdate.from_json(body).sender_id == sender_id:
                        self._db().execute(f"DELETE FROM {table} WHERE key = ?", (key,))
                        dropped += 1
        return dropped

    def close(self) -> None:
        """Stops the background retry (the spool stays on disk for the next process)."""
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

    def _apply(self, update: LeadUpdate) -> None:
        if self._store is None:
            self._store = self._store_factory()
        self._store.apply(update)

    def _flush(self) -> int:
        replayed = 0
        for key, body in self._db().execute("SELECT key, body FROM spool ORDER BY key").fetchall():
            try:
                self._apply(LeadUpdate.from_json(body))
            except DATABASE_ERRORS as failure:
                self._db().execute("UPDATE spool SET attempts = attempts + 1, last_error = ? WHERE key = ?",
                                   (f"{failure.__class__.__name__}: {failure}", key))
                break
            except Exception as failure:  # it would fail forever: set it aside, keep the rest moving
                logger.exception(f"Spooled lead step {key} cannot be applied; kept in the spool's failed table")
                self._db().execute("INSERT INTO failed (body, error, failed_at) VALUES (?, ?, ?)",
                                   (body, f"{failure.__class__.__name__}: {failure}", utc_now().isoformat()))
            else:
                replayed += 1
            # applied or set aside; a crash before this delete only replays it again, harmlessly
            self._db().execute("DELETE FROM spool WHERE key = ?", (key,))
        return replayed

    def _schedule(self) -> None:
        if self._timer is None and not self._closed:
            self._timer = threading.Timer(self._delay, self._retry)
            self._timer.daemon = True  # the spool is on disk: nothing is lost when the process ends
            self._timer.start()

    def _retry(self) -> None:
        with self._lock:
            self._timer = None
            try:
                self._flush()
            except Exception:  # a broken spool file must not end the retries silently
                logger.exception("Replaying the lead spool failed")
            left = self.pending()
            if left:
                self._delay = min(self._delay * 2, self.max_delay)
                logger.warning(f"{left} lead step(s) still spooled, the database is not available; "
                               f"next try in {self._delay:.0f} s")
                self._schedule()
            else:
                self._delay = self.min_delay


@functools.lru_cache(maxsize=None)
def _store_at(url: str) -> LeadStore:
    return LeadStore(db.engine(url))


def default_store() -> LeadStore:
    """The store on the project's database (BUSSOLA_DATABASE_URL, else state/bussola.db)."""
    return _store_at(db.database_url())


@functools.lru_cache(maxsize=None)
def default_writer() -> LeadWriter:
    """The process's writer, spooling to state/lead_spool.db."""
    return LeadWriter(default_store, paths.STATE / "lead_spool.db")
