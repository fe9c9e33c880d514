"""Handing a conversation over from the website to Telegram ("Continua su Telegram").

The widget asks for a link; the action stores the profile gathered so far under a one-time code
and answers with https://t.me/<bot>?start=<code>. Telegram opens the bot with `/start <code>`; the
connector turns that into the same intent with the code, and the action takes the profile back,
so the interview goes on where it was. A code works once, for an hour.
"""
from __future__ import annotations

import datetime as dt
import functools
import secrets
from typing import Any, Dict, Optional

from sqlalchemy import JSON, Column, DateTime, String, delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, declarative_base

from bot import db
from bot import profile as P

Base = declarative_base()
LIFETIME = dt.timedelta(hours=1)
CODE_PATTERN = r"[A-Za-z0-9_-]{20,64}"  # what Telegram allows in a /start payload, long enough to guess never


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)  # naive UTC: the same on SQLite and PostgreSQL


class Handoff(Base):
    __tablename__ = "handoffs"

    code = Column(String(64), primary_key=True)
    sender_id = Column(String(255), nullable=False)
    profile = Column(JSON, nullable=False)
    created_at = Column(DateTime, nullable=False, default=_now)
    used_at = Column(DateTime, nullable=True)


class HandoffStore:
    def __init__(self, engine: Engine):
        self.engine = engine
        Base.metadata.create_all(engine)

    def create(self, sender_id: str, slots: Dict[str, Any]) -> str:
        """Stores the profile fields of `slots` under a new code."""
        profile = {name: slots.get(name) for name in P.FIELDS if slots.get(name) is not None}
        code = secrets.token_urlsafe(24)  # 32 characters of [A-Za-z0-9_-]
        with Session(self.engine) as session, session.begin():
            session.add(Handoff(code=code, sender_id=sender_id, profile=profile))
        return code

    def redeem(self, code: str, now: Optional[dt.datetime] = None) -> Optional[Dict[str, Any]]:
        """The profile stored under `code`, once: None if unknown, used or older than an hour."""
        now = now or _now()
        with Session(self.engine) as session, session.begin():
            # mark it used in the same statement that checks it, so two redeems cannot both win
            claimed = session.execute(
                update(Handoff).where(Handoff.code == code, Handoff.used_at.is_(None),
                                      Handoff.created_at > now - LIFETIME).values(used_at=now))
            if claimed.rowcount != 1:
                return None
            return session.execute(select(Handoff.profile).where(Handoff.code == code)).scalar_one()

    def erase(self, sender_id: str) -> int:
        """Deletes every code a conversation created ("cancella i miei dati"): they hold its profile."""
        with Session(self.engine) as session, session.begin():
            return session.execute(delete(Handoff).where(Handoff.sender_id == sender_id)).rowcount


@functools.lru_cache(maxsize=None)
def default() -> HandoffStore:
    return HandoffStore(db.engine())
