"""Confirmed profiles, stored through SQLAlchemy (2.0 style on the pinned 1.4)."""
from __future__ import annotations

import datetime as dt
import functools
from typing import Any, Dict, List, Optional

from sqlalchemy import JSON, Column, DateTime, Integer, String, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, declarative_base

from bot import db

Base = declarative_base()


class ProfileRecord(Base):
    __tablename__ = "profiles"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), index=True, nullable=False)
    data = Column(JSON, nullable=False)
    created_at = Column(DateTime, nullable=False, default=lambda: dt.datetime.now(dt.timezone.utc))


class ProfileStore:
    def __init__(self, engine: Engine):
        self.engine = engine
        Base.metadata.create_all(engine)

    def save(self, sender_id: str, data: Dict[str, Any]) -> int:
        with Session(self.engine) as session, session.begin():
            record = ProfileRecord(sender_id=sender_id, data=data)
            session.add(record)
            session.flush()
            return record.id

    def latest(self, sender_id: str) -> Optional[Dict[str, Any]]:
        with Session(self.engine) as session:
            stmt = (select(ProfileRecord.data).where(ProfileRecord.sender_id == sender_id)
                    .order_by(ProfileRecord.id.desc()).limit(1))
            return session.execute(stmt).scalar_one_or_none()

    def count(self, sender_id: str) -> int:
        with Session(self.engine) as session:
            return len(session.execute(select(ProfileRecord.id).where(
                ProfileRecord.sender_id == sender_id)).all())

    def senders(self) -> List[str]:
        with Session(self.engine) as session:
            return list(session.execute(select(ProfileRecord.sender_id).distinct()).scalars())


@functools.lru_cache(maxsize=None)
def default() -> ProfileStore:
    """The process's store, created once (not per message)."""
    return ProfileStore(db.engine())
