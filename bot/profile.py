"""The profile the interview gathers: its fields, allowed values and validation.

The fields are Rasa slots with the same names; this module knows nothing of Rasa.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Tuple

from bot import fields as F

SKIPPED = "non_indicato"  # the user chose not to answer, or the bot moved on after failed tries

# Everything below comes from the questions' registry (bot/fields.py).
KINDS = F.question("org_kind").values
SEGMENTS = F.question("segment").values
OBJECTIVES = F.question("objectives").values
TEAMS = F.question("team").values
TRANSPARENCY = tuple(q.name for q in F.INTERVIEW if q.group == F.TRANSPARENCY)

# The interview's questions in the order they are asked; each is a slot.
QUESTIONS: Tuple[str, ...] = tuple(q.name for q in F.INTERVIEW)
# Fields that are not questions but are filled from what the user says.
EXTRA_FIELDS = ("profession", "ateco", "offering_choices", "channels_named", "places_named", "objectives_named",
                "segment_named", "channels_used_named")
FIELDS = (*QUESTIONS, *EXTRA_FIELDS)  # everything a profile holds
BOOLEAN_FIELDS = tuple(q.name for q in F.INTERVIEW if q.kind in F.BOOLEAN_KINDS)
LIST_FIELDS = tuple(q.name for q in F.INTERVIEW if q.kind in F.LIST_KINDS)
# What a user may ask to change: a field name, or a group of fields.
CHANGEABLE = {**{q.name: (q.name,) for q in F.INTERVIEW if not q.group},
              **{group: tuple(q.name for q in F.INTERVIEW if q.group == group) for group in F.GROUP_LABELS}}


def priority_needed(slots: Mapping[str, Any]) -> bool:
    objectives = slots.get("objectives")
    return isinstance(objectives, list) and len(objectives) > 1


def offering_needed(slots: Mapping[str, Any]) -> bool:
    """Asked only when there are offerings to choose from (the description named several) or the
    user asked to change it ("cambia cosa offri": the choices are set, maybe empty), and none is
    settled; otherwise the offering is read from the description or the sector (bot/offerings.py)."""
    return slots.get("offering") is None and slots.get("offering_choices") is not None


CONDITIONS = {"priority": priority_needed, "offering": offering_needed}  # questions asked only when needed


def asked(name: str, slots: Mapping[str, Any]) -> bool:
    return CONDITIONS.get(name, lambda _: True)(slots)


def next_question(slots: Mapping[str, Any]) -> str | None:
    """The first question still without an answer, or None when the profile is complete."""
    for name in QUESTIONS:
        if asked(name, slots) and slots.get(name) is None:
            return name
    return None


def answered(slots: Mapping[str, Any]) -> Tuple[int, int]:
    """(questions answered or skipped, questions in this interview)."""
    names = [q for q in QUESTIONS if asked(q, slots)]
    return sum(slots.get(q) is not None for q in names), len(names)


def validate(slots: Mapping[str, Any]) -> Tuple[Dict[str, Any], List[str]]:
    """The profile as a plain dict, and the problems that make it unusable (empty when valid)."""
    problems = []
    profile = {name: slots.get(name) for name in FIELDS}
    for name in QUESTIONS:
        value = profile[name]
        if not asked(name, slots):
            continue
        if value is None:
            problems.append(f"{name}: missing")
        elif value == SKIPPED:
            continue
        elif name == "org_kind" and value not in KINDS:
            problems.append(f"org_kind: {value!r} is not a kind")
        elif name == "segment" and value not in SEGMENTS:
            problems.append(f"segment: {value!r} is not a segment")
        elif name == "team" and value not in TEAMS:
            problems.append(f"team: {value!r} is not a team")
        elif name in BOOLEAN_FIELDS and not isinstance(value, bool):
            problems.append(f"{name}: {value!r} is not yes/no")
        elif name in LIST_FIELDS and not isinstance(value, list):
            problems.append(f"{name}: {value!r} is not a list")
        elif name == "objectives" and not set(value) <= set(OBJECTIVES):
            problems.append(f"objectives: {value!r} has unknown objectives")
        elif name == "weekly_hours" and not isinstance(value, (int, float)):
            problems.append(f"weekly_hours: {value!r} is not a number")
    return profile, problems
