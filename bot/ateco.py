"""Sectors from ISTAT's ATECO 2025 classification, read from a free-text description.

The `ateco` package ships the classification offline: about 3,200 codes, each with an Italian
title and explanatory notes listing what it includes ("attività di studi di tatuaggi e piercing",
"affittacamere per brevi soggiorni", "gestione di ricevitorie del lotto"). Each title and each line
of a code's inclusion notes becomes a short document of lemmas; a description is matched against
them with IDF weights, so the rare word that names the trade ("tatuaggi", "apicoltura") decides,
not the common ones ("attività", "servizi"). `data/ateco_sectors.yml` maps each code, by its longest
prefix, to one of the bot's sectors.

The bot's own vocabulary (data/vocabulary.yml: "pizzeria", "B&B", "food truck") is read first
(bot/interview.py); this is the fallback that covers the activities nobody listed, and the source
of the ATECO code the profile and the sales brief carry.
"""
from __future__ import annotations

import functools
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from typing import Dict, FrozenSet, List, Optional, Tuple

import yaml

from bot import comuni, paths
from bot.vocabulary import fold

SECTORS_FILE = paths.DATA / "ateco_sectors.yml"
EDITION = "2025"
# Index only codes this fine: a class (96.99) or below names a trade; a division is too broad to
# match a description against.
LEVELS = ("class", "category", "subcategory")
# A match needs this much evidence: one rare word (IDF above ~4, in a few dozen lines at most) or
# two ordinary ones. Calibrated on tests/bot/test_ateco.py's own examples, not on the held-out corpus.
MIN_SCORE = 4.0

# Words that carry no trade: the classification's own boilerplate and Italian function words.
_STOP = frozenset("""
a ad al alla alle allo ai agli all anche altri altre altro attivita attivita' che ci con cui da dal
dalla dalle dai degli dei del della delle dello di e ed es esempio escluso esclusi esclusa escluse
fra gli i il in inclusa incluse incluso inclusi la le lo ma nca n.c.a ne nei nel nella nelle nello
non o od per piu poi presso quale quali se senza sia sono su sul sulla sulle sui tra un una uno
servizio servizi prodotto prodotti produzione fabbricazione commercio dettaglio ingrosso gestione
tipo vario varie vari genere generi altro altri simili connesso connessi connesse relativo relativi
relative attivita parte conto terzi proprio propri uso base sede forniture fornitura
io noi mio mia miei nostro nostra nostri nostre faccio facciamo fare ho abbiamo sono siamo lavoro
lavoriamo nostro cosa come molto poco tanto tutto tutti sempre ogni ancora gia soprattutto
centro zona cliente clienti studio studi ufficio comune
ciao salve buongiorno buonasera grazie bene male stare essere avere andare volere potere dovere sapere
dire vedere venire dare stai sta sto va vado
quello quella quelli quelle questo questa cose cosa anni anno giorno giorni passione bello bella belle
bravo bravi brava qualita esperienza tradizione storia successo tanti tante tanto vent trent
capita capitare dipende dipendere
mettere prendere tenere portare lavorare cercare trovare usare creare offrire aiutare seguire gestire
pensare sentire parlare chiedere provare riuscire cominciare iniziare continuare piacere
""".split())
# (A filter on verbs was tried: "ricerca", "gratta e vinci" are verb forms too, and it lost more
# trades than it saved. Answers with no trade in them are caught by these words and MIN_SCORE.)

_WORD = re.compile(r"[a-z]{3,}")


@dataclass(frozen=True)
class Match:
    code: str
    title: str
    sector: str
    score: float


@functools.lru_cache(maxsize=1)
def _place_words() -> FrozenSet[str]:
    """Names of Italian comuni that are not Italian words ("cagliari", not "sale"): a place in a
    description says where, not what ("affittacamere a Cagliari" is not about "caglio")."""
    words = comuni.italian_words()
    return frozenset(w for town in comuni.table().values() for w in _WORD.findall(fold(town.name))
                     if w not in words)


def stems(text: str) -> List[str]:
    """Content words as light stems: the lemma ("tatuaggi" -> "tatuaggio") without its final vowel
    (and the "i" of -ia, -io), so that singular, plural and the trade's name meet."""
    lemmas, places = comuni.lemmas(), _place_words()
    out = []
    for word in _WORD.findall(fold(text).replace("'", " ")):
        if word in _STOP or word in places:
            continue
        lemma = lemmas.get(word, word)
        if lemma in _STOP:
            continue
        stem = lemma[:-1] if lemma[-1] in "aeiou" and len(lemma) > 4 else lemma
        # "psicologia", "psicologi" -> "psicolog"; "rosticceria", "rosticcerie" -> "rosticcer"
        out.append(stem[:-1] if stem.endswith("i") and len(stem) > 5 else stem)
    return out


@functools.lru_cache(maxsize=1)
def _tables() -> Dict[str, Dict[str, str]]:
    """data/ateco_sectors.yml, read once: each of its tables (`main`, `synonyms`, `prefixes`,
    `offerings`) with string keys and values."""
    data = yaml.safe_load(SECTORS_FILE.read_text(encoding="utf-8"))
    return {name: {str(k): str(v) for k, v in (data.get(name) or {}).items()}
            for name in ("main", "synonyms", "prefixes", "offerings")}


def table(name: str) -> Dict[str, str]:
    return _tables()[name]


def by_longest_prefix(prefixes: Dict[str, str], code: str) -> Optional[str]:
    """The value of the longest key that starts the (dotted) ATECO code: "96.21.00" takes "96.2"
    over "96"."""
    best = max((p for p in prefixes if code.startswith(p)), key=len, default=None)
    return prefixes[best] if best else None


def sector_table() -> Tuple[Dict[str, str], Dict[str, str]]:
    """(code prefix -> sector, sector -> its main code), from data/ateco_sectors.yml."""
    return table("prefixes"), table("main")


def synonyms() -> Dict[str, str]:
    """Our own everyday phrases for ATECO codes, from data/ateco_sectors.yml."""
    return table("synonyms")


def sector_of(code: str) -> Optional[str]:
    """The bot's sector for an ATECO code: its longest prefix in data/ateco_sectors.yml."""
    return by_longest_prefix(table("prefixes"), code)


def main_code(sector: str) -> Optional[str]:
    """The code stored for a sector said in a word ("ristorazione" -> 56.1)."""
    return sector_table()[1].get(sector)


# The verb of an activity (the start of its infinitive, as `stems` gives it) and the ATECO divisions
# it points to, inclusive.
_ACTIVITY_VERBS = ((("produrr", "fabbricar", "costruir", "trasformar", "confezionar", "coltivar", "allevar",
                     "alleviar"), (1, 33)),
                   (("vender", "rivender", "commerciar", "distribuir"), (45, 47)),
                   (("cucinar", "servir", "somministrar"), (55, 56)))
VERB_BONUS = 3.0


def _division(code: str) -> int:
    return int(code[:2]) if code[:2].isdigit() else 0


def _nodes() -> List[dict]:
    raw = resources.files("ateco").joinpath(f"data/{EDITION}/nodes.json").read_bytes()
    return json.loads(raw)["nodes"]


class _Index:
    def __init__(self) -> None:
        self.docs: List[Tuple[str, str, FrozenSet[str]]] = []  # (code, title, stems of one line)
        nodes = _nodes()
        for node in nodes:
            if node["level"] not in LEVELS:
                continue
            lines = [node["title"]]
            for key in ("inclusione", "inclusione_aggiuntiva"):
                lines += [line for line in re.split(r"\n\s*[-•]\s*|^\s*[-•]\s*", (node.get("notes") or {}).get(key, ""))
                          if line.strip()]
            for line in lines:
                words = frozenset(stems(line))
                if words:
                    self.docs.append((node["code"], node["title"], words))
        titles = {node["code"]: node["title"] for node in nodes}
        for phrase, code in synonyms().items():  # everyday words ATECO's notes do not use ("farmacia")
            self.docs.append((code, titles[code], frozenset(stems(phrase))))
        frequency: Dict[str, int] = defaultdict(int)
        self.by_stem: Dict[str, List[int]] = defaultdict(list)
        for n, (_, _, words) in enumerate(self.docs):
            for word in words:
                frequency[word] += 1
                self.by_stem[word].append(n)
        total = len(self.docs)
        self.idf = {word: math.log(total / count) for word, count in frequency.items()}
        self.weight = [sum(self.idf[w] for w in words) for _, _, words in self.docs]

    def best(self, text: str) -> Optional[Match]:
        query = set(stems(text))
        scores: Dict[int, float] = defaultdict(float)
        for word in query:
            for n in self.by_stem.get(word, ()):
                scores[n] += self.idf[word]
        if not scores:
            return None
        # what the user does with the thing named: "produciamo pasta" is a factory, not a restaurant
        divisions = next((d for verbs, d in _ACTIVITY_VERBS if any(s.startswith(verbs) for s in query)), None)
        if divisions:
            for n in scores:
                if divisions[0] <= _division(self.docs[n][0]) <= divisions[1]:
                    scores[n] += VERB_BONUS
        # the shared weight, a little more where it covers most of the line ("Servizi veterinari"
        # over a long list that happens to mention the same word)
        n = max(scores, key=lambda i: scores[i] * (0.75 + 0.25 * scores[i] / self.weight[i]))
        code, title, _ = self.docs[n]
        sector = sector_of(code)
        if scores[n] < MIN_SCORE or sector is None:
            return None
        return Match(code, title, sector, round(scores[n], 2))


@functools.lru_cache(maxsize=1)
def index() -> _Index:
    """Built once per process (2-3 s on 2 cores, at the action server's start with BUSSOLA_PRELOAD):
    every code's title and inclusion lines."""
    return _Index()


def classify(text: str) -> Optional[Match]:
    """The ATECO code a description names best, with the bot's sector for it; None when no code
    shares enough rare words with it."""
    return index().best(text or "")
