"""The coach after the plan (issue 19, docs/coaching.md), in pure Python: reading the answer to the
check-in offer (a yes, a no, a date), "basta promemoria", the question of each check-in for a plan,
what a check-in answer tells (which channels gave real conversations, the time really spent, trouble
with criticism or time), and the plan recomputed from the journal of those answers.

The scheduler that sends the check-ins is bot/leads/checkins.py; the dialogue that asks and reads
them is still to be wired (docs/coaching.md says what is built).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

from bot import answers, parsing, texts
from bot.knowledge_base import KnowledgeBase
from bot.recommend import Plan, recommend
from bot.vocabulary import CHANNEL, Vocabulary, fold

ROME = ZoneInfo("Europe/Rome")
SEND_HOUR = 10  # a check-in arrives at ten in the morning, Italian time: not at dawn, not at dinner
DEFAULT_DAYS = 7  # "sì" without a date: the listening week

# "basta promemoria", "non scrivermi più", "smettila di mandarmi messaggi": no more check-ins
_STOP = re.compile(r"\b(basta|stop|niente piu|nessun altro|smett\w*|finitela|basta con i|"
                   r"disattiva\w*|annulla\w*|cancella\w*|togli\w*)\b.{0,25}\b(promemoria|messaggi|check.?in|"
                   r"aggiornamenti|notifiche|ricontatt\w*|scrivermi|mandarmi|richiamarmi)\b|"
                   r"\bnon (mi )?(scriv\w*|mand\w*|ricontatt\w*|contatt\w*)\b.{0,20}\bpiu\b|"
                   r"\bnon (voglio|desidero) (piu )?(essere ricontattat\w*|promemoria|altri messaggi)\b")


def asks_to_stop(text: str) -> bool:
    """Whether the message asks for no more check-ins ("basta promemoria", "non scrivermi più")."""
    return bool(_STOP.search(fold(text or "")))


# --- the offer's answer -------------------------------------------------------------------------------

@dataclass(frozen=True)
class OptIn:
    """The answer to "Ti scrivo tra una settimana…?": granted True (with the first check-in's date),
    False, or None when it is neither (a consent is never guessed: asked again)."""
    granted: Optional[bool]
    first_due: Optional[dt.datetime] = None


_WEEKDAYS = ("lunedi", "martedi", "mercoledi", "giovedi", "venerdi", "sabato", "domenica")
_MONTHS = ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
           "ottobre", "novembre", "dicembre")
_UNITS = {"giorn": 1, "settiman": 7, "mes": 30}


def _at_send_hour(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, SEND_HOUR, tzinfo=ROME).astimezone(dt.timezone.utc)


def date_said(text: str, now: dt.datetime) -> Optional[dt.datetime]:
    """The day a text names for the first check-in, at SEND_HOUR Italian time, in UTC: "tra due
    settimane", "fra 10 giorni", "la settimana prossima", "lunedì", "il 20 gennaio", "20/1"; None
    when it names none. Always after today."""
    t = fold(text or "")
    today = now.astimezone(ROME).date()
    after = re.search(r"\b(tra|fra|dopo|entro)\s+(\w+(?:\s+\w+)?)\s+(giorn\w*|settiman\w*|mes\w*)\b", t) \
        or re.search(r"\b(tra|fra|dopo)\s+()(un|una)?\s*(giorno|settimana|mese)\b", t)
    if after:
        unit = next(days for stem, days in _UNITS.items() if after.group(after.lastindex).startswith(stem))
        amount = answers.numbers(after.group(2)) if after.group(2) else []
        count = amount[0] if amount else 1
        if re.search(r"quindic|15", after.group(2) or "") and unit == 1:
            count = 15
        return _at_send_hour(today + dt.timedelta(days=max(1, round(count * unit))))
    if re.search(r"\b(la )?settimana prossima\b|\bprossima settimana\b", t):
        return _at_send_hour(today + dt.timedelta(days=7))
    if re.search(r"\b(il )?mese prossimo\b|\bprossimo mese\b", t):
        return _at_send_hour(today + dt.timedelta(days=30))
    day = re.search(r"\b(\d{1,2})(?:\s+|/|-|\.)(" + "|".join(_MONTHS) + r"|\d{1,2})\b", t)
    if day:
        month = _MONTHS.index(day.group(2)) + 1 if day.group(2) in _MONTHS else int(day.group(2))
        for year in (today.year, today.year + 1):
            try:
                when = dt.date(year, month, int(day.group(1)))
            except ValueError:
                return None
            if when > today:
                return _at_send_hour(when)
    for index, name in enumerate(_WEEKDAYS):
        if re.search(rf"\b{name}\b", t):
            ahead = (index - today.weekday()) % 7 or 7
            return _at_send_hour(today + dt.timedelta(days=ahead))
    return None


def read_optin(text: str, now: dt.datetime) -> OptIn:
    """The answer to the check-in offer. A date alone is a yes with that date ("tra due settimane");
    a yes without one is the default week; a no is a no; anything else is asked again."""
    when = date_said(text, now)
    reading = answers.yes_no(text)
    if reading == answers.NO or asks_to_stop(text):
        return OptIn(False)
    if reading == answers.HEDGE:
        return OptIn(None)
    if when is not None or (reading == answers.YES and answers.clear_yes(text)):
        return OptIn(True, when or _at_send_hour(now.astimezone(ROME).date() + dt.timedelta(days=DEFAULT_DAYS)))
    return OptIn(None)


# --- the check-ins -----------------------------------------------------------------------------------

def checkin_message(step: int, plan: Mapping[str, Any]) -> str:
    """What the check-in of `step` (1 listening, 2 first contributions, 3 review) asks, about the
    plan's own channels."""
    channels = [c for c in plan.get("channels") or [] if isinstance(c, Mapping)]
    names = texts.join(c.get("name", "") for c in channels[:2]) or texts.render("coaching", "your_channels")
    first = channels[0] if channels else {}
    return texts.render("coaching", f"step_{step}", channels=names, channel=first.get("name", names),
                        listening=(first.get("first_step") or "").rstrip("."))


# --- what an answer tells -------------------------------------------------------------------------------

@dataclass
class Review:
    """What one check-in answer says: per channel of the plan, whether it gave real conversations or
    contacts; the weekly hours really spent; trouble met ("criticism", "time")."""
    outcomes: Dict[str, bool] = field(default_factory=dict)
    hours: Optional[float] = None
    trouble: List[str] = field(default_factory=list)


_NOTHING = re.compile(r"\b(niente|nulla|zero|nessun\w*|mai|poco o niente|deserto|morto|vuoto|non (ha|hanno) "
                      r"(dato|portato|funzionato)|non (e )?servit\w*|non (e )?andat\w* bene|buco nell'acqua|"
                      r"tempo perso|perdita di tempo|non funziona\w*)\b")
_SOMETHING = re.compile(r"\b(\d+|un|una|uno|due|tre|quattro|cinque|qualche|diversi|divers\w|molti|tant\w|parecch\w|"
                        r"alcun\w)\s+(\w+\s+)?(contatt\w*|client\w*|conversazion\w*|richiest\w*|messagg\w*|"
                        r"preventiv\w*|ordin\w*|prenotazion\w*|persone|follower|iscritt\w*|commenti)\b|"
                        r"\b(bene|benissimo|funziona\w*|ha funzionato|ottim\w*|utile|mi ha portato|ci ha portato|"
                        r"ha dato|hanno dato|sta andando|va alla grande|risultati)\b")
_CRITICISM = re.compile(r"\b(critic\w*|attacc\w*|insult\w*|recension\w* negativ\w*|commenti negativ\w*|"
                        r"polemic\w*|shitstorm|hater\w*|troll\w*|mi hanno massacrat\w*)\b")
_NO_TIME = re.compile(r"\b(non (ho|abbiamo|trovo|troviamo) (il |mai )?tempo|troppo tempo|non ci sto dietro|"
                      r"non riesco a (starci|stargli|seguir\w*)|mi (porta|ruba|prende) troppo|senza tempo)\b")


def read_review(text: str, plan_channels: Sequence[str], voc: Vocabulary) -> Review:
    """Reads a check-in answer against the plan's channel ids: "LinkedIn mi ha portato tre contatti,
    Facebook niente; ci ho messo due ore a settimana" -> linkedin True, facebook False, 2 hours."""
    review = Review()
    folded = fold(text or "")
    clauses = [c for c in re.split(r"[,;.]|\b(?:mentre|invece|ma|pero)\b", folded) if c.strip()]
    for clause in clauses:
        named = [c for c in voc.named_in_text(CHANNEL, clause) if c in plan_channels]
        if not named:
            continue
        nothing, something = _NOTHING.search(clause), _SOMETHING.search(clause)
        for channel in named:
            if nothing and not (something and something.start() < nothing.start()):
                review.outcomes[channel] = False
            elif something:
                review.outcomes[channel] = True
    if re.search(r"\b(ore|ora|oretta|minuti|al giorno|a settimana|settimanal)\b", folded):
        review.hours = parsing.parse_hours(text)
    if _CRITICISM.search(folded):
        review.trouble.append("criticism")
    if _NO_TIME.search(folded):
        review.trouble.append("time")
    return review


# --- the plan again ---------------------------------------------------------------------------------------

@dataclass
class Recomputed:
    plan: Plan
    dropped: List[Tuple[str, str]]  # (channel id, why), in Italian
    hours: Optional[float]  # the weekly hours the new plan was made for


def recompute(profile: Mapping[str, Any], journal: Sequence[Review], kb: KnowledgeBase,
              voc: Vocabulary) -> Recomputed:
    """The plan again, with what the check-ins taught: a channel that gave nothing and cost time is
    dropped with the reason (the next candidate takes its place), the time really spent replaces the
    estimate, trouble with criticism or time met more than once turns into specialist advice. The
    latest answer about a channel or the hours is the one that counts."""
    outcomes: Dict[str, bool] = {}
    hours: Optional[float] = None
    trouble: Dict[str, int] = {}
    for review in journal:
        outcomes.update(review.outcomes)
        if review.hours is not None:
            hours = review.hours
        for kind in set(review.trouble):
            trouble[kind] = trouble.get(kind, 0) + 1
    dropped_ids = [c for c, gave in outcomes.items() if gave is False]
    kept = [c for c, gave in outcomes.items() if gave]
    changed: Dict[str, Any] = {
        "channels_dropped": list(dict.fromkeys([*(profile.get("channels_dropped") or []), *dropped_ids])),
        "coaching_trouble": sorted(kind for kind, count in trouble.items() if count >= 2),
        # what worked is now a channel in use: the plan starts from it
        "channels_used": list(dict.fromkeys([*kept, *[c for c in profile.get("channels_used") or []
                                                      if isinstance(c, str) and c not in dropped_ids]])),
    }
    if hours is not None and hours > 0:
        changed["weekly_hours"] = hours
    plan = recommend({**profile, **changed}, kb, voc)
    dropped = [(cid, texts.render("coaching", "dropped", name=kb.get(cid).name if kb.get(cid) else cid))
               for cid in dropped_ids]
    return Recomputed(plan, dropped, changed.get("weekly_hours", profile.get("weekly_hours")))
