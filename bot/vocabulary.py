"""Closed vocabularies: places, sectors, professions and channel names.

One loader for `data/vocabulary.yml` and the channel names of `data/kb/channels.yml`. It feeds the
spaCy entity ruler (patterns), the NLU synonyms, and turns whatever text or value an entity carries
into the canonical id the profile stores.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import yaml

from bot import comuni, paths
from bot.folding import fold  # noqa: F401  (imported from here by most modules)

# Entity labels the rule-based extractor produces.
PLACE, SECTOR, PROFESSION, CHANNEL = "place", "sector", "profession", "channel"
RULER_LABELS = (PLACE, SECTOR, PROFESSION, CHANNEL)


WHOLE_WORD = "="  # the mark of a keyword stem that must be a whole word (data/vocabulary.yml)


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
        found = self.positions_in_text(entity, text)
        return sorted(found, key=found.get)

    def positions_in_text(self, entity: str, text: str) -> Dict[str, int]:
        """Each canonical value whose stem starts a word of the text, with where it first appears."""
        folded, found = fold(text), {}
        for pattern, value in self._keyword_patterns.get(entity, ()):
            match = pattern.search(folded)
            if match and (value not in found or match.start() < found[value]):
                found[value] = match.start()
        return found

    @functools.cached_property
    def _keyword_patterns(self) -> Dict[str, Tuple[Tuple["re.Pattern[str]", str], ...]]:
        """The keywords' stems compiled once (hundreds of them: compiled on each call they pushed
        the readers' own patterns out of `re`'s cache). A stem ending in "=" is a whole word: "ets="
        (ente del terzo settore) is not Etsy."""
        return {entity: tuple((re.compile(r"(?<![\w])" + re.escape(stem.rstrip(WHOLE_WORD))
                                          + (r"(?!\w)" if stem.endswith(WHOLE_WORD) else "")), value)
                              for stem, value in pairs)
                for entity, pairs in self.keywords.items()}

    def named_in_text(self, label: str, text: str, typos: bool = True) -> List[str]:
        """Canonical ids of the aliases of `label` (place, sector, profession, channel) that the text
        names, in text order, the longest first where two overlap ("Reggio Emilia" is not Emilia);
        with `typos`, a word of five letters or more also matches an alias one or two letters away
        ("ristorazzione", "instagarm"). For answers the entity ruler missed."""
        return [cid for _, _, cid in self.spans(label, text, typos)]

    @staticmethod
    def _normalised(text: str) -> str:
        """`fold(text)` with punctuation as spaces, one character for one, between two spaces: a
        position here is the same position in `fold(text)` plus one."""
        return " " + re.sub(r"[^\w'&.+-]|\.(?!\w)", " ", fold(text)) + " "

    def spans(self, label: str, text: str, typos: bool = True) -> List[Tuple[int, int, str]]:
        """(start, end, canonical id) of what `named_in_text` finds, in text order."""
        folded = self._normalised(text)
        table = self.aliases.get(label, {})
        matches = []
        squeezed = re.sub(r" +", " ", folded)
        for alias, cid in table.items():
            if " " + alias + " " not in squeezed:  # most aliases: not in the text at all
                continue
            # "tutta, Italia" names "tutta italia": spaces of any length between an alias's words
            for match in re.finditer(r"(?<= )" + r" +".join(map(re.escape, alias.split(" "))) + r"(?= )", folded):
                matches.append((match.start(), match.end(), cid))
        typo_matches: List[Tuple[int, int, str]] = []
        if typos:
            singles = self._typo_targets.get(label, ())
            tokens = [(m.start(), m.group(0)) for m in re.finditer(r"\S+", folded)]
            grams = tokens + [(a[0], a[1] + " " + b[1]) for a, b in zip(tokens, tokens[1:])]
            for at, gram in grams:
                meant = comuni.typo_of(gram, singles, cutoff=0.86, shortest=5)  # "libero" is a word, not "libro"
                if meant:
                    typo_matches.append((at, at + len(gram), table[meant]))
        kept: List[Tuple[int, int, str]] = []
        # the longest first, but a word written right before any typo: "gelateria artigianale" is the
        # alias "gelateria", not two words one letter from "sartoria artigianale"
        for start, end, cid in [*sorted(matches, key=lambda m: m[0] - m[1]),
                                *sorted(typo_matches, key=lambda m: m[0] - m[1])]:
            if all(end <= s or start >= e for s, e, _ in kept):
                kept.append((start, end, cid))
        out: List[Tuple[int, int, str]] = []
        for start, end, cid in sorted(kept):
            if cid not in [c for _, _, c in out]:
                out.append((start, end, cid))
        return out

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

    @functools.cached_property
    def _typo_targets(self) -> Dict[str, Tuple[str, ...]]:
        """Per label, the aliases a typo may stand for (five letters or more), built once."""
        return {label: tuple(a for a in table if len(a) >= 5) for label, table in self.aliases.items()}

    @functools.cached_property
    def bare_channel_names(self) -> Dict[str, str]:
        """Channel names that are everyday words, kept out of the aliases with a suffix ("subito.it",
        "medium.com", "line app"): the bare word -> the channel's id."""
        aliases, bare = self.aliases.get(CHANNEL, {}), {}
        for alias, cid in self.raw_aliases.get(CHANNEL, []):
            word = re.sub(r"\.(it|com|net|org|io)$|\s+(app|messenger|blog)$", "", fold(alias))
            if word != fold(alias) and re.fullmatch(r"[a-z]+", word) and word not in aliases:
                bare[word] = cid
        return bare

    @functools.cached_property
    def area_names(self) -> Dict[str, str]:
        """Folded display names of regions, countries and areas ("marche", "emilia-romagna")."""
        return {fold(p.name): pid for pid, p in self.places.items() if p.kind != "city"}

    def places_in_text(self, text: str) -> List[str]:
        """Place ids a text names: the vocabulary's places and aliases (with typos), then any Italian
        comune ("La Spezia, vicino al porto")."""
        normalised = self._normalised(text)

        def negated(start: int) -> bool:  # "Torino, non Milano"
            return bool(re.search(r"\b(non|no|tranne|eccetto|escluso|esclusa|ma non)\s*$", normalised[:start]))

        spans = self.spans(PLACE, text)
        found = [cid for start, _, cid in spans if not negated(start)]
        if re.search(r"\b(lo stivale|la penisola(?!\s+[a-z])|bel ?paese)\b", fold(text)) and "italia" in self.places \
                and "italia" not in found:
            found.append("italia")  # "in tutto lo Stivale"
        for name, pid in self.area_names.items():  # "Marche", said where a place is asked
            if re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", fold(text)) and pid not in found:
                found.append(pid)
        rest = fold(text)
        for start, end, _ in spans:  # what the aliases named is not read again as a comune; an "a" stands
            # in its place, so that a comune listed after it is read as a place ("Bolzano, Merano e…")
            rest = rest[:start - 1] + ("a" + " " * (end - start - 1) if end - start > 1 else " ") + rest[end - 1:]
        for town in comuni.in_text(_same_case(text, rest)):
            pid = town.id if town.id in self.places else self.aliases.get(PLACE, {}).get(fold(town.name))
            at = normalised.find(" " + fold(town.name) + " ")
            if pid and pid not in found and not (at >= 0 and negated(at + 1)):
                found.append(pid)
        # "vendo su Amazon.it e Amazon.de": a web address's country ending names that country's market
        for address in re.findall(r"[\w.@-]*\w\.[a-z.]*[a-z]", fold(text)):
            pid = self.country_domains.get(address.rsplit(".", 1)[-1])  # "amazon.co.uk": "uk"
            if "@" not in address and pid and pid not in found:
                found.append(pid)
        return found

    @functools.cached_property
    def country_domains(self) -> Dict[str, str]:
        """Country-code domain endings ("de", "it", "uk") -> the place of that country."""
        domains = {place.markets[0].lower(): pid for pid, place in self.places.items()
                   if place.kind == "country" and len(place.markets) == 1 and place.markets[0] != "other"}
        if "gb" in domains:
            domains["uk"] = domains["gb"]
        domains.pop("in", None)  # "Milano.In più": a missing space, not India
        return domains

    def place_name(self, pid: str) -> str:
        return self.places[pid].name if pid in self.places else pid

    def sector_name(self, sid: str) -> str:
        return self.sectors.get(sid, {}).get("name", sid)

    def channel_name(self, cid: str) -> str:
        return self.channels.get(cid, cid)


def _same_case(original: str, folded: str) -> str:
    """`folded` (same length as `fold(original)` here) with the capital letters of `original` where
    the two still agree: the comuni lookup needs to see "Sale" written with a capital."""
    if len(original) != len(folded):
        return folded
    return "".join(o if fold(o) == f else f for o, f in zip(original, folded))


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
    for town in comuni.table().values():  # every other Italian municipality, outside the ruler
        if town.id not in places and town.region in data["regions"]:
            places[town.id] = Place(town.id, town.name, "city", ("IT",), region=town.region)
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
