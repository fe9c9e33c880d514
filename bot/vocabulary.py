"""Closed vocabularies: places, sectors, professions and channel names.

One loader for `data/vocabulary.yml` and the channel names of `data/kb/channels.yml`. It feeds the
spaCy entity ruler (patterns), the NLU synonyms, and turns whatever text or value an entity carries
into the canonical id the profile stores.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import yaml

from bot import paths

# Entity labels the rule-based extractor produces.
PLACE, SECTOR, PROFESSION, CHANNEL = "place", "sector", "profession", "channel"
RULER_LABELS = (PLACE, SECTOR, PROFESSION, CHANNEL)


def fold(text: str) -> str:
    """Lower-case, strip accents, unify apostrophes and whitespace: the key every lookup uses."""
    text = text.replace("\u2019", "'").replace("`", "'").lower()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    kind: str  # city, region, country, area
    markets: Tuple[str, ...]  # knowledge-base market keys (IT, DE, ..., other)
    region: Optional[str] = None


@dataclass
class Vocabulary:
    version: str
    places: Dict[str, Place]
    sectors: Dict[str, dict]
    professions: Dict[str, dict]
    channels: Dict[str, str]  # id -> display name
    # label -> {folded alias -> canonical id}
    aliases: Dict[str, Dict[str, str]] = field(default_factory=dict)
    raw_aliases: Dict[str, List[Tuple[str, str]]] = field(default_factory=dict)
    # entity -> [(folded stem, canonical value)] in the order they are tried
    keywords: Dict[str, List[Tuple[str, str]]] = field(default_factory=dict)

    def values_in_text(self, entity: str, text: str) -> List[str]:
        """Canonical values whose stems start a word of the text (see `keywords`), in text order."""
        folded, found = fold(text), {}
        for stem, value in self.keywords.get(entity, []):
            match = re.search(r"(?<![\w])" + re.escape(stem), folded)
            if match and value not in found:
                found[value] = match.start()
        return sorted(found, key=found.get)

    def canonical(self, label: str, value: object) -> Optional[str]:
        """The canonical id for an entity value (alias, display name or id), or None."""
        if value is None:
            return None
        key = fold(str(value))
        table = self.aliases.get(label, {})
        if key in table:
            return table[key]
        ids = {fold(i): i for i in self._ids(label)}
        return ids.get(key) or ids.get(key.replace(" ", "_"))

    def _ids(self, label: str) -> Iterable[str]:
        return {PLACE: self.places, SECTOR: self.sectors, PROFESSION: self.professions,
                CHANNEL: self.channels}[label].keys()

    def alias_pairs(self) -> List[Tuple[str, str, str]]:
        """(label, alias as written, canonical id) for every alias, accent-free variants included."""
        out = []
        for label, table in self.raw_aliases.items():
            for alias, cid in table:
                out.append((label, alias, cid))
        return out

    def place_name(self, pid: str) -> str:
        return self.places[pid].name if pid in self.places else pid

    def sector_name(self, sid: str) -> str:
        return self.sectors.get(sid, {}).get("name", sid)

    def channel_name(self, cid: str) -> str:
        return self.channels.get(cid, cid)


class VocabularyError(ValueError):
    pass


def _variants(alias: str) -> List[str]:
    alias = alias.strip().lower()
    out = [alias]
    plain = fold(alias)
    if plain != alias:
        out.append(plain)
    if "'" in alias:
        out.append(alias.replace("'", "\u2019"))
    return out


def load(vocabulary_file: Path = paths.VOCABULARY_FILE,
         channels_file: Path = paths.CHANNELS_FILE) -> Vocabulary:
    data = yaml.safe_load(Path(vocabulary_file).read_text(encoding="utf-8"))
    channels_data = {}
    if Path(channels_file).exists():
        channels_data = yaml.safe_load(Path(channels_file).read_text(encoding="utf-8")) or {}

    places: Dict[str, Place] = {}
    raw: Dict[str, List[Tuple[str, str]]] = {label: [] for label in RULER_LABELS}
    for pid, p in data["places"].items():
        places[pid] = Place(pid, p["name"], p["kind"], tuple(p["countries"]))
        raw[PLACE] += [(a, pid) for a in p["aliases"]]
    for rid, r in data["regions"].items():
        places[rid] = Place(rid, r["name"], "region", ("IT",))
        raw[PLACE] += [(a, rid) for a in r["aliases"]]
    for cid, c in data["cities"].items():
        if c["region"] not in data["regions"]:
            raise VocabularyError(f"city {cid}: unknown region {c['region']}")
        places[cid] = Place(cid, c["name"], "city", ("IT",), region=c["region"])
        raw[PLACE] += [(a, cid) for a in c["aliases"]]
    for sid, s in data["sectors"].items():
        raw[SECTOR] += [(a, sid) for a in s["aliases"]]
    for pid, p in data["professions"].items():
        if p["sector"] not in data["sectors"]:
            raise VocabularyError(f"profession {pid}: unknown sector {p['sector']}")
        raw[PROFESSION] += [(a, pid) for a in p["aliases"]]
    channels = {}
    for ch in channels_data.get("channels", []):
        channels[ch["id"]] = ch["name"]
        raw[CHANNEL] += [(a, ch["id"]) for a in {ch["name"].lower(), *ch.get("aliases", [])}]

    aliases: Dict[str, Dict[str, str]] = {label: {} for label in RULER_LABELS}
    owner: Dict[str, Tuple[str, str]] = {}
    for label in RULER_LABELS:
        for alias, cid in raw[label]:
            key = fold(alias)
            if key in owner and owner[key] != (label, cid):
                raise VocabularyError(
                    f"alias '{alias}' is used by {owner[key][0]} '{owner[key][1]}' and {label} '{cid}'")
            owner[key] = (label, cid)
            aliases[label][key] = cid
    raw_expanded = {label: [(v, cid) for alias, cid in pairs for v in _variants(alias)]
                    for label, pairs in raw.items()}
    keywords = {entity: [(fold(stem), value) for value, stems in table.items() for stem in stems]
                for entity, table in (data.get("keywords") or {}).items()}
    return Vocabulary(version=str(data["version"]), places=places, sectors=data["sectors"],
                      professions=data["professions"], channels=channels, aliases=aliases,
                      raw_aliases=raw_expanded, keywords=keywords)


@functools.lru_cache(maxsize=1)
def default() -> Vocabulary:
    """The project's vocabulary, loaded once per process."""
    return load()
