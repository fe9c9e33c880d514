"""The interview's logic: what one user message changes in the profile, and what to ask next.

`interpret` is called once per user turn by the form validation action with the message's intent,
entities and text, the question being asked and the current slots. It returns the slot updates, the
notes to say and the next question. The question asked is read first, with the reader of its kind
(`READERS`, bot/fields.py, bot/answers.py); the intent counts only for commands, real questions and
small talk. No Rasa import: tested directly.
"""
from __future__ import annotations

import dataclasses
import difflib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple

from bot import answers, ateco, comuni, offerings, parsing
from bot import fields as F
from bot import profile as P
from bot import texts
from bot.vocabulary import CHANNEL, PLACE, PROFESSION, SECTOR, Vocabulary, fold

MAX_FAILED_TRIES = 2
ASK_FIELD_TO_CHANGE = "field_to_change"  # a pseudo-question: which field to change
INPUT_PROBLEM = "input_problem"  # entity set by the input guard for unusable messages

# Intents that, from a button's payload, are not answers: the rules handle them, then the form asks
# again. Typed text is read first (`_answer`).
INTERRUPTIONS = {"greet", "goodbye", "help", "start_over", "bot_challenge", "thanks",
                 "how_are_you", "out_of_scope", "ask_channel_info", "ask_channel_country",
                 "ask_channel_users", "ask_channel_compare", "ask_channel_why_not",
                 "continue_on_telegram", "request_human", "show_my_data", "erase_my_data",
                 "start_sales_mode"}

# Intents of questions the classifier may see in a bare answer: "in Germania", said when asked where
# the user works, looks like "in Germania cosa funziona?" without its question.
QUESTION_INTENTS = {"ask_channel_info", "ask_channel_country", "ask_channel_users", "ask_channel_compare",
                    "ask_channel_why_not", "out_of_scope"}
_USAGE = re.compile(r"\b(uso|usiamo|usa|usano|utilizz\w*|abbiamo|ho|siamo su|sono su|gestisc\w*|"
                    r"gia|attiv\w*|profilo|pagina|account)\b")
_ADDITIVE = re.compile(r"\b(anche|pure|inoltre|in piu|aggiung\w*)\b")
# "non Instagram", "nn sono un'azienda", "non siamo più una startup": the mention is negated
_NEGATED_BEFORE = re.compile(r"(\b(non|nn|no|niente|tranne|ma non|mica)\s*|\b(non|nn|mica)\s+((sono|siamo|è|e|sei|più|piu)\s+)+"
                             r"(un'|un |una |uno |il |la |lo |l')?)$")
# Words that mark a correction of something said before ("no, in realtà ...").
# A change asked for, not one described: "cambia il settore", "ho cambiato idea"; "famiglie che cambiano
# casa", "cambio gomme", "modifiche sartoriali" are what people do.
_CORRECTION = re.compile(r"^\s*no\b|\b(in realta|anzi|volevo dire|intendevo|correggo|correggi|"
                         r"scusa|mi sono sbagliat\w*|ho sbagliato|cambia|cambiamo|cambiare|cambierei|cambiato idea|"
                         r"modifica|modifichiamo|modificare|modificherei)\b")


@dataclass
class UserMessage:
    text: str
    intent: Optional[str]
    entities: List[Dict[str, Any]] = field(default_factory=list)


@dataclass
class Turn:
    updates: Dict[str, Any] = field(default_factory=dict)
    notes: List[str] = field(default_factory=list)  # Italian texts to say before the next question
    next_question: Optional[str] = None
    is_answer: bool = True  # False: not an answer, let the dialogue rules handle it
    offer_skip: bool = False  # the question is asked again: add a «salta» button


def _values(message: UserMessage, entity: str, voc: Vocabulary, label: str | None = None) -> List[str]:
    """Canonical values of one entity type, in order, without negated mentions and duplicates."""
    out: List[str] = []
    lowered = message.text.lower()
    for e in message.entities:
        if e.get("entity") != entity:
            continue
        value = e.get("value")
        if label:
            value = voc.canonical(label, value)
        if value is None:
            continue
        start = e.get("start")
        if isinstance(start, int) and _NEGATED_BEFORE.search(lowered[:start]):
            continue
        if value not in out:
            out.append(value)
    return out


def _said_before(message: UserMessage, first: str, then: str) -> bool:
    """Whether the message's first entity of type `first` comes before its first of type `then`."""
    starts = {label: min((e["start"] for e in message.entities if e.get("entity") == label
                          and isinstance(e.get("start"), int)), default=None) for label in (first, then)}
    return None not in starts.values() and starts[first] < starts[then]


def _learned(message: UserMessage, entity: str, allowed, voc: Vocabulary) -> List[str]:
    """Values of an entity the statistical extractor learned, made canonical: a value outside the
    allowed set ("fidelizzare i clienti") is read through the vocabulary's keyword stems."""
    out: List[str] = []
    for value in _values(message, entity, voc):
        if value not in allowed:  # one span names one value: the first stem in it
            value = _first([v for v in voc.values_in_text(entity, str(value)) if v in allowed])
        if value and value not in out:
            out.append(value)
    return out


def _first(values: List[str]) -> Optional[str]:
    return values[0] if values else None


def _merge(old: Any, new: List[str], additive: bool) -> List[str]:
    if additive and isinstance(old, list):
        return old + [v for v in new if v not in old]
    return new


# "sono il titolare": the speaker's own role, which says nothing of who would do the work; "tramite
# architetti", "per i commercialisti": the people one works with or for, not one's profession
_OWN_ROLE = re.compile(r"\b(sono|io sono|sn|son)\s*$", re.IGNORECASE)
_OTHERS_ROLE = re.compile(r"\b(tramite|con|per|ai|agli|alle|dagli|dalle|coi|degli|delle|dei|tra|fra)\s*$", re.IGNORECASE)


def _without_others_roles(message: UserMessage, requested: Optional[str]) -> UserMessage:
    def kept(e: Dict[str, Any]) -> bool:
        start = e.get("start") if isinstance(e.get("start"), int) else None
        if start is None or message.text.startswith("/"):
            return True
        before = message.text[:start]
        if e.get("entity") == "team" and requested != "team":
            return not _OWN_ROLE.search(before)
        if e.get("entity") == PROFESSION:
            return not _OTHERS_ROLE.search(before)
        return True
    entities = [e for e in message.entities if kept(e)]
    return message if len(entities) == len(message.entities) else dataclasses.replace(message, entities=entities)


def extract(message: UserMessage, slots: Mapping[str, Any], requested: Optional[str],
            voc: Vocabulary) -> Dict[str, Any]:
    """Profile updates carried by the message's entities, whatever question was asked."""
    updates: Dict[str, Any] = {}
    additive = bool(_ADDITIVE.search(fold(message.text)))
    message = _without_others_roles(message, requested)

    kind = _first(_learned(message, "org_kind", P.KINDS, voc))
    # "trovare un cuoco e due camerieri": a role to hire is not the user's profession
    professions = [] if _HIRING.search(fold(message.text)) else _values(message, PROFESSION, voc, PROFESSION)
    sectors = _values(message, SECTOR, voc, SECTOR)
    if professions:
        updates["profession"] = professions[0]
        kind = kind or _org_kind(message, voc) or "professionista"  # "ho un salone": a business
        if not sectors or _said_before(message, PROFESSION, SECTOR):
            # "sono una fotografa di matrimoni": who one is comes before what one works on
            sectors = [voc.professions[professions[0]]["sector"]]
    if kind:
        updates["org_kind"] = kind
    if sectors:
        updates["sector"] = sectors[0]

    segment = _first(_learned(message, "segment", P.SEGMENTS, voc))
    if segment:
        if additive and slots.get("segment") in ("b2b", "b2c") and segment != slots["segment"]:
            segment = "entrambi"  # "anche i privati"
        updates["segment"] = segment

    places = _values(message, PLACE, voc, PLACE)
    if places:
        updates["locations"] = _merge(slots.get("locations"), places, additive)

    offering = _first([v for v in _values(message, "offering", voc) if v in F.question("offering").values])
    if offering:  # only a button carries it
        updates["offering"] = offering

    objectives = _learned(message, "objective", P.OBJECTIVES, voc)
    if objectives:
        if requested == "priority" and isinstance(slots.get("objectives"), list) \
                and objectives[0] in slots["objectives"]:
            updates["priority"] = objectives[0]
        else:
            updates["objectives"] = _merge(slots.get("objectives"), objectives, additive)

    channels = _values(message, CHANNEL, voc, CHANNEL)
    if channels:
        if requested == "channels_used" or _USAGE.search(fold(message.text)):
            updates["channels_used"] = _merge(slots.get("channels_used"), channels, additive)
        else:
            updates["channels_named"] = _merge(slots.get("channels_named"), channels, True)

    for e in message.entities:
        kind_of = e.get("entity")
        if kind_of == "hours" and "weekly_hours" not in updates and (
                requested == "weekly_hours" or message.text.startswith("/")
                or re.search(r"\b(or[ae]|orett\w|minut\w|giornat\w)\b", fold(message.text))):
            # from another question's answer only with its unit: "coppie 30-45" are ages, not hours
            # the whole sentence knows "al giorno"; a button payload carries just the number
            from_text = None if message.text.startswith("/") else parsing.parse_hours(message.text)
            hours = from_text if from_text is not None else parsing.parse_hours(str(e.get("value")))
            if hours is not None:
                updates["weekly_hours"] = hours
        elif kind_of == "age" and "audience" not in updates:
            # an age band only where ages are said: "famiglie e turisti" stays a description
            age = parsing.parse_age(str(e.get("value"))) if message.text.startswith("/") \
                else parsing.stated_ages(message.text)
            if age:
                updates["audience"] = age
        elif kind_of == "budget" and e.get("value") in ("si", "no"):
            updates["ad_budget"] = e.get("value") == "si"

    team = _first(_learned(message, "team", P.TEAMS, voc))
    if team:
        updates["team"] = team
    return updates


def reads_as_answer(message: UserMessage, requested: Optional[str], slots: Mapping[str, Any],
                    voc: Vocabulary) -> bool:
    """A message classified as a question or a command that answers the question asked: the question
    asked is the strongest evidence (bot/answers.py). Used by the channel-question action to stay
    silent when the form takes the message as its answer."""
    if message.intent not in QUESTION_INTENTS | set(answers.COMMAND_CUES) or not requested \
            or requested == ASK_FIELD_TO_CHANGE or message.text.startswith("/"):
        return False
    return interpret(message, requested, slots, voc).is_answer


def read_answer(message: UserMessage, requested: str, slots: Mapping[str, Any],
                voc: Vocabulary) -> Any:
    """The value the message gives to the question asked, `answers.HEDGE` for a yes/no it leaves
    uncertain, or None when it does not answer it. Button payloads carry their value as an entity;
    a button's title typed as text presses it; anything else goes to the reader of the question's
    kind (bot/fields.py)."""
    question = F.question(requested)
    if message.text.startswith("/"):
        as_entities = extract(message, slots, requested, voc)
        if requested in as_entities:
            return as_entities[requested]
        if question.kind in F.BOOLEAN_KINDS and message.intent in ("affirm", "deny"):
            return message.intent == "affirm"
        if question.kind == F.PLACES and message.intent == "affirm" and slots.get("places_named"):
            return list(slots["places_named"])  # «Solo lì»
        if question.kind == F.OBJECTIVES and message.intent == "deny" and slots.get("objectives_named"):
            return list(slots["objectives_named"])  # «Solo questo»
        if question.kind == F.CHANNELS and message.intent == "deny" and slots.get("channels_used_named"):
            return list(slots["channels_used_named"])  # «Solo questo»
        if question.kind == F.CHANNELS and message.intent == "deny":
            return []
        if question.name == "segment" and message.intent == "affirm" and slots.get("segment_named"):
            return slots["segment_named"]  # «Sì, è così»
        return None
    button = answers.pressed_button(message.text, texts.question(requested, slots).get("buttons") or [])
    if button:
        return read_answer(parse_payload(str(button["payload"])), requested, slots, voc)
    if question.kind not in (F.TEXT, F.AUDIENCE):  # a description is kept whole, as written
        # "il traffico, anzi no, le vendite": what they meant; "…, quindi adesso faccio io": what the
        # story leads to (for one value only); "non è che …, ma prima rispondere ai clienti": what
        # comes after the concession; each when it answers the question
        corrected = answers.after_correction(message.text, yes_no=question.kind in F.BOOLEAN_KINDS)
        ends = [answers.chosen_option(message.text),  # "o aziende o privati… diciamo privati"
                answers.as_of_now(message.text), corrected]  # "l'anno scorso …, ora no": what holds now
        if question.name == "segment" or question.kind not in ONE_VALUE:
            ends.append(answers.granted(message.text))  # "non è che non voglia vendere online, ma…": that too
        elif question.kind not in F.BOOLEAN_KINDS:  # yes/no reads its concessions itself
            ends.append(answers.after_concession(message.text))
        if question.kind in ONE_VALUE:
            ends.append(answers.conclusion(message.text))
        for end in filter(None, ends):
            value = READERS[question.kind](_tail(message, end), question, slots, voc)
            if value is not None:
                if end == corrected and answers.ADDS_TO.match(end):
                    # "privati... anzi no, anche aziende": the correction adds to what came before
                    before = answers.before_correction(message.text)
                    value = _joined(READERS[question.kind](_tail(message, before), question, slots, voc), value)
                return value
    return READERS[question.kind](message, question, slots, voc)


def _joined(before: Any, after: Any) -> Any:
    """Two answers to one question, the second said as "anche …": both customers' kinds are both
    (`entrambi`), two lists are one; otherwise the second stands."""
    if isinstance(before, list) and isinstance(after, list):
        return list(dict.fromkeys([*before, *after]))
    if {before, after} == {"b2b", "b2c"}:
        return "entrambi"
    return after


def _tail(message: UserMessage, tail: str) -> UserMessage:
    """The last part of a message as a message of its own, with the entities found in it (their
    offsets moved); no intent, which was the whole message's."""
    start = message.text.rfind(tail)
    entities = [{**e, "start": e["start"] - start, "end": e["end"] - start} for e in message.entities
                if isinstance(e.get("start"), int) and e["start"] >= start and isinstance(e.get("end"), int)]
    return UserMessage(tail, None, entities)


# Questions of doing something, answered by naming who will do it (a role instead of a yes).
_DONE_BY_SOMEONE = ("replies_to_messages", "shows_identity", "handles_criticism")


# "il viso dei clienti no, ma il nostro sì": asked about showing themselves, the part about them answers
_SELF = re.compile(r"\b(nostr[oaie]|mi[oa]|miei|mie|noi|io|me|il titolare|la titolare)\b")


# (people outside the business: whether employees or partners will show themselves is another doubt)
_OTHERS = re.compile(r"\b(clienti|bambin\w+|minori|ospiti|pazienti|student\w+|allievi|alunni|atleti|sposi|"
                     r"invitati|iscritti|corsisti)\b")


# the people of the business besides the speaker: whether they show themselves is part of the answer
_MEMBERS = re.compile(r"\b(marito|moglie|compagn[oa]|soci[oa]?|dipendent\w+|collaborator\w+|staff|figli[oa]?|"
                      r"famiglia|fratell\w+|sorell\w+|colleghi|ragazz[ei])\b")


def _about_themselves(text: str) -> str:
    """At the identity question, the part that answers: the business's own people, not its clients
    ("i bambini no di sicuro, le maestre sì"); "io sì, mio marito no" is a doubt (HEDGE)."""
    parts = [p for p in re.split(r",\s*|\s+(?:ma|pero|però)\s+", text) if p.strip()]
    if len(parts) < 2:
        return text
    verdicts = {n: answers.yes_no(p) for n, p in enumerate(parts)}
    own = [n for n, p in enumerate(parts) if _SELF.search(fold(p)) and verdicts[n] == answers.YES]
    members = [n for n, p in enumerate(parts) if _MEMBERS.search(fold(p)) and n not in own
               and verdicts[n] in (answers.NO, answers.HEDGE, None) and re.search(r"\b(no|non|nn|so)\b", fold(p))]
    if own and members:
        return answers.HEDGE  # "io sì, mio marito nn vuole"
    others = [n for n, p in enumerate(parts) if _OTHERS.search(fold(p))]
    ours = [n for n in verdicts if n not in others and verdicts[n] in (answers.YES, answers.NO)]
    return parts[ours[0]] if others and len(ours) == 1 else text


def _read_yes_no(message: UserMessage, question: F.Question, slots: Mapping[str, Any], voc: Vocabulary) -> Any:
    text = _about_themselves(message.text) if question.name == "shows_identity" else message.text
    if text == answers.HEDGE:
        return answers.HEDGE
    reading = answers.budget(text) if question.kind == F.BUDGET else answers.yes_no(text)
    if reading is None and question.topic:  # "io e mio figlio ci mettiamo la faccia"
        reading = answers.statement_yes_no(text, question.topic)
    if reading is None and question.name in _DONE_BY_SOMEONE and answers.team(text) in ("team", "agenzia") \
            and not re.search(r"\b(non|nessun\w*|niente)\b", answers.words(text)):
        reading = answers.YES  # "i volontari a turno": who will answer, so someone will
    if reading is None and message.intent in ("affirm", "deny"):
        reading = answers.YES if message.intent == "affirm" else answers.NO
    return {answers.YES: True, answers.NO: False}.get(reading, reading)


def _read_choice(message: UserMessage, question: F.Question, slots: Mapping[str, Any], voc: Vocabulary) -> Any:
    if question.name == "org_kind":
        return _org_kind(message, voc)
    chosen = (answers.segment(message.text) if question.name == "segment" else None) \
        or _first(_learned(message, question.entity, question.values, voc)) \
        or _first([v for v in voc.values_in_text(question.entity, message.text) if v in question.values])
    known = slots.get("segment_named") if question.name == "segment" else None
    if known and chosen and chosen != known and _ADDITIVE.search(fold(message.text)):
        return "entrambi"  # "Da quello che mi hai scritto, vendi a privati" - "anche ad aziende"
    if known and not chosen and (answers.yes_no(message.text) == answers.YES
                                 or re.search(r"\b(solo|soltanto) (loro|quell[ioea]|a loro)\b", fold(message.text))):
        return known  # "sì, esatto", "solo a loro"
    return chosen


MAX_OFFERING_CHOICES = 4  # the buttons of the offering question, beside «Non so»


def _read_offering(message: UserMessage, question: F.Question, slots: Mapping[str, Any], voc: Vocabulary) -> Any:
    """Which of the offerings the description named comes first: a button, or the answer's own
    words ("soprattutto le camere", "il ristorante")."""
    chosen = _first(_learned(message, question.entity, question.values, voc))
    if chosen:
        return chosen
    named = offerings.candidates({"activity": message.text})
    choices = list(slots.get("offering_choices") or [])
    return _first([o for o in named if o in choices] or named)


# Goods sold on a general marketplace by someone who does not make them: the trade is the shop's.
_RESELLING = re.compile(r"\b(vendo|vendiamo|rivendo|rivendiamo|vendere)\b.{0,80}\b(su|tramite|via|con) "
                        r"(amazon|ebay|e-bay|aliexpress|marketplace)")
_MAKING = re.compile(r"\b(produc\w*|produzione|facciamo|faccio|realizz\w*|cre[oa]|creiamo|fatt[ie] a mano|"
                     r"fatt[ie] da (me|noi)|artigian\w*|coltiv\w*|allev\w*|nostr[aei] produzione)\b")


# The first part of a compound that leaves a sector's word: "cicloturismo", "enoturismo", "ecoturismo"
_COMPOUND_PREFIX = re.compile(r"\b(ciclo|eno|eco|agri|bio|geo|moto|tele|aero|idro|elettro|termo|cine)(?=[a-z]{6,}\b)")


def _shop_of_a_product(folded: str, voc: Vocabulary) -> Optional[Tuple[int, str]]:
    """Where a shop named after its product is ("cioccolateria" of "cioccolato", "salumeria" of
    "salumi") and the product's sector, where the vocabulary knows the product."""
    sectors = voc.aliases.get(SECTOR, {})
    for match in re.finditer(r"\b([a-z]{3,})eri[ae]\b", folded):
        stem = match.group(1)
        for product in (stem + "o", stem + "a", stem + "e", stem + "i", re.sub(r"ch$", "c", stem) + "e"):
            if product in sectors:
                return match.start(), sectors[product]
    return None


def _read_sector(message: UserMessage, question: F.Question, slots: Mapping[str, Any], voc: Vocabulary,
                 from_ateco: bool = True) -> Any:
    """Our own sector words and professions first ("pizzeria", "avvocato"), then, where the sector
    is the question asked, ISTAT's ATECO titles and notes for any other activity ("apicoltura",
    "ricevitoria del lotto"). Not in a description of oneself: there every word of "sono un agente,
    libero professionista" would be a candidate trade."""
    folded = fold(message.text)
    if _RESELLING.search(folded) and not _MAKING.search(folded):
        return "retail"  # "vendo cover per smartphone su Amazon": a shop, whatever the goods
    found = _values(message, SECTOR, voc, SECTOR) or voc.named_in_text(SECTOR, message.text) \
        or voc.named_in_text(SECTOR, _COMPOUND_PREFIX.sub("", folded))  # "cicloturismo" is tourism
    # where the first sector found is said (a position in the folded text plus one: `Vocabulary.spans`)
    found_at = min((at for at, _, cid in voc.spans(SECTOR, message.text) if found and cid == found[0]),
                   default=None)
    shop = _shop_of_a_product(folded, voc)
    if shop and (not found or shop[0] < (len(folded) if found_at is None else found_at - 1)):
        return shop[1]  # "cioccolateria artigianale": the shop of chocolate, before the adjective
    named = voc.spans(PROFESSION, message.text)
    if found and named and named[0][0] < (len(message.text) + 2 if found_at is None else found_at):
        # "sono un illustratore, libri per bambini": who one is comes before what one works on
        return voc.professions[named[0][2]]["sector"]
    if found:
        return found[0]
    professions = _values(message, PROFESSION, voc, PROFESSION) or voc.named_in_text(PROFESSION, message.text)
    if professions:
        return voc.professions[professions[0]]["sector"]
    if message.text.startswith("/") or not from_ateco:
        return None
    match = ateco.classify(message.text)
    if match is None:
        return None
    # read from ISTAT's notes, not from a word of ours: right about half the time on phrasings never
    # seen, so it is asked back ("Dalla tua risposta direi il settore …"), never stored unconfirmed
    return Guess(match.sector, match.code, match.title)


@dataclass(frozen=True)
class Guess:
    """A sector read from ATECO's titles and notes, waiting for the user's yes."""
    sector: str
    code: str
    title: str

    def as_slot(self) -> Dict[str, str]:
        return {"sector": self.sector, "ateco": self.code, "title": self.title}


def _confirming_guess(message: UserMessage, slots: Mapping[str, Any]) -> Optional[bool]:
    """True/False when the message confirms or refuses the pending guess (`identity_guess`), None otherwise."""
    if not slots.get("identity_guess"):
        return None
    if message.text.startswith("/"):
        return {"affirm": True, "deny": False}.get(message.intent or "")
    reading = answers.yes_no(message.text)
    return {answers.YES: True, answers.NO: False}.get(reading)


def ateco_code(sector: str, texts_: List[str]) -> Optional[str]:
    """The ATECO code for a sector: the one the user's own words name when it belongs to that
    sector ("apicoltura" -> 01.48.3), else the sector's main code (data/ateco_sectors.yml)."""
    for text in texts_:
        match = ateco.classify(text) if text and not text.startswith("/") else None
        if match and match.sector == sector:
            return match.code
    return ateco.main_code(sector)


_NEGATED_CHANNEL = r"\b(manco|neanche|nemmeno|neppure|tranne|non uso|non usiamo|non ho|non abbiamo)\s+(\w+\s+)?$"
# "avevo Instagram anni fa, ora più niente", "usavamo Facebook, poi l'abbiamo chiuso": used once, not now
_USED_ONCE = re.compile(r"\b(avevo|avevamo|aveva|usavo|usavamo|usava|chius\w|abbandonat\w|cancellat\w|"
                        r"non (lo |la |li |le )?(uso|usiamo) piu)\b")
# "ancora nulla, dal prossimo mese apriamo Instagram": said before a channel, it is not used yet
_NOT_YET = re.compile(r"\b(dal prossimo|prossim\w+|l'anno prossimo|tra poco|tra qualche|a breve|presto|in futuro|"
                      r"stiamo per|abbiamo intenzione|pensiamo di|vorrei|vorremmo|apriremo|apriro|faremo|useremo|"
                      r"lanceremo|se potess\w+|se avess\w+|aprirei|apriremmo|userei|useremmo|proverei|proveremmo)\b")


def _mentions(folded: str, channel: str, voc: Vocabulary) -> List["re.Match[str]"]:
    """Where the folded message names the channel, by any of its aliases."""
    return [m for alias, cid in voc.raw_aliases.get(CHANNEL, []) if cid == channel
            for m in re.finditer(rf"\b{re.escape(fold(alias))}\b", folded)]


_NONE_FOR_WORK = re.compile(r"\b(per (il )?lavoro|per l'?attivita|per il negozio|per l'?azienda)\W*"
                            r"(niente|nulla|no|nessun\w*|zero|mai)\b"
                            r"|\b(niente|nulla|nessun\w*|zero|mai) per (il )?lavoro\b")
_CLAUSES = re.compile(r"[,;:.]|\b(ma|pero|poi|e|ed|solo|soltanto|adesso|ora)\b")


# Short names of channels that are words elsewhere ("incontri face to face"): read only where the
# channels in use are asked for
_SHORT_CHANNEL_NAMES = ((re.compile(r"(?i)(?<![\w@.])(?<!face to )(?<!face 2 )face(?!\s*(to|2)\s*face)(?![\w.])"), "Facebook"),)


def _read_channels(message: UserMessage, question: F.Question, slots: Mapping[str, Any], voc: Vocabulary) -> Any:
    spelled = message.text
    for short, name in _SHORT_CHANNEL_NAMES:
        spelled = short.sub(name, spelled)
    if spelled != message.text:  # "face e whatsapp": the name in full; the classifier's spans no longer hold
        message = UserMessage(spelled, message.intent, [])
    # the classifier's and the vocabulary's (a typo it missed beside a name it found: "facebook e instagam")
    named = list(dict.fromkeys(_values(message, CHANNEL, voc, CHANNEL) + voc.named_in_text(CHANNEL, message.text))) \
        or voc.named_in_text(CHANNEL, _unglued(message.text, voc.aliases.get(CHANNEL, {})))
    # "Facebook, AutoScout24 e Subito": a name that is also a word (subito, medium, line) is the
    # channel when written with its capital among other channels, or alone
    bare = voc.bare_channel_names
    alone = not re.search(r"\s", message.text.strip())
    capitalised = [bare[m.group(0).lower()]
                   for m in re.finditer(r"(?<![\w.])[A-Z][A-Za-z]+(?![\w.])", message.text)
                   if m.group(0).lower() in bare
                   and (alone or named and not re.search(r"(^|[.!?:;]\s*)$", message.text[:m.start()]))]
    named = list(dict.fromkeys([*named, *capitalised]))
    folded = fold(message.text)
    # "nessun social, manco WhatsApp": a channel named to say it is not used
    named = [c for c in named
             if not any(re.search(_NEGATED_CHANNEL, folded[:m.start()]) for m in _mentions(folded, c, voc))]
    if named and _USED_ONCE.search(folded):
        clauses = [c for c in _CLAUSES.split(folded) if c]
        current = [c for c in named
                   if any(_mentions(clause, c, voc) and not _USED_ONCE.search(clause) for clause in clauses)]
        if not current and not any(_USED_ONCE.search(c) is None and voc.named_in_text(CHANNEL, c) for c in clauses):
            return []  # every channel named was used once and is not any more
    # "no, ancora nulla, dal prossimo mese apriamo Instagram": a channel only planned is not used yet
    planned = [c for c in named if (said := _mentions(folded, c, voc))
               and all(_NOT_YET.search(re.split(r"[,;:.]", folded[:m.start()])[-1]) for m in said)]
    if planned:
        named = [c for c in named if c not in planned]
        if not named:
            return []
    if named and _NONE_FOR_WORK.search(folded):
        return []  # "uso Facebook per litigare coi parenti, per lavoro niente": private use is no channel
    known = list(slots.get("channels_used_named") or [])
    if named:
        return list(dict.fromkeys(known + named))  # "Mi hai detto che usi già Amazon" - "anche Instagram"
    if known and (_ONLY_THESE.search(folded) or answers.yes_no(message.text) == answers.NO):
        return known  # "no, solo quello"
    if answers.yes_no(message.text) == answers.NO \
            or re.search(r"\b(nessun\w*|niente|nulla|ancora no|per ora no)\b", fold(message.text)):
        return []
    return None


def _unglued(text: str, names: Mapping[str, str]) -> str:
    """Names typed without spaces, "facebookeinstagram" or "fb+ig", apart: each long word that is
    two known names joined by "e", "ed", "+" or "&"."""
    def apart(match: "re.Match[str]") -> str:
        word = match.group(0)
        for cut in range(2, len(word) - 2):
            left, rest = word[:cut], word[cut:]
            for joint in ("ed", "e", "+", "&"):
                if left in names and rest.startswith(joint) and rest[len(joint):] in names:
                    return f"{left} e {rest[len(joint):]}"
        return word
    return re.sub(r"[\w+&]{7,}", apart, fold(text))


# People to hire ("trovare camerieri", "prendere un apprendista"), volunteers, donors, bookings and
# customers to win ("più pazienti", "trovare importatori", "più date"): each names an objective
# whatever the noun's own words are, so they are read as classes, not as keyword stems.
_ROLES = (r"personale|camerier\w*|cuoch\w*|cuoc[oa]|collaborator\w*|collaboratric\w*|dipendent\w*|commess\w*|igienist\w*|"
          r"infermier\w*|operai\w*|autist\w*|stagist\w*|addett\w*|impiegat\w*|sviluppator\w*|"
          r"programmator\w*|educator\w*|istruttor\w*|magazzinier\w*|muratori|elettricist\w*|idraulic\w*|"
          r"parrucchier\w*|estetist\w*|barist\w*|pizzaiol\w*|lavorator\w*|talenti|apprendist\w*|barbier\w*|"
          r"dottorand\w*|ricercator\w*|ingegner\w*|tecnici|figure professionali|nuove leve|"
          r"maestr[ie]|insegnant\w*|docent\w*|animator\w*|bagnin\w*|stagionali|receptionist|lavapiatti|"
          r"facchin\w*|manutentor\w*|guardie|vigilant\w*|badant\w*|marinai|hostess|steward\w*|equipaggi\w*|operator[ei](?! (turistic|del settore|economic|commercial))|tirocinant\w*")
_CUSTOMERS = (r"client\w*|pazient\w*|student\w*|allie\w*|alunn\w*|utent\w*|iscri\w*|date|serate|ingaggi|"
              r"lavori|commess\w*|incarichi|matrimoni|cerimonie|appalti|importator\w*|distributor\w*|"
              r"rivenditor\w*|boutique|negozi|operatori (turistic|del settore|commercial)\w*|tour operator\w*|"
              r"ristoranti|famiglie|ospiti|turisti|visitatori|partner|aziende|"
              r"proprietari|acquirenti|compratori|soci|richieste|preventivi|contatti|ordini di aziende|"
              r"adozion\w*|adottant\w*|romani|gente (al|all'|in|nel|nella|a) ?(locale|negozio|aperitivo|bar|"
              r"ristorante|studio|bottega|serat\w+|event\w+|corsi)")
# people who would lend a hand: volunteers, however the noun is said
_HELPERS = (r"(persone|gente|qualcuno|qualcun altro|ragazzi|giovani|chi) che (ci |ce )?(dia|diano|da|danno|dar\w+|"
            r"dess\w+|voglia|vogliano|venga|vengano|vien\w*) (a )?(dare )?(una|'?na) mano")
_VOLUNTEERS = rf"volontar\w*|nuove forze|{_HELPERS}"
_DONORS = (r"donator\w*|donazion\w*|sponsor\w*|sostenitor\w*|fondi|finanziament\w*|lasciti|"
           r"(5|cinque) ?(per|x) ?(mille|1000)")
# "le visite in cantina" are booked; "visite al portfolio" are visits to a website
_BOOKINGS = (r"prenotazion\w*|appuntament\w*|booking|camere (prenotate|piene|occupate)|tavoli (prenotati|pieni)|"
             r"visite (in|alla|al|nella|nel|dello|della) (?!(mio |nostro )?(sito|portfolio|blog|profilo|pagina|canale|shop))\w+")
_HIRING = re.compile(rf"\b(trovare|trova'?|cercare|cerco|cerchiamo|assumere|assumo|assumiamo|reclutare|selezionare|inserire|prendere|attirare|"
                     rf"servono|serve|mancano|manca|"
                     rf"nuov[ie]|altr[io])\s+(\w+'?\s*){{0,4}}?({_ROLES})\b|^\W*(i |le |gli |dei |delle )?({_ROLES})\b")


def _hiring_a_trade(text: str, voc: Vocabulary) -> Optional["re.Match[str]"]:
    """"trovare un pasticcere", "cerco due estetiste": any trade of the vocabulary after a verb of
    hiring is a person to hire, beyond the roles _ROLES lists."""
    folded = fold(text)
    for start, _, _ in voc.spans(PROFESSION, text, typos=False):
        hire = re.search(r"\b(trovare|trovo|cercare|cerco|cerchiamo|assumere|assumo|assumiamo|reclutare|prendere)"
                         r"\s+((un|una|un'|uno|dei|delle|degli|nuov\w+|altr\w+|\d+|due|tre|quattro)\s*)*$",
                         folded[:max(start - 1, 0)] + " ")
        if hire:
            return hire
    return None


def _customers_served_not_sought(folded: str) -> bool:
    """Whether every "clienti" of the text is the object of serving them ("assistere i clienti",
    "rispondere ai clienti") and nothing asks for new ones or for leads."""
    mentions = list(re.finditer(r"\bclient\w*", folded))
    served = r"\b(assister\w*|assistiamo|rispondere|rispondiamo|supportare|aiutare|seguire|servire)\s+" \
             r"(a |ai |alle |i |le |gli |meglio )*$"
    sought = r"\b(nuov\w*|piu|altri|trovare|cercare|acquisire|attirare|portare)\s+(\w+\s+)?client|" \
             r"\b(contatt|lead|preventiv|richiest)"
    return bool(mentions) and all(re.search(served, folded[:m.start()]) for m in mentions) \
        and not re.search(sought, folded)


def _wanting(nouns: str) -> "re.Pattern[str]":
    """"trovare/più/nuovi … NOUNS", "NOUNS nuovi / in più", or the nouns alone as the whole answer."""
    return re.compile(rf"\b(trovare|trova'?|cercare|attirare|portare|riportare|riporta'?|piu|nuov[ie]|altr[ie]|acquisire|"
                      rf"raccogliere|ricevere|aumentare|fa'? veni'? piu)\s+(\w+'?\s*){{0,3}}?({nouns})\b"
                      rf"|\b({nouns})\s+(nuov\w*|in piu)\b|^\W*(i |le |gli |dei |delle )?({nouns})\W*$")


_WINNING = _wanting(_CUSTOMERS)
# The nouns of what is wanted, by objective, in the order they are tried: one table for the
# objectives question (each class a message names adds its objective; people to hire: _HIRING) and
# for the priority among the objectives given.
_NOUN_CLASSES = (("recruiting", _ROLES), ("volontari", _VOLUNTEERS), ("donazioni", _DONORS),
                 ("prenotazioni", _BOOKINGS), ("contatti", _CUSTOMERS))
_WANTED = tuple((value, _wanting(nouns)) for value, nouns in _NOUN_CLASSES if value != "recruiting")


# Customers described by what they bought ("aiutare i clienti che hanno già comprato") want help, not sales:
# the purchase is read as "già serviti", a stem of assistenza in data/vocabulary.yml.
_BOUGHT_ALREADY = re.compile(r"(?<=ch[ei] )(hanno|ha|avevano|aveva) (gi[aà] )?(comprat|acquistat|ordinat)\w*"
                             r"(\s+da (noi|me))?", re.IGNORECASE)
_SHOP = re.compile(r"\bpunt[oi] (di )?vendita\b", re.IGNORECASE)
# "seguire bene i clienti che abbiamo già": the customers one has, served: care, not new contacts
_OUR_CUSTOMERS = re.compile(r"\bclienti (che (abbiamo|ho|hanno) gi[aà]|che (abbiamo|ho)\b|attuali|esistenti|storici|"
                            r"di sempre|(gi[aà] )?acquisiti|fidelizzati)", re.IGNORECASE)
# "più visite guidate", "visite in cantina": people coming, booked, not visits to a website; "che la
# gente torni a comprare in negozio": customers in the shop, not selling online
_TOURS = re.compile(r"\bvisite (guidate|in cantina|al museo|in azienda|didattiche)\b", re.IGNORECASE)
# "raccogliere i soldi per l'organo": money collected is a fundraising (more money alone is sales)
_COLLECTING_MONEY = re.compile(r"\b(raccogl\w*|raccolta( di)?|mettere insieme) (i |dei |un po' di |qualche |tanti |\w+ )?"
                               r"(soldi|quattrini|euro|denaro|contributi)\b", re.IGNORECASE)
_BUYING_IN_THE_SHOP = re.compile(r"\b(comprare|acquistare|fare (la )?spesa) (in|nel|al|nella|dal|dalla) "
                                 r"(negozio|bottega|locale|punto vendita|banco|mercato)\b", re.IGNORECASE)
# The nouns of the objectives, as their misspellings are taken back to them ("nuovi clineti", "recenzioni").
_OBJECTIVE_NOUNS = ("clienti", "recensioni", "prenotazioni", "donazioni", "volontari", "vendite", "visibilita",
                    "contatti", "preventivi", "appuntamenti", "community", "notorieta", "assistenza",
                    # and the words typed in a hurry around them ("reputaizone", "comuinta", "trovrae")
                    "reputazione", "comunita", "pazienti", "richiesta", "richieste", "recruiting", "iscritti",
                    "conosca", "conoscano", "conoscere", "trovare", "assumere", "visite")


def _spelled(text: str) -> str:
    """The text with words close to an objective's noun written as that noun."""
    return re.sub(r"[^\W\d_]+", lambda m: comuni.typo_of(m.group(0).lower(), _OBJECTIVE_NOUNS, cutoff=0.82, shortest=6)
                  or m.group(0), text)


def _objectives_in(message: UserMessage, voc: Vocabulary) -> List[str]:
    """The objectives a message names, in text order: the extractor's spans (each split at "e" and
    commas: "vendite e community" is two), the vocabulary's stems elsewhere, people to hire and
    customers to win; again on the text with misspelt nouns set right, where there are any."""
    if _BOUGHT_ALREADY.search(message.text):
        message = UserMessage(_BOUGHT_ALREADY.sub("gia serviti", message.text), message.intent, [])
    if _OUR_CUSTOMERS.search(message.text):
        message = UserMessage(_OUR_CUSTOMERS.sub("gia serviti", message.text), message.intent, [])
    if _SHOP.search(message.text):  # "che si sappia che il nostro punto vendita esiste" is not about selling
        message = UserMessage(_SHOP.sub("negozio", message.text), message.intent, [])
    if _COLLECTING_MONEY.search(message.text):
        message = UserMessage(_COLLECTING_MONEY.sub("raccolta fondi", message.text), message.intent, [])
    if _TOURS.search(message.text) or _BUYING_IN_THE_SHOP.search(message.text):
        message = UserMessage(_BUYING_IN_THE_SHOP.sub("clienti in negozio", _TOURS.sub("prenotazioni", message.text)),
                              message.intent, [])
    found = _objectives_named(message, voc)
    spelled = _spelled(message.text)
    if spelled != message.text:  # in the order of the text as it was meant
        in_order = _objectives_named(UserMessage(spelled, message.intent, []), voc)
        found = in_order + [o for o in found if o not in in_order]
    return found


def _objectives_named(message: UserMessage, voc: Vocabulary) -> List[str]:
    text, found, read = message.text, {}, []
    for e in message.entities:
        if e.get("entity") != "objective":
            continue
        value, start = str(e.get("value")), e.get("start") if isinstance(e.get("start"), int) else 0
        if value in P.OBJECTIVES:
            found.setdefault(value, start)
            read.append(e)
            continue
        for part in re.split(r",|\be\b", fold(value)):
            first = _first([v for v in voc.values_in_text("objective", part) if v in P.OBJECTIVES])
            if first:
                found.setdefault(first, start)
                read.append(e)
    # the objective spans read above are not read twice; a span cut short ("creare un" of "creare un
    # gruppo") is read in the text; "il negozio online" tagged as a sector still says "sell online"
    unread = _outside_entities(UserMessage(text, message.intent, read), "objective")
    for value, at in voc.positions_in_text("objective", unread).items():
        if value in P.OBJECTIVES:
            found.setdefault(value, at)
    folded = fold(text)
    hiring = _HIRING.search(folded) or _hiring_a_trade(text, voc)
    helpers = re.search(rf"\b{_HELPERS}", folded)
    if helpers and "volontari" not in found:
        found["volontari"] = helpers.start()
    for value, match in (("recruiting", hiring), *((v, wanted.search(folded)) for v, wanted in _WANTED)):
        if match and value not in found:
            found[value] = match.start()
    if "assistenza" in found and "contatti" in found and _customers_served_not_sought(folded):
        found.pop("contatti")  # "assistere i clienti": the customers one has, not new ones
    if "recruiting" in found and hiring and "community" in found \
            and not re.search(r"\b(community|comunita|fideliz|gruppo|legame)", folded):
        found.pop("community")  # "trovare collaboratori per fare squadra": people to hire, not a community
    return sorted(found, key=found.get)


_ONLY_THESE = re.compile(r"\b(solo (questo|questi|quello|quelli|quella|quelle)|basta (cosi|questo)|va bene cosi|"
                         r"nient'? ?altro|nessun altro|null'? ?altro|e basta|tutto qui|per ora basta)\b")


def _read_objectives(message: UserMessage, question: F.Question, slots: Mapping[str, Any], voc: Vocabulary) -> Any:
    found = _objectives_in(message, voc)
    known = list(slots.get("objectives_named") or [])
    if known:  # "Mi hai detto che vuoi trovare clienti. C'è altro?"
        if found:
            return list(dict.fromkeys(known + found))
        if _ONLY_THESE.search(fold(message.text)) or answers.yes_no(message.text) == answers.NO:
            return known  # "no, solo quello"
    return found or None


def _read_priority(message: UserMessage, question: F.Question, slots: Mapping[str, Any], voc: Vocabulary) -> Any:
    chosen = list(slots.get("objectives") or [])
    # "non le donazioni, prima farci conoscere": what is said not to come first is left out
    message = UserMessage(re.sub(r"(?i)(^|[,;.]\s*)(non|nn|no)\s+(e\s+|sono\s+)?(le|la|il|i|gli|l')?\s*[^,;.]+[,;.]",
                                 r"\1", message.text), message.intent, [])
    # the objective named first: "più gente sul sito, poi le vendite" puts the site first
    named = [o for o in _objectives_in(message, voc) if o in chosen]
    folded = fold(message.text)
    # among the objectives given, a role names the hiring and a customer the contacts: "er barista"
    for value, nouns in _NOUN_CLASSES:
        if value not in chosen or value in named:
            continue  # nothing to add: the vocabulary scan below is skipped
        if re.search(rf"\b({nouns})\b", folded) or (value == "recruiting" and _hiring_a_trade(message.text, voc)):
            named.append(value)
    if named:
        return named[0]
    ordinal = re.search(r"\b(prim|second|terz|quart|ultim)[oa]\b", folded)
    if ordinal and chosen:
        if ordinal.group(1) == "ultim":
            return chosen[-1]
        index = ("prim", "second", "terz", "quart").index(ordinal.group(1))
        return chosen[index] if index < len(chosen) else None
    return None


def _read_places(message: UserMessage, slots: Mapping[str, Any], voc: Vocabulary) -> Any:
    places = list(dict.fromkeys(_values(message, PLACE, voc, PLACE) + voc.places_in_text(message.text)))
    if len(places) > 1 and "mondo" in places and re.search(r"\bovunque\s+(in|nel|nella|nei|negli|per|a)\b",
                                                          fold(message.text)):
        places.remove("mondo")  # "ovunque in Italia": everywhere there
    known = list(slots.get("places_named") or [])
    if known:  # "Mi hai detto Bolzano: è lì che vuoi trovare clienti?"
        if places and _ADDITIVE.search(fold(message.text)):
            return list(dict.fromkeys(known + places))  # "anche in Germania"
        if not places and (answers.yes_no(message.text) == answers.YES
                           or re.search(r"\b(solo|soltanto|lì|li|qui|qua|zona|in zona|dintorni|provincia)\b",
                                        fold(message.text))):
            return known  # "sì, solo lì", "in zona"
    return places or None


def _read_description(text: str) -> Optional[str]:
    """What the user does, as written; one word is enough when it names an activity ("toelettatura",
    "traslochi"): a patient consultant takes it rather than ask again."""
    described = parsing.clean_description(text)
    if described is None and re.fullmatch(r"\W*[^\W\d_]{6,}\W*", text or "") \
            and answers.yes_no(text) is None and not _NOT_AN_ACTIVITY.search(fold(text)):
        described = text.strip()
    return described


_NOT_AN_ACTIVITY = re.compile(r"\b(niente|nessuna|nessuno|qualcosa|comunque|insomma|dipende|praticamente|"
                              r"tantissime|parecchio|domanda|scusate|scusami|aspetta|grazie)\b")


# Questions answered by one value: a story's conclusion is the answer.
ONE_VALUE = (F.YES_NO, F.BUDGET, F.CHOICE, F.SECTOR, F.TEAM, F.HOURS, F.PRIORITY)
READERS = {
    F.YES_NO: _read_yes_no, F.BUDGET: _read_yes_no, F.CHOICE: _read_choice, F.SECTOR: _read_sector,
    F.OFFERING: _read_offering,
    F.TEXT: lambda message, *_: _read_description(message.text),
    F.AUDIENCE: lambda message, *_: parsing.read_audience(message.text),
    F.HOURS: lambda message, *_: parsing.parse_hours(message.text),
    F.TEAM: lambda message, question, slots, voc: answers.team(message.text)
    or _first(_learned(message, "team", P.TEAMS, voc)),
    F.PLACES: lambda message, question, slots, voc: _read_places(message, slots, voc),
    F.CHANNELS: _read_channels, F.OBJECTIVES: _read_objectives, F.PRIORITY: _read_priority,
}


def _outside_entities(message: UserMessage, label: Optional[str] = None) -> str:
    """The text with the extracted entities (of `label`, or all) blanked: what the extractor did not
    read as such."""
    text = message.text
    for e in message.entities:
        if label is not None and e.get("entity") != label:
            continue
        start, end = e.get("start"), e.get("end")
        if isinstance(start, int) and isinstance(end, int):
            text = text[:start] + " " * (end - start) + text[end:]
    return text


_BUSINESS_WORDS = re.compile(r"\b(negozi\w*|bottega|ristorant\w*|pizzeri\w*|trattori\w*|osteri\w*|bar|"
                             r"hotel|albergo|b&b|agriturismo|cantina|birrificio|panifici\w*|pasticceri\w*|"
                             r"salone|officina|azienda agricola|fattoria|caseificio|frantoio|palestra|"
                             r"farmacia|concessionaria|agenzia|studio (dentistico|medico)|clinica|negozio online|"
                             r"e-?commerce|famiglia|familiare|fabbrica|stabiliment\w*|capannone|"
                             r"dipendent\w*|soci|software house|torrefazione|autoscuola|cooperativa|"
                             r"gruppo (industriale|manifatturiero)|showroom|clinic\w+|gruppo di \w+|"
                             r"distilleria|salumificio|oleificio|vivaio|allevamento|cantiere|fornace|"
                             r"(seconda|terza|quarta|quinta) generazione|"
                             # a shop by its trade: "pescheria", "macelleria", "cartoleria", "lavanderia"
                             r"(?!periferi|materi|miseri|criteri|arteri|serie)\w{3,}eri[ae])\b")
# The user owns or is the business: "ho un salone", "siamo una clinica", "lavoro con mio figlio".
_OWNS_A_BUSINESS = re.compile(r"\b((ho|abbiamo|gestisco|gestiamo|teniamo|tengo|apriamo|ho aperto|siamo|"
                              r"mandiamo avanti|mando avanti) (un|una|un'|uno|il|la|l'|due|tre)?\s?"
                              r"(piccol[oa] |grande |nostr[oa] |mi[oa] )?(" + _BUSINESS_WORDS.pattern[3:-3] + r")|"
                              r"lavoro con (mio|mia) (figli|moglie|marito|fratell|sorell|padre|madre|soci)\w*)")
# A role inside an organisation: the organisation is what the user describes ("sono la marketing
# manager di una software house", "lavoro nel marketing di un gruppo", "alleno in una società").
_ROLE_IN = re.compile(r"\b(sono (il|la|l') ?\w+( \w+)? (di|del|della|dell'|dello|presso|per) |"
                      r"lavoro (nel|nella|in|per|presso|al|alla|all') ?(\w+ )*?(di|del|della|dell') ?|scrivo (da|per) |"
                      r"rappresento |alleno in |dirigo |curo la comunicazione (di|del|della|dell') ?)")
# Public bodies and non-profits; a province or a region only as a body ("l'ufficio della Regione"),
# never as a place ("in provincia di Chieti").
_PUBLIC_OR_NONPROFIT = re.compile(
    r"\b(parrocchi\w*|caritas|suore|frati|congregazion\w*|diocesi|istituto religioso|senza scopo di lucro|"
    r"non (facciamo|abbiamo) (profitt\w*|scopo di lucro)|"
    r"oratorio|pro loco|biblioteca|museo|(del|dal|per il|lavoro al|un|il|nel|al) (piccolo |grande |"
    r"nostro |mio )?comune|comune di|universita|sindac\w*|assessor\w*|consiglier\w* comunal\w*|"
    r"scuola (statale|pubblica|primaria|media|elementare|dell'infanzia)|istituto (comprensivo|statale|"
    r"superiore|tecnico|alberghiero)|liceo|volontar\w*|no profit|non profit|circolo|club|federazione|"
    r"consorzio|ente|istitut\w* (di ricerca|pubblic\w*)|statale|pubblic[oa] amministrazione|asl|ospedale|"
    r"(agenzia|ufficio|assessorato|giunta) (regionale|provinciale|comunale|della regione|della provincia|"
    r"del comune)|ministero|camera di commercio|onlus|aps|odv|cooperativa sociale|fondazione|polisportiva|"
    r"asd|societa sportiva dilettantistica|societa (sportiva|di (basket|calcio|pallavolo|volley|rugby|nuoto|"
    r"atletica|ciclismo|tennis|scherma|ginnastica))|squadra (di|del|della))\b")


_STARTUP_CUES = re.compile(r"\bstart\s?-?\s?up\b|\b(pre-?)?seed( round)?\b|\bscale[- ]?up\b|\bround di finanziamento\b|"
                           r"\bventure capital\b|\bbusiness angel\w*|\bincubat\w*")


def _a_business_cooperative(kind: str, text: str) -> bool:
    """A cooperative read as a non-profit: a cooperative is a business ("cooperativa di pescatori")
    unless it is a social one, which `_PUBLIC_OR_NONPROFIT` reads."""
    return kind == "ente" and bool(re.search(r"\bcooperativ\w*", text)) \
        and not re.search(r"\bcooperativa sociale\b|\bonlus\b", text)


def _opening_kind(text: str, voc: Vocabulary) -> Optional[str]:
    """The kind of organisation the text opens with ("professionista, …", "un brand di moda"), if any."""
    opening = re.match(r"\W*(?:(?:boh|beh|allora|diciamo|direi|siamo|sono|ok)\W+)*(?:(?:un|una|uno|un')\s*)?([\w-]+)",
                       fold(text))
    first = [v for v in voc.values_in_text("org_kind", opening.group(1)) if v in P.KINDS] if opening else []
    return first[0] if len(first) == 1 else None


def _org_kind(message: UserMessage, voc: Vocabulary) -> Optional[str]:
    """Kind of organisation: the words for it ("siamo una PMI", "associazione"), else what the
    description implies: a role in an organisation is that organisation's kind; a business the user
    owns ("ho un salone") makes a business even with a trade's name in it; a profession alone, a
    professional."""
    chosen = answers.chosen_option(message.text)  # "o startup o pmi… diciamo startup, …": the one chosen
    if chosen:
        kind = _org_kind(UserMessage(chosen, message.intent, []), voc)
        if kind:
            return kind
    text = fold(message.text)
    # "professionista, ho una ditta individuale", "ente pubblico, un'agenzia regionale": the kind the
    # answer opens with is the answer, whatever else the classifier tagged in it
    first = _opening_kind(message.text, voc)
    if first and not _STARTUP_CUES.search(text) and not _a_business_cooperative(first, text) \
            and not (first == "azienda" and _PUBLIC_OR_NONPROFIT.search(text)):  # "società sportiva"
        return first
    # "faccio lo skipper, ditta individuale", "artigiana con partita iva": one person working on their own
    if re.search(r"\b(ditta individuale|impresa individuale|partita iva|p\.? ?iva|lavoro da sol[oa])\b", text) \
            and not _BUSINESS_WORDS.search(text) \
            and not re.search(r"\b(dipendent\w*|soci|srl|spa|snc|sas|siamo|abbiamo)\b", text):
        return "professionista"
    found = _first(_learned(message, "org_kind", P.KINDS, voc))
    if found and not (found == "azienda" and _STARTUP_CUES.search(text)) and not _a_business_cooperative(found, text):
        return found  # "siamo una scale up fintech": a startup, though a company too
    role = _ROLE_IN.search(text)
    described = text[role.end():] if role else text  # the organisation, when the user works in one
    if re.search(r"\bspin.?off\b|\bstart\s?-?\s?(up|app|upp)\b|\bincubat\w*|\bacceleratore\b|\bprimo round\b|"
                 r"\bround (di finanziamento|seed|a)\b|\b(pre-?)?seed( round)?\b|\bbusiness angel\w*|\bventure capital\b|\bmvp\b|"
                 r"\bscale[- ]?up\b", described) \
            or any(difflib.SequenceMatcher(None, word, "startup").ratio() >= 0.8 for word in re.findall(r"\w{5,9}", described)):
        return "startup"  # also typed in a hurry: "startp", "stratup", "starup"
    professional = _values(message, PROFESSION, voc, PROFESSION) or voc.named_in_text(PROFESSION, text, typos=False) \
        or (voc.named_in_text(PROFESSION, text) if not _BUSINESS_WORDS.search(described) else [])
    # (a trade read one letter away from a shop's name is not a person: "pasticceria" is no "pasticcere")
    if professional and not role and not _OWNS_A_BUSINESS.search(text) \
            and not re.search(r"\b(siamo|abbiamo|lavoriamo|facciamo|gestiamo)\b", text):
        return "professionista"  # "sono un'avvocata, cerco clienti tra le aziende"
    # "vendiamo alle aziende" names the customers, not what the user is
    own = re.sub(r"\b(a|ad|alle|le|per|tra le|fra le|con|delle|dalle|nelle|presso|verso|di|altre|grandi|piccole)"
                 r"\s+(aziend\w*|impres\w*|pmi|societa|ditte|professionisti)\b", " ", described)
    if _PUBLIC_OR_NONPROFIT.search(described) or (role and _PUBLIC_OR_NONPROFIT.search(text)):
        # before the keywords: "società sportiva" is not a company; with a role, the body may come before
        # it or after ("Comune di duemila abitanti, scrivo per l'ufficio turismo")
        return "ente"
    found = _first([v for v in voc.values_in_text("org_kind", own) if v in P.KINDS])
    if found and not _a_business_cooperative(found, own):
        return found
    if _BUSINESS_WORDS.search(described) or _OWNS_A_BUSINESS.search(text):
        return "azienda"
    if professional or re.search(r"\b(lavoro da sol[oa]|sono ((un|una|un')\s?)?\w+(ista|ore|ice|ere|iere|ante|ente|aio|aia|ologo|ologa|iera)|"
                                  r"sono guida)\b", text):
        return "professionista"
    sectors = _values(message, SECTOR, voc, SECTOR) or voc.named_in_text(SECTOR, text)
    if sectors:
        return "ente" if sectors[0] in ("nonprofit", "public_sector") else "azienda"
    if re.search(r"\b((ho|abbiamo|gestisco|gestiamo|teniamo)( preso)?( in mano)? (un|una|un'|uno|il|la|lo|l')|"
                 r"facciamo|produciamo|vendiamo|coltiviamo|alleviamo)\b", text):
        return "azienda"  # "ho un box di functional training", "facciamo 'nduja": a business of some kind
    return None


def parse_payload(payload: str) -> UserMessage:
    """A button's payload ('/inform{"team":"agenzia"}') as the message Rasa would make of it."""
    match = re.fullmatch(r"/(\w+)(\{.*\})?", payload.strip())
    if not match:
        return UserMessage(text=payload, intent=None)
    entities = []
    if match.group(2):
        try:
            entities = [{"entity": k, "value": v} for k, v in json.loads(match.group(2)).items()]
        except ValueError:
            entities = []
    return UserMessage(text=payload, intent=match.group(1), entities=entities)


def _field_named(message: UserMessage, voc: Vocabulary) -> Optional[str]:
    """The field the user names: the extractor's `field` entity, else the field words of the
    vocabulary ("sbagliato il monte ore")."""
    for e in message.entities:
        if e.get("entity") == "field" and e.get("value") in P.CHANGEABLE:
            return e["value"]
    text = _FIELD_IDIOMS.sub(" ", fold(message.text))  # "col tempo ho imparato" names no field
    return next((f for f in voc.values_in_text("field", text) if f in P.CHANGEABLE), None)


# Field words in sayings that name no field: "col tempo", "tempo fa", "nel settore da anni".
_FIELD_IDIOMS = re.compile(r"\b(col|con il|nel|in|per|a|da|di) tempo\b|\btempo (fa|addietro|pieno|perso)\b|"
                           r"\bogni tanto\b|\bun tempo\b")


_DONT_KNOW = re.compile(r"^(non (lo )?so|non saprei|boh+|bo|mah+|non ho idea|nessuna idea|salta\w*|passo|"
                        r"preferisco non rispondere|non rispondo|non (lo )?so ancora|non ci ho (mai )?pensato|"
                        r"non saprei dire|non so dirti|non so risponderti|dopo|piu avanti|vai avanti|avanti|"
                        r"prossima|prossima domanda)( (ancora|proprio|davvero|sinceramente|onestamente|dirti|"
                        r"per ora|adesso|al momento|scusa))*$")
ANSWER_INTENTS = {"inform", "affirm", "deny", "dont_know", "change_field"}
SOCIAL_INTENTS = {"greet", "goodbye", "thanks", "how_are_you", "bot_challenge"}


def as_words(message: UserMessage, requested: str) -> UserMessage:
    """A gesture sent alone as the word it stands for at the question asked (`answers.gesture`), with
    the intent of that word; any other message as it is. Both forms read answers through it."""
    said = answers.gesture(message.text, requested)
    return UserMessage(said, {"sì": "affirm", "no": "deny"}.get(said, "inform"), []) if said else message


def interpret(message: UserMessage, requested: Optional[str], slots: Mapping[str, Any],
              voc: Vocabulary) -> Turn:
    """What the message changes in the profile, what to say, and the next question.

    The question asked is read first (`read_answer`); the classifier's intent counts only for an
    explicit command, a real question, small talk, or a change of an earlier answer.
    """
    slots = dict(slots)
    turn = Turn()
    if requested in P.QUESTIONS:  # "👍" at a yes/no question, "🙋" at "chi se ne occuperebbe?"
        message = as_words(message, requested)
    message = dataclasses.replace(message, text=answers.plain(message.text))  # no emoji, no list markers
    starred = answers.starred_correction(message.text)
    if starred:  # "tre ore a setimana *settimana": the typo set right; the classifier's spans after it moved
        corrected, changed_at = starred
        message = UserMessage(corrected, message.intent,
                              [e for e in message.entities if (e.get("end") or 0) <= changed_at])
    text = message.text
    problems = {e.get("value") for e in message.entities if e.get("entity") == INPUT_PROBLEM}
    if problems == {"foreign_language"} and getattr(F.BY_NAME.get(requested), "kind", None) in F.BOOLEAN_KINDS \
            and answers.yes_no(text) in (answers.YES, answers.NO):
        problems = set()  # "ja, kein Problem" at a yes/no question: the answer is clear in any language
    has_problem = bool(problems)
    if has_problem or answers.is_command(message.intent, text):
        return _not_an_answer(turn, requested, slots)
    if requested not in P.QUESTIONS:
        _outside_a_question(turn, message, slots, requested, voc)
    else:
        _answer(turn, message, slots, requested, voc)
    if not turn.is_answer:
        return _not_an_answer(turn, requested, slots)

    # A new objective list may make the old priority meaningless.
    if "objectives" in turn.updates and slots.get("priority") not in (None, P.SKIPPED) \
            and slots["priority"] not in (turn.updates["objectives"] or []):
        turn.updates["priority"] = None
    filled = {k: v for k, v in turn.updates.items() if v is not None and k in P.QUESTIONS}
    if filled:
        attempts = dict(turn.updates.get("attempts", slots.get("attempts") or {}))
        for k in filled:
            attempts.pop(k, None)
        if attempts != (slots.get("attempts") or {}):
            turn.updates["attempts"] = attempts
    if turn.updates.get("sector") not in (None, P.SKIPPED) and "ateco" not in turn.updates:
        # the ATECO code the sales team files the lead under: from this message, or the description
        turn.updates["ateco"] = ateco_code(turn.updates["sector"], [text, turn.updates.get("activity")
                                                                    or slots.get("activity") or ""])
    if {"activity", "sector", "ateco", "segment"} & {k for k, v in turn.updates.items() if v is not None}:
        # what the business offers, read again whenever what it is read from changes (bot/offerings.py);
        # a description that names several ("B&B con ristorante") is asked which comes first
        merged = {**slots, **turn.updates}
        named = offerings.candidates(merged)
        if len(named) > 1:
            if merged.get("offering_choices") != named[:MAX_OFFERING_CHOICES] or slots.get("offering") is None:
                turn.updates.update({"offering_choices": named[:MAX_OFFERING_CHOICES], "offering": None})
        else:
            offering = offerings.infer(merged)
            if offering != slots.get("offering"):
                turn.updates["offering"] = offering
            if slots.get("offering_choices"):
                turn.updates["offering_choices"] = None
    if turn.next_question is None:
        turn.next_question = P.next_question({**slots, **turn.updates})
        fresh = turn.updates.get("identity_guess") if not slots.get("identity_guess") else None
        if fresh and turn.next_question is not None:  # who the user is, just read: said back at once
            turn.next_question = "org_kind" if "org_kind" in fresh else "sector"
    if requested in P.QUESTIONS and turn.next_question == requested and "attempts" not in turn.updates:
        # Never the same question again without counting it: after two tries the interview moves on.
        _count_failure(turn, requested, slots)
        if turn.updates.get(requested) == P.SKIPPED:
            turn.next_question = P.next_question({**slots, **turn.updates})
    return turn


def _not_an_answer(turn: Turn, requested: Optional[str], slots: Mapping[str, Any]) -> Turn:
    """The dialogue rules answer the message (help, a channel question, small talk…); the form then
    asks its question again."""
    turn.is_answer, turn.updates, turn.notes = False, {}, []
    turn.next_question = requested if requested else P.next_question(slots)
    return turn


def _answer(turn: Turn, message: UserMessage, slots: Mapping[str, Any], requested: str,
            voc: Vocabulary) -> None:
    """A message while a question of the interview is asked."""
    text, intent = message.text, message.intent
    folded = fold(text)
    payload = text.startswith("/")
    if intent == "change_field" and _field_named(message, voc) not in (None, requested) \
            and _CORRECTION.search(folded):
        _change_field(turn, message, slots, requested, voc)  # "cambia il settore" while asked the team
        return
    echoed = None if payload or requested not in FREE_TEXT \
        else answers.after_echo(text, texts.question(requested, slots)["text"])
    if echoed and not answers.asks(echoed):  # "cosa faccio? taglio capelli e barba": the question echoed
        message = _tail(message, echoed)
        text, intent, folded = message.text, None, fold(message.text)
    # "bella domanda... un notaio sui social? non credo, no": a question, then the answer after it
    tail = answers.after_question(text)
    answered_after = bool(not payload and requested not in FREE_TEXT and answers.words(tail)
                          and read_answer(UserMessage(tail, None, []), requested, slots, voc) is not None)
    # "e perché no?", "ma che ne so... tre ore?": an answer said as a question, at a yes/no or hours question
    said_as_question = re.split(r"[.!?…]+", text.rstrip(" ?!."))[-1]
    answered_after = answered_after or bool(
        not payload and "?" in text and not tail
        and getattr(F.BY_NAME.get(requested), "kind", None) in (*F.BOOLEAN_KINDS, F.HOURS)
        and not answers.QUESTION_WORDS.match(answers.words(said_as_question))
        and read_answer(UserMessage(said_as_question, None, []), requested, slots, voc) not in (None, answers.HEDGE))
    if not payload and "?" in text and intent not in ANSWER_INTENTS and not answered_after:
        turn.is_answer = False  # a real question: "cos'è XING?", "in Germania cosa funziona?"
        return
    # "sì, l'abbiamo già fatto su Tripadvisor" answers a yes/no question, whatever channel it names
    opens_with_answer = not payload and getattr(F.BY_NAME.get(requested), "kind", None) in F.BOOLEAN_KINDS \
        and answers.starts_with_answer(text)
    # "chi compra su Amazon idee regalo": who the audience is, said without a question mark
    describes_people = requested == "audience" and "?" not in text and bool(_WHO.match(folded))
    asking = answers.asks(text) and not describes_people
    if not payload and asking and requested != "channels_used" and not opens_with_answer \
            and not answered_after and (
            any(e.get("entity") == CHANNEL for e in message.entities)
            or re.search(r"\b(social|canal\w*|piattaform\w*|network|app)\b", folded)):
        turn.is_answer = False  # "quale social va di più in Germania": a question about channels
        return
    if not payload and requested in FREE_TEXT and answers.asks_plainly(text) and not describes_people \
            and intent in QUESTION_INTENTS | {"help", "bot_challenge", "how_are_you"}:
        turn.is_answer = False  # "parlami di Instagram" would fill any free question
        return
    if intent in QUESTION_INTENTS and requested != "channels_used" and not opens_with_answer and not describes_people \
            and any(e.get("entity") == CHANNEL for e in message.entities):
        turn.is_answer = False  # "LinkedIn in Germania" is about the channel, whatever was asked
        return
    if not payload and answers.is_social(text):
        turn.is_answer = False  # "grazie", "ciao": the rules reply, then the question comes again
        return
    if payload and intent in INTERRUPTIONS:
        turn.is_answer = False
        return

    guess = slots.get("identity_guess") or {}
    if requested == "org_kind" and "org_kind" in guess:
        # "direi: azienda o PMI, settore «ristorazione». È così?"; a no keeps the sector to ask back alone
        confirmed = _confirming_guess(message, slots)
        rest = {k: v for k, v in guess.items() if k != "org_kind"} or None
        turn.updates["identity_guess"] = None if confirmed else rest
        if confirmed:
            _take_guess(turn, guess)
            return
        slots = {**slots, "identity_guess": rest}  # read as an answer to the plain question
        if confirmed is False:
            other = read_answer(message, requested, slots, voc)
            if other not in (None, answers.HEDGE, guess["org_kind"]):
                turn.updates[requested] = other  # "no, siamo un'associazione"
            else:
                _refuse_guess(turn, requested, slots)
            return
    if requested == "sector" and "sector" in guess:
        confirmed = _confirming_guess(message, slots)
        turn.updates["identity_guess"] = None
        if confirmed:
            _take_guess(turn, guess)
            return
        if confirmed is False:
            # "no, facciamo catering": the sector after the no; a bare "no" asks once more, plainly
            other = read_answer(message, requested, {**slots, "identity_guess": None}, voc)
            if isinstance(other, str) and other not in (answers.HEDGE, guess["sector"]):
                turn.updates["sector"] = other
            elif isinstance(other, Guess) and other.sector != guess["sector"]:
                turn.updates["identity_guess"] = other.as_slot()
                turn.next_question = requested
            else:
                _refuse_guess(turn, requested, slots)
            return
    value = read_answer(message, requested, slots, voc)
    if isinstance(value, Guess):
        if guess.get("sector") == value.sector:
            value = value.sector  # the same words again: that is what the user means
            turn.updates["ateco"] = guess["ateco"]
        else:
            turn.updates["identity_guess"] = value.as_slot()
            turn.next_question = requested
            turn.updates.setdefault("attempts", {**(slots.get("attempts") or {}), requested: 1})
            return
    if value is None and not payload and asking and intent not in ANSWER_INTENTS and not answered_after:
        turn.is_answer = False  # "quale social va di più in Germania": a question word and no answer
        return
    others = extract(message, slots, requested, voc)
    others.pop(requested, None)
    for name in OWN_QUESTION_ONLY:
        if name != requested and not payload:
            others.pop(name, None)  # "lavoro da sola" says how the business works, not who would post
    for name in CONFUSABLE.get(requested, ()):
        # "azienda" answering "chi sei?" is the kind, not the customers ("cerco clienti tra le aziende" is)
        if name in others and not _named_as_customers(message, name):
            others.pop(name)
    # "imbottigliamo vino, cioè volevo dire, lo produciamo": a description that corrects itself amends
    # nothing said before
    amending = _CORRECTION.search(folded) and not text.lstrip().lower().startswith("no") \
        and not (requested in FREE_TEXT and answers.after_correction(text)) \
        or _ADDITIVE.search(folded) and len(text.split()) <= 8
    if value not in (None, answers.HEDGE) and not (requested in FREE_TEXT and amending):
        amending = False  # an answer to the question asked never overwrites an earlier answer
    if requested in FREE_TEXT and not amending:
        # A description answers its own question; who the user is (kind, sector) may be read from it,
        # but "sneakers fatte nelle Marche" is not the market, "per famiglie e imprese" not a segment:
        # those questions are asked.
        others = {k: v for k, v in others.items() if k in DESCRIPTION_FILLS}
    if not amending:
        # a word that touches an earlier answer ("consulenza" in a description) is not a correction:
        # fill only what is still empty
        others = {k: v for k, v in others.items()
                  if slots.get(k) in (None, P.SKIPPED) or k in P.EXTRA_FIELDS}
    if _is_first(slots) and not payload:
        # the widget greets first: "ho una pizzeria a Napoli" then answers its first question, and is
        # read as a first message would be
        _read_as_first_message(others, message, slots, voc)
        others.pop(requested, None)
    # Places, objectives and customers said in passing while answering another question ("negozi
    # all'estero" at "a chi vendi?", "attirare visitatori da Napoli" at "dove?") are offered when their
    # own question comes ("Mi hai detto tutto il mondo: è lì…?", "Mi hai detto che vuoi … C'è altro?"),
    # not kept in its place; said instead of an answer ("in Toscana" at another question), they are
    # the answer.
    for name, offered in (("locations", "places_named"), ("objectives", "objectives_named"),
                          ("segment", "segment_named"), ("channels_used", "channels_used_named")):
        if others.get(name) and requested != name and slots.get(name) is None \
                and value not in (None, "", answers.HEDGE):
            said = others.pop(name)
            others[offered] = said if name == "segment" else list(dict.fromkeys([*(slots.get(offered) or []), *said]))
    # the widget asks "chi sei?" first, and a first message answers it ("Ho una trattoria a Bologna…"): a
    # kind inferred from a description, named by no word for a kind, is said back as from any first
    # message; "marchio" counts only said as what one is ("vorremmo rafforzare il marchio" is no brand)
    brand_said = _says_kind(text, "brand", voc) or _opening_kind(text, voc) == "brand"
    kind_words = [k for k in voc.values_in_text("org_kind", text) if k != "brand" or brand_said]
    kind_entities = [e for e in message.entities
                     if e.get("entity") == "org_kind" and (e.get("value") != "brand" or brand_said)]
    inferred = requested == "org_kind" and not payload and _is_first(slots) and value in P.KINDS \
        and len(text.split()) >= 6 and not kind_words and not kind_entities
    if inferred:
        others["org_kind"] = value
    _ask_back_identity(others, message, slots, voc)
    turn.updates.update(others)
    if inferred and "org_kind" in (turn.updates.get("identity_guess") or {}):
        turn.next_question = requested
        turn.updates["attempts"] = dict(slots.get("attempts") or {})  # said back, not failed
        return

    if _DONT_KNOW.match(answers.words(text)):
        _skip(turn, requested)
        return
    changed = [k for k, v in others.items() if slots.get(k) not in (None, P.SKIPPED) and slots.get(k) != v]
    if requested in FREE_TEXT and changed and amending:
        # "scusa, volevo dire Torino": a correction, not the description; asked again, and counted
        turn.notes.append(texts.noted(others, {**slots, **others}, voc))
        _count_failure(turn, requested, slots, note=False)
        return
    if value is None and intent == "dont_know":
        _skip(turn, requested)
        return

    if value == answers.HEDGE:
        _count_failure(turn, requested, slots, hedge=True)
    elif value is None or value == "":
        if others:
            turn.notes.append(texts.noted(others, {**slots, **others}, voc))
        _count_failure(turn, requested, slots)
    else:
        turn.updates[requested] = value
        if len([k for k in turn.updates if k in P.QUESTIONS]) >= 2:
            turn.notes.append(texts.noted(turn.updates, {**slots, **turn.updates}, voc))
        elif not payload and requested in GUESSED:
            turn.notes.append(texts.understood(requested, value, {**slots, **turn.updates}, voc))


def _take_guess(turn: Turn, guess: Mapping[str, Any]) -> None:
    """The user said yes to the guess: its kind, sector and ATECO code, those it holds, are kept."""
    for name in ("org_kind", "sector", "ateco"):
        if guess.get(name):
            turn.updates[name] = guess[name]


def _refuse_guess(turn: Turn, requested: str, slots: Mapping[str, Any]) -> None:
    """A bare "no" to the guess: the question is asked once more, plainly, and counted."""
    turn.notes.append(texts.message("guess_refused")["text"])
    _count_failure(turn, requested, slots, note=False)


def _skip(turn: Turn, requested: str) -> None:
    """"Non lo so", "salta": the question is skipped, and the user told so."""
    turn.updates[requested] = P.SKIPPED
    turn.notes.append(texts.message("skipped")["text"])


_CUSTOMERS_BEFORE = re.compile(r"\b(a|ad|ai|alle|agli|le|per|tra|fra|con|verso|clienti|client\w*|vend\w*|"
                               r"lavor\w*)(\s+(le|i|gli|delle|dei|piccole|grandi|altre))?\s*$")


def _named_as_customers(message: UserMessage, field_name: str) -> bool:
    """Whether the message's `segment` entity names customers ("tra le aziende"), not what the user is."""
    entity = F.question(field_name).entity
    for e in message.entities:
        start = e.get("start")
        if e.get("entity") == entity and isinstance(start, int) \
                and _CUSTOMERS_BEFORE.search(fold(message.text[:start])):
            return True
    return False


_WHO = re.compile(r"^\W*(chi|quelli che|quelle che|coloro che|gente che|persone che|tutti quelli che)\b")
# Words that answer one of these questions also look like another's: the question asked decides.
CONFUSABLE = {"org_kind": ("segment",), "segment": ("org_kind",)}
DESCRIPTION_FILLS = ("org_kind", "sector", "profession", "channels_named")
# Read only as the answer to their own question: who would run the channels is not who works in
# the business ("lavoro da sola, artigiana", and later "mia figlia, quando torna il fine settimana").
OWN_QUESTION_ONLY = ("team",)
FREE_TEXT = tuple(q.name for q in F.INTERVIEW if q.kind in (F.TEXT, F.AUDIENCE))
# Fields whose value is often inferred from a description: said back, so a wrong guess is seen.
GUESSED = ("org_kind", "sector")


_GREETING = re.compile(r"^\W*(ciao|salve|buongiorno|buonasera|buon pomeriggio|hey|ehi|ue|uè|bonjour|hello|hi)\b"
                       r"( \w+)?\W*[,!.]\s*", re.IGNORECASE)


def _described(message: UserMessage, slots: Mapping[str, Any], voc: Vocabulary) -> Dict[str, Any]:
    """What a self-description answers: who ("sono un liutaio"), the sector, where, and the
    description itself as what the user does."""
    found: Dict[str, Any] = {}
    for name in ("org_kind", "sector", "locations"):
        question = F.question(name)
        value = _read_sector(message, question, slots, voc, from_ateco=False) if name == "sector" \
            else READERS[question.kind](message, question, slots, voc)
        if value not in (None, answers.HEDGE, []):
            found[name] = value
    description = parsing.clean_description(_GREETING.sub("", message.text).strip())
    if description and len(description.split()) >= 5 and answers.says_what_one_does(description):
        found["activity"] = description
    return found


def _is_first(slots: Mapping[str, Any]) -> bool:
    """No question of the interview answered yet."""
    return not any(slots.get(q) is not None for q in P.QUESTIONS)


def _read_as_first_message(updates: Dict[str, Any], message: UserMessage, slots: Mapping[str, Any],
                           voc: Vocabulary) -> None:
    """Adds to `updates` what a first message tells: when it says who the user is, every question it
    answers. The place it names is where the user is, not yet where the customers are ("sono
    architetta a Bolzano"): the markets question is asked, with that place offered ("solo lì",
    "anche in Germania"); the objectives it names are asked to be completed the same way."""
    if answers.describes_oneself(message.text):
        for name, value in _described(message, slots, voc).items():
            updates.setdefault(name, value)
    if updates.get("locations"):
        updates["places_named"] = updates.pop("locations")
    if updates.get("objectives"):
        # "vorrei più clienti" is one objective, rarely all: the objectives question asks for more
        updates["objectives_named"] = updates.pop("objectives")
    if updates.get("segment"):
        # "vendo ai negozi" may leave out the private customers: said back at the segment question
        updates["segment_named"] = updates.pop("segment")
    if updates.get("channels_used"):
        # "vendo su Amazon" names one channel in use, rarely all: the channels question asks for more
        updates["channels_used_named"] = updates.pop("channels_used")


def _says_kind(text: str, kind: str, voc: Vocabulary) -> bool:
    """Whether the text says the kind of organisation in so many words ("siamo una piccola azienda di
    famiglia", "sono una freelance"), as opposed to a kind inferred from what it does or names."""
    folded = fold(text)
    for stem, value in voc.keywords.get("org_kind", []):
        if value == kind and re.search(r"\b(sono|siamo)\s+(un|una|uno|un')?\s*((piccol|grand|giovan|nuov)\w*\s+)?"
                                       + re.escape(stem), folded):
            return True
    return False


def _ask_back_identity(updates: Dict[str, Any], message: UserMessage, slots: Mapping[str, Any],
                       voc: Vocabulary) -> None:
    """Who the user is (kind and sector), read from words said before its questions (a first message,
    the answer to "chi sei?"), becomes a guess said back ("direi: azienda o PMI, settore ristorazione:
    è così?"), not a stored value: on the personas' first messages 7 of 68 sectors read were wrong
    ("ufficio turismo di un comune" is not tourism) and one kind in ten ("rafforzare il marchio" is no
    brand), and neither one cue nor several tell a weak reading from a strong one. A kind said in so many
    words ("siamo una piccola azienda") is kept: only the sector is asked back then."""
    if message.text.startswith("/"):
        return
    guess: Dict[str, Any] = {}
    sector = updates.get("sector")
    if sector not in (None, P.SKIPPED) and slots.get("sector") is None:
        del updates["sector"]
        guess.update(sector=sector, ateco=ateco_code(sector, [message.text]), title="")
    kind = updates.get("org_kind")
    if kind not in (None, P.SKIPPED) and slots.get("org_kind") is None and not _says_kind(message.text, kind, voc):
        guess["org_kind"] = updates.pop("org_kind")
    if guess:
        updates["identity_guess"] = guess


def _outside_a_question(turn: Turn, message: UserMessage, slots: Mapping[str, Any],
                        requested: Optional[str], voc: Vocabulary) -> None:
    """A message when no question is pending: the first message of a conversation, a reply to the
    summary, or a message after the plan."""
    complete = P.next_question(slots) is None
    if message.intent == "change_field" or requested == ASK_FIELD_TO_CHANGE \
            or (complete and (message.intent == "deny" or _CORRECTION.search(fold(message.text)))):
        _change_field(turn, message, slots, requested, voc)
        return
    if complete:
        # the profile is done: it changes only when the user asks ("cambia il pubblico")
        turn.notes.append(texts.message("profile_complete")["text"])
        return
    if answers.asks(message.text) and message.intent not in ANSWER_INTENTS:
        turn.is_answer = False
        return
    turn.updates = extract(message, slots, requested, voc)
    if _is_first(slots):
        _read_as_first_message(turn.updates, message, slots, voc)
    _ask_back_identity(turn.updates, message, slots, voc)
    if not turn.updates:
        if message.intent in SOCIAL_INTENTS | {"inform"} or answers.is_social(message.text):
            turn.is_answer = False  # a greeting: the rules greet, the form asks its first question
        return
    acknowledgement = texts.noted(turn.updates, {**slots, **turn.updates}, voc)
    if acknowledgement:
        turn.notes.append(acknowledgement)


def _change_field(turn: Turn, message: UserMessage, slots: Mapping[str, Any],
                  requested: Optional[str], voc: Vocabulary) -> None:
    """Clears the field the user wants to change (asking which, if unsaid), or sets its new value."""
    target = _field_named(message, voc)
    if target:
        for name in P.CHANGEABLE[target]:
            turn.updates[name] = None
        if target == "objectives":
            turn.updates["priority"] = None
        if target == "offering":  # asked again, with the offerings the description names (maybe none)
            turn.updates["offering_choices"] = offerings.candidates(slots)[:MAX_OFFERING_CHOICES]
    turn.updates.update(extract(message, {**slots, **turn.updates}, None, voc))
    nothing_to_change = requested == ASK_FIELD_TO_CHANGE and message.intent in ("deny", "affirm", "dont_know")
    if not turn.updates and not nothing_to_change:
        turn.next_question = ASK_FIELD_TO_CHANGE


def count_failure(turn: Turn, requested: str, slots: Mapping[str, Any], example: Optional[str]) -> bool:
    """One failed answer to `requested`, for both forms (the interview, the lead form). True: ask it
    once more, with `example` and a «salta» button; False: it failed MAX_FAILED_TRIES times, and the
    caller gives up on it. No question is asked more than twice in a row."""
    attempts = dict(slots.get("attempts") or {})
    attempts[requested] = attempts.get(requested, 0) + 1
    retry = attempts[requested] < MAX_FAILED_TRIES
    if retry:
        if example:
            turn.notes.append(example)
        turn.next_question = requested
        turn.offer_skip = True
    else:
        attempts.pop(requested)
    turn.updates["attempts"] = attempts
    return retry


def _count_failure(turn: Turn, requested: str, slots: Mapping[str, Any], hedge: bool = False,
                   note: bool = True) -> None:
    """The interview's failed answer: after the second, the question is skipped and the user is told
    how to come back to it."""
    example = texts.example("hedge" if hedge else requested) if note else None
    if not count_failure(turn, requested, slots, example):
        turn.updates[requested] = P.SKIPPED
        turn.notes.append(texts.message("moving_on")["text"])
