"""The channel knowledge base: the reviewed data file `data/kb/channels.yml`, its validation, and
the copy in the database that the bot reads at run time. No Rasa import.

The file is the source of truth; `python -m bot.knowledge_base load` (or the first `default()` of a
process) copies it into the database when its sha256 changes. Strengths and fits use one scale:
0 absent or blocked, 1 weak, 2 present, 3 strong.
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import re
import sys
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import yaml
from sqlalchemy import (JSON, Boolean, Column, Float, ForeignKey, Integer, String, Text, delete,
                        insert, select, text, update)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, declarative_base

from bot import db, paths, vocabulary
from bot.vocabulary import fold
from bot.offerings import OFFERINGS
from bot.profile import OBJECTIVES

MARKETS = ("IT", "FR", "DE", "AT", "CH", "ES", "GB", "US", "CN", "RU", "JP", "KR", "TW", "TH", "IN",
           "BR", "other")
KINDS = ("social", "professional", "business", "directory", "news", "vertical", "messaging",
         "marketplace", "publishing")
REQUIREMENTS = ("local_entity", "sanctions", "moderation_rules", "verified_professionals")
AGE_BANDS = ("13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")
# `Channel.figure` looks figures up by exact metric and region, so a misspelt one would be hidden
# without a word: both are closed lists.
METRICS = ("monthly_users", "daily_users", "members", "registered", "share_of_internet_users",
           "reviews", "other")
FIGURE_REGIONS = ("world", "EU") + tuple(m for m in MARKETS if m != "other")
USER_METRICS = ("monthly_users", "members", "registered", "daily_users", "share_of_internet_users")
MIN_CHANNELS = 85  # issue 15: the verticals, marketplaces and directories that matter in Italy
FIRST_FIGURE_YEAR = 2000
MAX_ID_LENGTH = 64  # the width of the id columns
MAX_ALIAS_LENGTH = 255
ID_PATTERN = re.compile(r"^[a-z0-9_]+$")
@functools.lru_cache(maxsize=64)
def _folded(text: str) -> str:
    return fold(text)


_DENIED_BEFORE = re.compile(r"\b(non|senza|niente|ne)\b[^,.;]*$")
EMPTY_HINT = "knowledge base is empty: run python -m bot.knowledge_base load"

FIELDS = ("id", "name", "aliases", "kinds", "description", "audience", "strength", "sectors",
          "offerings", "objectives", "formats", "min_weekly_hours", "ads", "local", "requirements",
          "listening", "figures")
OPTIONAL_FIELDS = ("serves", "made_for", "not_for", "url")  # serves: required when `offerings` is not [any]
# Kinds that serve some offerings only: they must say which (issue 15), never "any".
SELECTIVE_KINDS = ("marketplace", "directory", "vertical")
AUDIENCE_FIELDS = ("ages", "b2b", "b2c")
FIGURE_FIELDS = ("text", "metric", "region", "value", "source", "year")


@dataclass(frozen=True)
class Figure:
    text: str  # Italian, ready to follow "ha ..."
    metric: str
    region: str
    value: Optional[float]  # percent for share metrics; None when the text has no single number
    source: str
    year: int


@dataclass(frozen=True)
class Channel:
    id: str
    name: str
    aliases: Tuple[str, ...]
    kinds: Tuple[str, ...]
    description: str
    ages: Tuple[str, ...]
    b2b: int
    b2c: int
    strength: Mapping[str, int]  # market -> 0..3, every market of MARKETS
    sectors: Tuple[str, ...]  # ("any",) for generalist channels
    offerings: Tuple[str, ...]  # what it serves (bot/offerings.py); ("any",) for social networks
    serves: str  # Italian, after "è fatto per": "annunci di oggetti, auto, case e lavoro"; "" for any
    made_for: Tuple[str, ...]  # word stems of what a user makes that it is built for: ("podcast",)
    # word stems of a description it is not for, though its sector matches: ("veterinar",) for a portal
    # of doctors for people
    not_for: Tuple[str, ...]
    objectives: Mapping[str, int]  # objective -> 0..3, every objective of OBJECTIVES
    formats: Tuple[str, ...]
    min_weekly_hours: float
    ads: bool
    local: bool  # found by people nearby (maps, local listings, neighbourhoods): for a local presence
    requirements: Tuple[str, ...]
    listening: str
    figures: Tuple[Figure, ...]
    url: str = ""  # the channel's own site (https), for the plan's "Vai a …" link; "" when not given

    def strength_in(self, market: str) -> int:
        return self.strength.get(market, self.strength["other"])

    def is_generalist(self) -> bool:
        return "any" in self.sectors

    def made_for_in(self, description: str) -> Optional[str]:
        """The word of the description that this channel is built for ("podcast"), unless denied
        ("non faccio video")."""
        return self._stem_in(self.made_for, description)

    def not_for_in(self, description: str) -> Optional[str]:
        """The word of the description that this channel is not for ("veterinaria"), unless denied."""
        return self._stem_in(self.not_for, description)

    @staticmethod
    def _stem_in(stems: Sequence[str], description: str) -> Optional[str]:
        folded = _folded(description)  # one description, read against every channel of a plan
        for stem in stems:
            for match in re.finditer(r"(?<!\w)" + re.escape(fold(stem)) + r"\w*", folded):
                if not _DENIED_BEFORE.search(folded[max(0, match.start() - 30):match.start()]):
                    return match.group(0)
        return None

    def serves_offering(self, offering: Optional[str]) -> bool:
        return offering is None or "any" in self.offerings or offering in self.offerings

    def figure(self, region: str, metrics: Sequence[str] = USER_METRICS) -> Optional[Figure]:
        """The first figure for the region, trying the metrics in the order given."""
        for metric in metrics:
            for figure in self.figures:
                if figure.region == region and figure.metric == metric:
                    return figure
        return None


@dataclass(frozen=True)
class KnowledgeBase:
    version: str
    reviewed: str
    channels: Mapping[str, Channel]  # id -> channel, in id order

    def get(self, channel_id: str) -> Optional[Channel]:
        return self.channels.get(channel_id)

    def all(self) -> List[Channel]:
        return sorted(self.channels.values(), key=lambda c: c.id)


class KnowledgeBaseError(ValueError):
    def __init__(self, message: str, problems: Sequence[str] = ()):
        super().__init__(message)
        self.problems = list(problems)


# ---------------------------------------------------------------------------------------------
# Reading and validating the file


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # C parser when built
    """PyYAML keeps the last of two equal keys without a word; in a reviewed file that would hide
    an edit (two `strength` lines, say), so a repeated key is an error."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                continue  # the base class reports unhashable keys
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark, f"duplicate key {key!r}",
                    key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def _parse(content: bytes, source: object) -> dict:
    try:
        return yaml.load(content, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as error:
        raise KnowledgeBaseError(f"{source}: not valid YAML: {error}") from error


def read_file(path: Path = paths.CHANNELS_FILE) -> dict:
    """The file as YAML data, not yet validated."""
    return _parse(Path(path).read_bytes(), path)


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # YAML `true` is an int in Python


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_scale(value: Any) -> bool:
    return _is_int(value) and 0 <= value <= 3


def _text_list(field: str, value: Any, allowed: Optional[Sequence[str]] = None,
               non_empty: bool = True) -> List[str]:
    if not isinstance(value, list) or not all(_is_text(v) for v in value):
        return [f"{field}: must be a list of non-empty strings"]
    if non_empty and not value:
        return [f"{field}: must not be empty"]
    unknown = [v for v in value if allowed is not None and v not in allowed]
    if unknown:
        return [f"{field}: unknown {', '.join(map(repr, unknown))} (allowed: {', '.join(allowed)})"]
    return []


def _scale_map(field: str, value: Any, keys: Sequence[str]) -> List[str]:
    if not isinstance(value, dict):
        return [f"{field}: must be a mapping of {', '.join(keys)} to 0..3"]
    problems = []
    missing = [k for k in keys if k not in value]
    unknown = [str(k) for k in value if k not in keys]
    if missing:
        problems.append(f"{field}: missing {', '.join(missing)}")
    if unknown:
        problems.append(f"{field}: unknown keys {', '.join(unknown)}")
    problems += [f"{field}: {k} is {v!r}, not an integer 0..3"
                 for k, v in value.items() if k in keys and not _is_scale(v)]
    return problems


def _figure_problems(index: int, figure: Any) -> List[str]:
    field = f"figures[{index}]"
    if not isinstance(figure, dict):
        return [f"{field}: must be a mapping of {', '.join(FIGURE_FIELDS)}"]
    problems = [f"{field}.{name}: missing or empty" for name in ("text", "metric", "region", "source")
                if not _is_text(figure.get(name))]
    problems += [f"{field}: unknown field {k}" for k in figure if k not in FIGURE_FIELDS]
    if _is_text(figure.get("metric")) and figure["metric"] not in METRICS:
        problems.append(f"{field}.metric: unknown {figure['metric']!r} (allowed: {', '.join(METRICS)})")
    if _is_text(figure.get("region")) and figure["region"] not in FIGURE_REGIONS:
        problems.append(f"{field}.region: unknown {figure['region']!r} "
                        f"(allowed: {', '.join(FIGURE_REGIONS)})")
    year, this_year = figure.get("year"), dt.date.today().year
    if not (_is_int(year) and FIRST_FIGURE_YEAR <= year <= this_year):
        problems.append(f"{field}.year: {year!r} is not a whole year {FIRST_FIGURE_YEAR}..{this_year}")
    if "value" not in figure:
        problems.append(f"{field}.value: missing (write `value: null` when there is no number)")
    elif figure["value"] is not None and not _is_number(figure["value"]):
        problems.append(f"{field}.value: {figure['value']!r} is not a number or null")
    elif (figure.get("metric") == "share_of_internet_users" and figure["value"] is not None
          and not 0 <= figure["value"] <= 100):
        problems.append(f"{field}.value: {figure['value']!r} is a share, so a percent 0..100")
    return problems


def _channel_problems(channel: dict, sectors: Iterable[str]) -> List[str]:
    """Problems of one channel on its own, each starting with the field's name."""
    problems = [f"{name}: missing" for name in FIELDS if name not in channel]
    problems += [f"{name}: unknown field" for name in channel if name not in FIELDS + OPTIONAL_FIELDS]
    get = channel.get
    cid = get("id")
    if "id" in channel and not (isinstance(cid, str) and ID_PATTERN.match(cid)
                                and len(cid) <= MAX_ID_LENGTH):
        problems.append(f"id: {cid!r} must match {ID_PATTERN.pattern}, at most {MAX_ID_LENGTH} long")
    for name in ("name", "description", "listening"):
        if name in channel and not _is_text(get(name)):
            problems.append(f"{name}: must be a non-empty string")
    if "aliases" in channel:
        aliases = get("aliases")
        shape = _text_list("aliases", aliases, non_empty=False)
        problems += shape
        if not shape:
            problems += [f"aliases: {a!r} must be lower case" for a in aliases if a != a.lower()]
            problems += [f"aliases: {a!r} is longer than {MAX_ALIAS_LENGTH}"
                         for a in aliases if len(a) > MAX_ALIAS_LENGTH]
    if "kinds" in channel:
        problems += _text_list("kinds", get("kinds"), KINDS)
    if "audience" in channel:
        audience = get("audience")
        if not isinstance(audience, dict):
            problems.append(f"audience: must be a mapping of {', '.join(AUDIENCE_FIELDS)}")
        else:
            problems += [f"audience.{name}: missing" for name in AUDIENCE_FIELDS if name not in audience]
            problems += [f"audience: unknown field {k}" for k in audience if k not in AUDIENCE_FIELDS]
            if "ages" in audience:
                problems += _text_list("audience.ages", audience["ages"], AGE_BANDS)
            problems += [f"audience.{name}: {audience[name]!r} is not an integer 0..3"
                         for name in ("b2b", "b2c") if name in audience and not _is_scale(audience[name])]
    if "strength" in channel:
        problems += _scale_map("strength", get("strength"), MARKETS)
    if "objectives" in channel:
        problems += _scale_map("objectives", get("objectives"), OBJECTIVES)
    if "sectors" in channel:
        value = get("sectors")
        if value != ["any"]:
            problems += _text_list("sectors", value, tuple(sectors))
    if "offerings" in channel:
        value = get("offerings")
        kinds = [k for k in get("kinds") if isinstance(k, str)] if isinstance(get("kinds"), list) else []
        selective = set(kinds) & set(SELECTIVE_KINDS)
        if value == ["any"]:
            if selective:
                problems.append(f"offerings: a {'/'.join(sorted(selective))} serves some offerings only: "
                                f"list them (allowed: {', '.join(OFFERINGS)})")
        else:
            problems += _text_list("offerings", value, tuple(OFFERINGS))
            if not _is_text(get("serves")):
                problems.append("serves: missing: say in Italian what it is for (\"annunci di oggetti, auto, "
                                "case e lavoro\"), for the plan's reasons")
    for stems in ("made_for", "not_for"):
        if stems in channel:
            problems += _text_list(stems, get(stems))
    if "url" in channel and not (_is_text(get("url")) and re.fullmatch(r"https://[\w.-]+\.[a-z]{2,}(/[\w./-]*)?",
                                                                        get("url"))):
        problems.append(f"url: {get('url')!r} is not the https address of the channel's site")
    if "formats" in channel:
        problems += _text_list("formats", get("formats"))
    if "min_weekly_hours" in channel:
        hours = get("min_weekly_hours")
        if not (_is_number(hours) and hours > 0):
            problems.append(f"min_weekly_hours: {hours!r} is not a number of hours above 0")
    for flag in ("ads", "local"):
        if flag in channel and not isinstance(get(flag), bool):
            problems.append(f"{flag}: {get(flag)!r} is not true or false")
    if "requirements" in channel:
        problems += _text_list("requirements", get("requirements"), REQUIREMENTS, non_empty=False)
    if "figures" in channel:
        figures = get("figures")
        if not isinstance(figures, list):
            problems.append("figures: must be a list (`[]` when there is none)")
        else:
            for index, figure in enumerate(figures):
                problems += _figure_problems(index, figure)
    return problems


def _reserved_aliases(voc: vocabulary.Vocabulary) -> Dict[str, str]:
    """Folded aliases of places, sectors and professions -> what they name, for messages."""
    reserved = {}
    for label in (vocabulary.PLACE, vocabulary.SECTOR, vocabulary.PROFESSION):
        for alias, cid in voc.aliases.get(label, {}).items():
            reserved[alias] = f"{label} '{cid}'"
    return reserved


def upgrade(raw: dict) -> dict:
    """A file of an earlier release read as the current schema would read it, for comparisons
    (`make kb-diff --rev`): channels without `offerings` served any offering, and an objective added
    later (bookings, donations, volunteers) had no fit. Not for loading."""
    def channel(c: dict) -> dict:
        objectives = c.get("objectives")
        if isinstance(objectives, dict):
            c = {**c, "objectives": {**{o: 0 for o in OBJECTIVES}, **objectives}}
        return {"offerings": ["any"], **c}

    upgraded = dict(raw)
    upgraded["channels"] = [channel(c) if isinstance(c, dict) else c for c in raw.get("channels") or []]
    return upgraded


def validate(raw: dict, voc: Optional[vocabulary.Vocabulary] = None, legacy: bool = False) -> List[str]:
    """Every problem of the file's data; an empty list when it is valid. `legacy`: a file of an
    earlier release (see `upgrade`), held to the shape of each channel only."""
    if not isinstance(raw, dict):
        return ["file: must be a mapping with version, reviewed and channels"]
    problems = []
    if not _is_text(raw.get("version")):
        problems.append("version: missing or not a string (quote it)")
    reviewed = raw.get("reviewed")
    try:
        dt.date.fromisoformat(reviewed)
    except (TypeError, ValueError):
        problems.append(f"reviewed: {reviewed!r} is not a quoted date \"YYYY-MM-DD\"")
    problems += [f"file: unknown field {k}" for k in raw if k not in ("version", "reviewed", "channels")]
    channels = raw.get("channels")
    if not isinstance(channels, list):
        return problems + ["channels: missing or not a list"]
    if len(channels) < MIN_CHANNELS and not legacy:
        problems.append(f"channels: {len(channels)} channels, at least {MIN_CHANNELS} needed")

    voc = voc or vocabulary.default()
    reserved = _reserved_aliases(voc)
    ids, kinds_used = set(), set()
    alias_owner: Dict[str, str] = {}  # folded alias -> channel id
    for index, channel in enumerate(channels):
        if not isinstance(channel, dict):
            problems.append(f"channel #{index + 1}: not a mapping")
            continue
        cid = channel.get("id")
        label = cid if _is_text(cid) else f"#{index + 1}"
        own = _channel_problems(channel, voc.sectors)
        if legacy:  # an earlier release's marketplaces served any offering
            own = [p for p in own if not p.startswith("offerings: a ")]
        if _is_text(cid):
            if cid in ids:
                own.append("id: used by another channel")
            ids.add(cid)
        if isinstance(channel.get("kinds"), list):
            kinds_used.update(k for k in channel["kinds"] if isinstance(k, str))
        # The vocabulary also recognises a channel by its name, so names join the aliases here.
        aliases = channel.get("aliases") if isinstance(channel.get("aliases"), list) else []
        names = [("name", channel.get("name"))] + [("aliases", a) for a in aliases]
        for field, alias in names:
            if not _is_text(alias):
                continue
            key = vocabulary.fold(alias)
            if key in reserved:
                own.append(f"{field}: {alias!r} is also the vocabulary's {reserved[key]}")
            elif alias_owner.setdefault(key, label) != label:
                own.append(f"{field}: {alias!r} is also used by channel {alias_owner[key]}")
        problems += [f"channel {label}, {p}" for p in own]
    problems += [f"channels: no channel has kind {k}" for k in KINDS if k not in kinds_used]
    return problems


def _figure(raw: dict) -> Figure:
    value = raw["value"]
    return Figure(text=raw["text"], metric=raw["metric"], region=raw["region"],
                  value=None if value is None else float(value), source=raw["source"],
                  year=raw["year"])


def _channel(raw: dict) -> Channel:
    audience = raw["audience"]
    return Channel(
        id=raw["id"], name=raw["name"], aliases=tuple(raw["aliases"]), kinds=tuple(raw["kinds"]),
        description=raw["description"], ages=tuple(audience["ages"]), b2b=audience["b2b"],
        b2c=audience["b2c"], strength={m: raw["strength"][m] for m in MARKETS},
        sectors=tuple(raw["sectors"]), offerings=tuple(raw["offerings"]), serves=raw.get("serves") or "",
        made_for=tuple(raw.get("made_for") or ()), not_for=tuple(raw.get("not_for") or ()),
        objectives={o: raw["objectives"][o] for o in OBJECTIVES},
        formats=tuple(raw["formats"]), min_weekly_hours=float(raw["min_weekly_hours"]),
        ads=raw["ads"], local=raw["local"], requirements=tuple(raw["requirements"]),
        listening=raw["listening"],
        figures=tuple(_figure(f) for f in raw["figures"]), url=raw.get("url") or "")


def from_dict(raw: dict, legacy: bool = False) -> KnowledgeBase:
    problems = validate(raw, legacy=legacy)
    if problems:
        raise KnowledgeBaseError(
            f"{len(problems)} problem(s) in the knowledge base:\n" + "\n".join(problems), problems)
    channels = sorted((_channel(c) for c in raw["channels"]), key=lambda c: c.id)
    return KnowledgeBase(version=raw["version"], reviewed=raw["reviewed"],
                         channels={c.id: c for c in channels})


def from_file(path: Path = paths.CHANNELS_FILE) -> KnowledgeBase:
    return from_dict(read_file(path))


# ---------------------------------------------------------------------------------------------
# The copy in the database

Base = declarative_base()  # separate from the profile store's: each module creates its own tables


class MetaRow(Base):
    __tablename__ = "kb_meta"

    key = Column(String(64), primary_key=True)  # version, reviewed, file_sha256, loaded_at
    value = Column(Text, nullable=False)


class ChannelRow(Base):
    __tablename__ = "kb_channels"

    id = Column(String(MAX_ID_LENGTH), primary_key=True)
    name = Column(Text, nullable=False)
    description = Column(Text, nullable=False)
    kinds = Column(JSON, nullable=False)
    ages = Column(JSON, nullable=False)
    b2b = Column(Integer, nullable=False)
    b2c = Column(Integer, nullable=False)
    strength = Column(JSON, nullable=False)
    sectors = Column(JSON, nullable=False)
    offerings = Column(JSON, nullable=False)
    serves = Column(Text, nullable=False)
    made_for = Column(JSON, nullable=False)
    not_for = Column(JSON, nullable=False)
    objectives = Column(JSON, nullable=False)
    formats = Column(JSON, nullable=False)
    min_weekly_hours = Column(Float, nullable=False)
    ads = Column(Boolean, nullable=False)
    local = Column(Boolean, nullable=False)
    requirements = Column(JSON, nullable=False)
    listening = Column(Text, nullable=False)
    url = Column(Text, nullable=False)


class AliasRow(Base):
    __tablename__ = "kb_aliases"

    alias = Column(String(MAX_ALIAS_LENGTH), primary_key=True)
    channel_id = Column(String(MAX_ID_LENGTH), ForeignKey("kb_channels.id"), nullable=False,
                        index=True)
    position = Column(Integer, nullable=False)  # keeps the file's order, so round trips are exact


class FigureRow(Base):
    __tablename__ = "kb_figures"

    id = Column(Integer, primary_key=True, autoincrement=True)
    channel_id = Column(String(MAX_ID_LENGTH), ForeignKey("kb_channels.id"), nullable=False,
                        index=True)
    position = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)
    metric = Column(String(64), nullable=False)
    region = Column(String(64), nullable=False)
    value = Column(Float, nullable=True)
    source = Column(Text, nullable=False)
    year = Column(Integer, nullable=False)


def _channel_rows(kb: KnowledgeBase) -> List[dict]:
    return [dict(id=c.id, name=c.name, description=c.description, kinds=list(c.kinds),
                 ages=list(c.ages), b2b=c.b2b, b2c=c.b2c, strength=dict(c.strength),
                 sectors=list(c.sectors), offerings=list(c.offerings), serves=c.serves, made_for=list(c.made_for),
                 not_for=list(c.not_for), objectives=dict(c.objectives), formats=list(c.formats),
                 min_weekly_hours=c.min_weekly_hours, ads=c.ads, local=c.local,
                 requirements=list(c.requirements),
                 listening=c.listening, url=c.url) for c in kb.all()]


def _alias_rows(kb: KnowledgeBase) -> List[dict]:
    return [dict(alias=a, channel_id=c.id, position=i)
            for c in kb.all() for i, a in enumerate(c.aliases)]


def _figure_rows(kb: KnowledgeBase) -> List[dict]:
    return [dict(channel_id=c.id, position=i, text=f.text, metric=f.metric, region=f.region,
                 value=f.value, source=f.source, year=f.year)
            for c in kb.all() for i, f in enumerate(c.figures)]


def _insert(session: Session, row: type, values: List[dict]) -> None:
    if values:  # an insert with an empty list would add one row of defaults
        session.execute(insert(row), values)


class KnowledgeBaseStore:
    def __init__(self, engine: Engine):
        self.engine = engine
        self._rebuild_if_columns_changed()
        Base.metadata.create_all(engine)

    def _rebuild_if_columns_changed(self) -> None:
        """The tables are a copy of the file, not data of their own: when a release adds a column
        (issue 15's `offerings`), they are dropped and created again, and the next load fills them."""
        from sqlalchemy import inspect

        inspector = inspect(self.engine)
        if not inspector.has_table(ChannelRow.__tablename__):
            return
        stored = {c["name"] for c in inspector.get_columns(ChannelRow.__tablename__)}
        if stored != {c.name for c in ChannelRow.__table__.columns}:
            Base.metadata.drop_all(self.engine)

    def stored_hash(self) -> Optional[str]:
        with Session(self.engine) as session:
            return self._hash_in(session)

    def load(self, path: Path = paths.CHANNELS_FILE) -> bool:
        """Replace the stored knowledge base with the file's, in one transaction. False, with
        nothing written, when the file is the one already stored."""
        content = Path(path).read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        if self.stored_hash() == digest:
            return False
        kb = from_dict(_parse(content, path))  # invalid data never reaches the database
        with Session(self.engine) as session, session.begin():
            self._lock(session)
            # Another process may have loaded the same file while we were validating.
            if self._hash_in(session) == digest:
                return False
            for row in (FigureRow, AliasRow, ChannelRow, MetaRow):  # children before parents
                session.execute(delete(row))
            _insert(session, ChannelRow, _channel_rows(kb))
            _insert(session, AliasRow, _alias_rows(kb))
            _insert(session, FigureRow, _figure_rows(kb))
            loaded_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
            session.execute(insert(MetaRow), [
                dict(key="version", value=kb.version), dict(key="reviewed", value=kb.reviewed),
                dict(key="file_sha256", value=digest), dict(key="loaded_at", value=loaded_at)])
        return True

    @staticmethod
    def _hash_in(session: Session) -> Optional[str]:
        return session.execute(select(MetaRow.value).where(MetaRow.key == "file_sha256")).scalar()

    @staticmethod
    def _lock(session: Session) -> None:
        """Serialise loaders (several action-server workers start together): without it two
        replacements interleave and the second fails on duplicate keys."""
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("LOCK TABLE kb_meta IN EXCLUSIVE MODE"))
        else:
            # A write as the transaction's first statement takes SQLite's single-writer lock now
            # (waiting for the other writer), so the hash read next is the committed one.
            session.execute(update(MetaRow).where(MetaRow.key == "file_sha256")
                            .values(value=MetaRow.value))

    def read(self) -> KnowledgeBase:
        # Each SELECT sees the latest commit (READ COMMITTED, SQLite autocommit reads): if a load
        # lands between them, read again rather than mix two versions.
        for _ in range(5):
            with Session(self.engine) as session:
                meta = dict(session.execute(select(MetaRow.key, MetaRow.value)).all())
                if "file_sha256" not in meta:
                    raise KnowledgeBaseError(EMPTY_HINT)
                channels = session.execute(select(ChannelRow).order_by(ChannelRow.id)).scalars().all()
                aliases = session.execute(select(AliasRow.channel_id, AliasRow.alias)
                                          .order_by(AliasRow.channel_id, AliasRow.position)).all()
                figures = session.execute(select(FigureRow)
                                          .order_by(FigureRow.channel_id, FigureRow.position)
                                          ).scalars().all()
                if self._hash_in(session) == meta["file_sha256"]:
                    return _from_rows(meta, channels, aliases, figures)
        raise KnowledgeBaseError("the knowledge base kept changing while being read")


def _from_rows(meta: Mapping[str, str], channels: Sequence[ChannelRow],
               aliases: Sequence[Tuple[str, str]], figures: Sequence[FigureRow]) -> KnowledgeBase:
    aliases_of: Dict[str, List[str]] = {}
    for channel_id, alias in aliases:
        aliases_of.setdefault(channel_id, []).append(alias)
    figures_of: Dict[str, List[Figure]] = {}
    for f in figures:
        figures_of.setdefault(f.channel_id, []).append(
            Figure(text=f.text, metric=f.metric, region=f.region, value=f.value, source=f.source,
                   year=f.year))
    built = {}
    for r in channels:
        built[r.id] = Channel(
            id=r.id, name=r.name, aliases=tuple(aliases_of.get(r.id, ())), kinds=tuple(r.kinds),
            description=r.description, ages=tuple(r.ages), b2b=r.b2b, b2c=r.b2c,
            strength={m: r.strength[m] for m in MARKETS}, sectors=tuple(r.sectors),
            offerings=tuple(r.offerings), serves=r.serves, made_for=tuple(r.made_for),
            not_for=tuple(r.not_for), objectives={o: r.objectives[o] for o in OBJECTIVES}, formats=tuple(r.formats),
            min_weekly_hours=r.min_weekly_hours, ads=r.ads, local=r.local,
            requirements=tuple(r.requirements),
            listening=r.listening, figures=tuple(figures_of.get(r.id, ())), url=r.url)
    return KnowledgeBase(version=meta["version"], reviewed=meta["reviewed"], channels=built)


@functools.lru_cache(maxsize=None)
def default() -> KnowledgeBase:
    """The process's knowledge base: the database copy, refreshed first if the file changed."""
    store = KnowledgeBaseStore(db.engine())
    store.load()
    return store.read()


# ---------------------------------------------------------------------------------------------
# Command line


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.knowledge_base",
                                     description="Validate the channel data file or load it.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="list the problems of a channel data file")
    check.add_argument("file", nargs="?", type=Path, default=paths.CHANNELS_FILE)
    load = commands.add_parser("load", help="copy data/kb/channels.yml into the database")
    load.add_argument("--url", help="SQLAlchemy database URL (default: BUSSOLA_DATABASE_URL, "
                                    "else SQLite in the state folder)")
    args = parser.parse_args(argv)

    if args.command == "validate":
        try:
            raw = read_file(args.file)
            problems = validate(raw)
        except (OSError, KnowledgeBaseError) as error:
            problems = [str(error)]
        if problems:
            print("\n".join(problems))
            print(f"{len(problems)} problem(s) in {args.file}")
            return 1
        print(f"OK: {len(raw['channels'])} channels, version {raw['version']}")
        return 0

    store = KnowledgeBaseStore(db.engine(args.url))
    try:
        loaded = store.load()
    except KnowledgeBaseError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"loaded {len(store.read().channels)} channels" if loaded else "already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
