"""The interview's logic: what one user message changes in the profile, and what to ask next.

`interpret` is called once per user turn by the form validation action with the message's intent,
entities and text, the question being asked and the current slots. It returns the slot updates, the
notes to say and the next question. No Rasa import: tested directly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional

from bot import parsing
from bot import profile as P
from bot import texts
from bot.vocabulary import CHANNEL, PLACE, PROFESSION, SECTOR, Vocabulary, fold

MAX_FAILED_TRIES = 2
ASK_FIELD_TO_CHANGE = "field_to_change"  # a pseudo-question: which field to change
INPUT_PROBLEM = "input_problem"  # entity set by the input guard for unusable messages

# Intents that are not answers: the form lets the rules handle them, then asks again.
INTERRUPTIONS = {"greet", "goodbye", "help", "start_over", "bot_challenge", "thanks",
                 "how_are_you", "out_of_scope", "ask_channel_info", "ask_channel_country",
                 "ask_channel_users", "ask_channel_compare", "ask_channel_why_not",
                 "continue_on_telegram", "request_human", "show_my_data", "erase_my_data",
                 "start_sales_mode"}

# Questions the classifier may see in a bare answer: "in Germania", said when asked where the user
# works, looks like "in Germania cosa funziona?" without its question.
QUESTION_INTENTS = {"ask_channel_info", "ask_channel_country", "ask_channel_users", "ask_channel_compare",
                    "ask_channel_why_not", "out_of_scope"}
_ASKS = re.compile(r"\?|^\s*(che|cosa|cos|come|qual\w*|quant\w*|dove|perche|chi|quando|sai|conviene|"
                   r"vale la pena|ha senso|mi (dici|spieghi|consigli)|dimmi|parlami|spiegami|e se)\b")
_USAGE = re.compile(r"\b(uso|usiamo|usa|usano|utilizz\w*|abbiamo|ho|siamo su|sono su|gestisc\w*|"
                    r"gia|attiv\w*|profilo|pagina|account)\b")
_ADDITIVE = re.compile(r"\b(anche|pure|inoltre|in piu|aggiung\w*)\b")
_NEGATED_BEFORE = re.compile(r"\b(non|no|niente|tranne|ma non)\s*$")
# Words that mark a correction of something said before ("no, in realtà ...").
_CORRECTION = re.compile(r"^\s*no\b|\b(in realta|anzi|volevo dire|intendevo|correggo|correggi|"
                         r"scusa|mi sono sbagliat\w*|ho sbagliato|cambia\w*|modific\w*)\b")


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


def extract(message: UserMessage, slots: Mapping[str, Any], requested: Optional[str],
            voc: Vocabulary) -> Dict[str, Any]:
    """Profile updates carried by the message's entities, whatever question was asked."""
    updates: Dict[str, Any] = {}
    additive = bool(_ADDITIVE.search(fold(message.text)))

    kind = _first(_learned(message, "org_kind", P.KINDS, voc))
    professions = _values(message, PROFESSION, voc, PROFESSION)
    sectors = _values(message, SECTOR, voc, SECTOR)
    if professions:
        updates["profession"] = professions[0]
        kind = kind or "professionista"
        sectors = sectors or [voc.professions[professions[0]]["sector"]]
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
        if kind_of == "hours" and "weekly_hours" not in updates:
            # the whole sentence knows "al giorno"; a button payload carries just the number
            from_text = None if message.text.startswith("/") else parsing.parse_hours(message.text)
            hours = from_text if from_text is not None else parsing.parse_hours(str(e.get("value")))
            if hours is not None:
                updates["weekly_hours"] = hours
        elif kind_of == "age" and "audience" not in updates:
            from_text = None if message.text.startswith("/") else parsing.parse_age(message.text)
            age = from_text or parsing.parse_age(str(e.get("value")))
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
    """A message classified as a question that answers the question asked: it asks nothing (no "?",
    no question word) and its entities fill the requested field. Free-text questions (activity,
    audience) never qualify: any text would fill them."""
    if message.intent not in QUESTION_INTENTS or not requested or requested == ASK_FIELD_TO_CHANGE \
            or _ASKS.search(fold(message.text)):
        return False
    if requested != "channels_used" and any(e.get("entity") == CHANNEL for e in message.entities):
        return False  # "LinkedIn in Germania" is about the channel, whatever was asked
    as_answer = UserMessage(text=message.text, intent="inform", entities=message.entities)
    return requested in extract(as_answer, slots, requested, voc)


def _answer_requested(message: UserMessage, requested: str, voc: Vocabulary) -> Dict[str, Any]:
    """Reading the message as a direct answer to the question asked (yes/no, numbers, free text)."""
    intent, text = message.intent, message.text
    if requested in P.BOOLEAN_FIELDS and intent in ("affirm", "deny"):
        return {requested: intent == "affirm"}
    if requested == "channels_used" and intent == "deny":
        return {"channels_used": []}
    if requested == "weekly_hours":
        hours = parsing.parse_hours(text)
        return {} if hours is None else {"weekly_hours": hours}
    if requested == "audience":
        age = parsing.parse_age(text)
        if age:
            return {"audience": age}
        description = parsing.clean_description(text, max_len=120)
        return {"audience": description} if description and intent == "inform" else {}
    if requested == "activity" and intent not in ("affirm", "deny", "dont_know", "change_field") \
            and not _CORRECTION.search(fold(text)):
        description = parsing.clean_description(text)
        return {"activity": description} if description else {}
    # closed questions answered in words the extractor did not tag: the vocabulary's stems
    keyed = {"org_kind": ("org_kind", P.KINDS), "segment": ("segment", P.SEGMENTS),
             "team": ("team", P.TEAMS), "objectives": ("objective", P.OBJECTIVES)}
    if requested in keyed and intent not in ("affirm", "deny", "dont_know") and not text.startswith("/"):
        entity, allowed = keyed[requested]
        found = [v for v in voc.values_in_text(entity, text) if v in allowed]
        if found:
            return {requested: found if requested == "objectives" else found[0]}
    return {}


def _field_named(message: UserMessage, voc: Vocabulary) -> Optional[str]:
    """The field the user names: the extractor's `field` entity, else the field words of the
    vocabulary ("sbagliato il monte ore")."""
    for e in message.entities:
        if e.get("entity") == "field" and e.get("value") in P.CHANGEABLE:
            return e["value"]
    return next((f for f in voc.values_in_text("field", message.text) if f in P.CHANGEABLE), None)


def interpret(message: UserMessage, requested: Optional[str], slots: Mapping[str, Any],
              voc: Vocabulary) -> Turn:
    """What the message changes in the profile, what to say, and the next question."""
    slots = dict(slots)
    has_problem = any(e.get("entity") == INPUT_PROBLEM for e in message.entities)
    complete = P.next_question(slots) is None
    turn = Turn()
    if reads_as_answer(message, requested, slots, voc):
        message = UserMessage(text=message.text, intent="inform", entities=message.entities)

    if has_problem or (message.intent in INTERRUPTIONS and message.intent != "greet"):
        # "che tempo fa a Roma?" names a place but is not an answer; only a greeting may carry
        # information ("ciao, sono un avvocato")
        turn.is_answer = False
    elif message.intent == "change_field" or requested == ASK_FIELD_TO_CHANGE \
            or (complete and message.intent == "deny"):
        _change_field(turn, message, slots, requested, voc)
    else:
        turn.updates = extract(message, slots, requested, voc)
        amending = _CORRECTION.search(fold(message.text)) or _ADDITIVE.search(fold(message.text))
        if requested and not amending:
            # Answering a question, a word that touches an earlier answer ("consulenza" in a
            # description) is not a correction: fill only what is still empty.
            turn.updates = {k: v for k, v in turn.updates.items()
                            if k == requested or slots.get(k) in (None, P.SKIPPED) or k in P.EXTRA_FIELDS}
        if message.intent == "greet" and not turn.updates:
            turn.is_answer = False
        elif requested and requested != ASK_FIELD_TO_CHANGE and requested not in turn.updates:
            if message.intent == "dont_know":
                turn.updates[requested] = P.SKIPPED
                turn.notes.append(texts.message("skipped")["text"])
            elif not turn.updates or requested not in ("activity", "audience"):
                # free text answers a free question only when it said nothing else
                turn.updates.update(_answer_requested(message, requested, voc))
            if requested not in turn.updates and not turn.updates:
                _count_failure(turn, requested, slots)

    if not turn.is_answer:
        turn.updates = {}
        turn.next_question = requested if requested else P.next_question(slots)
        return turn

    # A new objective list may make the old priority meaningless.
    if "objectives" in turn.updates and slots.get("priority") not in (None, P.SKIPPED) \
            and slots["priority"] not in (turn.updates["objectives"] or []):
        turn.updates["priority"] = None
    if any(k in P.QUESTIONS for k in turn.updates if k not in ("attempts",)):
        new_slots = {**slots, **turn.updates}
        filled = {k: v for k, v in turn.updates.items() if v is not None}
        if len([k for k in filled if k in P.QUESTIONS]) >= 2 or (requested and requested not in filled):
            acknowledgement = texts.noted(filled, new_slots, voc)
            if acknowledgement:
                turn.notes.insert(0, acknowledgement)
        attempts = dict(slots.get("attempts") or {})
        for k in filled:
            attempts.pop(k, None)
        if attempts != (slots.get("attempts") or {}):
            turn.updates["attempts"] = attempts
    if turn.next_question is None:
        turn.next_question = P.next_question({**slots, **turn.updates})
    return turn


def _change_field(turn: Turn, message: UserMessage, slots: Mapping[str, Any],
                  requested: Optional[str], voc: Vocabulary) -> None:
    """Clears the field the user wants to change (asking which, if unsaid), or sets its new value."""
    target = _field_named(message, voc)
    if target:
        for name in P.CHANGEABLE[target]:
            turn.updates[name] = None
        if target == "objectives":
            turn.updates["priority"] = None
    turn.updates.update(extract(message, {**slots, **turn.updates}, None, voc))
    nothing_to_change = requested == ASK_FIELD_TO_CHANGE and message.intent in ("deny", "affirm", "dont_know")
    if not turn.updates and not nothing_to_change:
        turn.next_question = ASK_FIELD_TO_CHANGE


def _count_failure(turn: Turn, requested: str, slots: Mapping[str, Any]) -> None:
    attempts = dict(slots.get("attempts") or {})
    attempts[requested] = attempts.get(requested, 0) + 1
    if attempts[requested] >= MAX_FAILED_TRIES:
        attempts.pop(requested)
        turn.updates[requested] = P.SKIPPED
        turn.notes.append(texts.message("moving_on")["text"])
    else:
        turn.notes.append(texts.example(requested))
        turn.next_question = requested
    turn.updates["attempts"] = attempts
