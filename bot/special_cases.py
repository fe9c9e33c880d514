"""When no standard recipe applies because of what the business is: regulated or sensitive trades
and audiences (data/specialist_rules.yml), and organisations too large for a recipe, read from
what people actually write ("12 marchi in 30 paesi", "catena di 150 negozi").

The other reasons for a specialist (markets, time, objectives, readiness for dialogue) depend on
the plan and stay in bot/recommend.py. No Rasa import.
"""
from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from typing import Any, List, Mapping, Optional, Sequence, Tuple

import yaml

from bot import answers, paths
from bot.vocabulary import fold

RULES_FILE = paths.DATA / "specialist_rules.yml"
SPECIALIST, CAUTION = "specialist", "caution"

# Counted things in a description, and from how many on a recipe no longer fits.
_SIZE_NOUNS = {
    "countries": (r"paesi|nazioni|mercati esteri|stati", 3),
    "brands": (r"marchi|brand|insegne", 5),  # three virtual brands of one kitchen are still one recipe
    # places of its own: shops of every kind, not only "negozi" ("250 supermercati", "30 farmacie"); a
    # dozen hotels or shops is still a regional business a recipe can serve (a blind writer's hotel
    # group of 12 hiring seasonal staff), so from 20
    "sites": (r"negozi|punti vendita|sedi|filiali|hotel|alberghi|stabilimenti|ristoranti|cliniche|"
              r"strutture|locali|centri|agenzie|uffici|supermercati|ipermercati|discount|farmacie|palestre|"
              r"pizzerie|bar|boutique|showroom|store|outlet|ambulatori|scuole|asili|residenze|"
              r"concessionari[ae]?|affiliati|franchisee|stabilimenti balneari|cantieri", 20),
    "people": (r"dipendenti|persone|collaboratori|addetti|lavoratori", 250),
}
_NUMBER = (r"(\d{1,3}(?:\.\d{3})+|\d+|"
           + "|".join(sorted((w for w in (*answers.UNITS, *answers.APPROXIMATE) if w not in ("un", "una", "uno")),
                             key=len, reverse=True)) + ")")
_LARGE_WORDS = re.compile(r"\b(multinazional\w*|gruppo internazionale|presenti in tutto il mondo|"
                          r"budget milionari\w*|(\d+|alcuni|diversi|qualche|molti) milion\w*)\b")
# a marketing team of its own: "il team marketing è di 15 persone"
_TEAM = re.compile(r"\b(team|ufficio|reparto) (marketing|comunicazione)( (e|conta))?( di)? (?P<count>"
                   + _NUMBER + r") (persone|addetti|risorse)\b")
MARKETING_TEAM = 5


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    sectors: Tuple[str, ...]
    ateco: Tuple[str, ...]
    words: Optional[re.Pattern]
    audience_words: Optional[re.Pattern]
    why: str
    help: str
    avoid_kinds: Tuple[str, ...] = ()
    avoid_adults_only: bool = False
    avoid_why: str = ""
    # a caution, not a specialist, for a business in Italy only (`at_home`) or for a venue that
    # sells the product on the side (`in_a_venue`: a bar with a lottery counter); with its own why
    at_home: str = ""
    in_a_venue: str = ""
    avoid_ids: Tuple[str, ...] = ()  # channels whose own policies or uses the rule runs against
    # every channel: the specialist comes before any promotion, so the plan names none (`avoid: {all: true}`)
    avoid_all: bool = False
    # an audience this young keeps the case a specialist one at home too (`not_at_home_for_young`)
    young_words: Optional[re.Pattern] = None
    # a caution, not a specialist, for a business that sells only to the trade (B2B: importers,
    # distributors), wherever they are (`to_the_trade`): the rules are about what consumers see
    to_the_trade: str = ""

    def rules_out(self, kinds, ages, channel_id: str = "") -> bool:
        """Whether a channel of these kinds and age bands (or this very channel) is ruled out by this case."""
        return self.avoid_all or bool(set(kinds) & set(self.avoid_kinds)) or channel_id in self.avoid_ids \
            or (self.avoid_adults_only and "13-17" not in ages)


def _stems(stems: List[str], at_start: bool = False) -> Optional[re.Pattern]:
    """Word stems as one pattern; `at_start`: only where the text begins with them (an audience of
    "bambini", not "famiglie con bambini")."""
    if not stems:
        return None
    start = r"^\W*((i|le|gli|soprattutto|principalmente|solo)\s+)*" if at_start else r"(?<!\w)"
    return re.compile(start + "(" + "|".join(re.escape(fold(s)) for s in stems) + r")")


@functools.lru_cache(maxsize=1)
def _data() -> dict:
    """data/specialist_rules.yml, read once for the rules and the venue sectors."""
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def rules() -> Tuple[Rule, ...]:
    data = _data()
    return tuple(Rule(r["code"], r["severity"], tuple(r.get("sectors") or ()), tuple(r.get("ateco") or ()),
                      _stems(r.get("words") or []), _stems(r.get("audience_words") or [], at_start=True),
                      " ".join(r["why"].split()), r.get("help", ""),
                      tuple((r.get("avoid") or {}).get("kinds") or ()), bool((r.get("avoid") or {}).get("adults_only")),
                      r.get("avoid_why", ""), " ".join((r.get("at_home") or "").split()),
                      " ".join((r.get("in_a_venue") or "").split()),
                      tuple((r.get("avoid") or {}).get("ids") or ()), bool((r.get("avoid") or {}).get("all")),
                      _stems(r.get("not_at_home_for_young") or []), " ".join((r.get("to_the_trade") or "").split()))
                 for r in data["cases"])


@functools.lru_cache(maxsize=1)
def venue_sectors() -> Tuple[str, ...]:
    """Sectors of places people go to (bars, restaurants, hotels): promoted as places."""
    return tuple(_data()["venue_sectors"])


def _text(profile: Mapping[str, Any], field: str) -> str:
    value = profile.get(field)
    return fold(value) if isinstance(value, str) else ""


def _young_audience(audience: Any) -> bool:
    """An age band that stops before 14 ("6-10", "8-12")."""
    match = re.fullmatch(r"\s*(\d{1,2})\s*-\s*(\d{1,2})\s*", str(audience or ""))
    return bool(match) and int(match.group(2)) < 14


def _young_adults(rule: Rule, profile: Mapping[str, Any]) -> bool:
    """Whether the audience is one the rule keeps a specialist case at home too: its own words for it
    ("il drink dei ventenni") or ages that start under 25 ("18-24")."""
    if rule.young_words is None:
        return False
    if rule.young_words.search(_text(profile, "activity") + " " + _text(profile, "audience")):
        return True
    match = re.fullmatch(r"\s*(\d{1,2})\s*(-\s*\d{1,3}|\+)\s*", str(profile.get("audience") or ""))
    return bool(match) and int(match.group(1)) < 25


# "traduzioni di testi tecnici, legali e farmaceutici", "un gestionale per farmacie": the trade's word
# names what a service for others is about, not what the business sells or promotes
_ABOUT_OTHERS = re.compile(r"\b(traduzion\w*|tradu\w+|testi|documenti|documentazione|software|gestional\w*|"
                           r"lavoriamo per|clienti del settore|aziende del settore|per il settore|per l'industria)\b"
                           r"[^.;:]{0,60}$")


def _words_match(pattern: Optional[re.Pattern], text: str) -> bool:
    """Whether the rule's words say what this business does, not what it serves others about."""
    return bool(pattern) and any(not _ABOUT_OTHERS.search(text[:m.start()]) for m in pattern.finditer(text))


def matching(profile: Mapping[str, Any], markets: Sequence[str] = ("IT",)) -> List[Rule]:
    """The rules the profile meets, in the file's order; a rule that is only a caution for this
    profile (in Italy only, or in a venue: see `Rule.at_home`) comes as a caution."""
    activity, audience = _text(profile, "activity"), _text(profile, "audience")
    sector, code = profile.get("sector"), str(profile.get("ateco") or "")
    found = []
    for rule in rules():
        by_trade = sector in rule.sectors or bool(code and any(code.startswith(p) for p in rule.ateco))
        if by_trade or _words_match(rule.words, activity) \
                or (rule.audience_words and (rule.audience_words.search(audience)
                                             or _young_audience(profile.get("audience")))):
            milder = rule.at_home if rule.at_home and set(markets) <= {"IT"} and not _young_adults(rule, profile) else \
                rule.to_the_trade if rule.to_the_trade and profile.get("segment") == "b2b" \
                and not _young_adults(rule, profile) else \
                rule.in_a_venue if rule.in_a_venue and not by_trade and sector in venue_sectors() else ""
            found.append(dataclasses.replace(rule, severity=CAUTION, why=milder, avoid_kinds=(), avoid_ids=(),
                                             avoid_all=False)
                         if milder else rule)
    return found


def _count(word: str) -> Optional[float]:
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+|\d+", word):
        return float(word.replace(".", ""))
    value = answers.UNITS.get(word) or answers.APPROXIMATE.get(word)
    return float(value) if value else None


def large_organisation(profile: Mapping[str, Any]) -> List[str]:
    """What makes the organisation too large for a recipe, in the user's own numbers: ["30 paesi",
    "12 marchi"]; empty when nothing does."""
    activity = _text(profile, "activity")
    found = []
    for nouns, least in _SIZE_NOUNS.values():
        for match in re.finditer(rf"\b{_NUMBER}\s+(?:\w+\s+)?({nouns})\b(?!\s+client)", activity):
            if re.search(r"\b(per|clienti|serviamo|forniamo|riforniamo)\s+(circa\s+|oltre\s+|piu di\s+)?$",
                         activity[:match.start()]):
                continue  # "300 locali clienti", "per 40 ristoranti": the customers, not the organisation
            count = _count(match.group(1))
            if count is not None and count >= least:
                found.append(f"{match.group(1)} {match.group(2)}")
                break
    team = _TEAM.search(activity)
    if team and (_count(team.group("count")) or 0) >= MARKETING_TEAM:
        found.append(f"un team marketing di {team.group('count')} persone")
    words = _LARGE_WORDS.search(activity)
    if words:
        found.append(words.group(0))
    return found
