"""Whole quantity expressions for the learned `hours`, `age` and `budget` entities.

The CRF tags words one by one and sees one word either side; a range is a few examples among
hundreds, so it tags "tra 4 e [5] ore", "[due o] trecento euro" or "[18-]24 anni" (as hours). The
grammar of these expressions is regular, so they are read with patterns instead of more examples:
an entity the extractor found is widened to the whole expression that contains it, and takes the
type the expression's unit says ("anni" is an age, "euro" a budget, "ore" hours). Nothing is added
where the extractor found nothing, and an entity outside every expression is left as it is.

The spans follow the training data's conventions (docs/nlu.md, "span rules"): hours are the
numbers only ("[4 e 5] ore"); ages include their preposition and unit ("[tra i 30 e i 50 anni]",
"[sopra i 45 anni]", "[over 50]"); budgets include the currency and a negation ("[neanche un
euro]", "[due o trecento euro]"). tests/bot/test_quantities.py checks every annotated example of
the training data against these patterns.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple

QUANTITY_ENTITIES = ("hours", "age", "budget")

_UNITS = (r"un|una|uno|due|tre|quattro|cinque|sei|sette|otto|nove|dieci|undici|dodici|tredici|"
          r"quattordici|quindici|sedici|diciassette|diciotto|diciannove")
_TENS = r"venti|vent|trenta|trent|quaranta|quarant|cinquanta|cinquant|sessanta|sessant|settanta|settant|" \
        r"ottanta|ottant|novanta|novant"
# a number in digits ("5", "2,5", "5.000", "2mila") or in words ("tre", "ventidue", "trecento")
NUMBER = (rf"(?:\d+(?:[.,]\d+)?(?:mila|k)?|(?:{_UNITS}|{_TENS}|cento|mille)"
          rf"(?:{_TENS}|{_UNITS}|cento|mila)*)")
# "4 e 5", "due o tre", "3-4", "tra i 30 e i 50": the second number may repeat the article
_RANGE = rf"{NUMBER}(?:\s*[-–/]\s*{NUMBER}|\s+(?:e|o|oppure|a|ai)\s+(?:(?:i|gli)\s+)?{NUMBER})?"
_ARTICLE = r"(?:i|gli)\s+"
_NOT_OTHER_UNIT = r"(?!\s*(?:euro|€|ore|ora|minuti|h)\b|\s*€)"  # "sotto i 300 euro" is no age

# (entity, pattern): the longest match overlapping an extracted entity decides its span and type
# (the first in this order on a tie); None keeps the entity's own type.
_PATTERNS: List[Tuple[Optional[str], str]] = [
    ("age", rf"(?:(?:tra|fra)\s+{_ARTICLE})?{_RANGE}\s+anni"),
    ("age", rf"(?:tra|fra)\s+{_ARTICLE}{NUMBER}\s+e\s+{_ARTICLE}{NUMBER}{_NOT_OTHER_UNIT}"),
    ("age", rf"(?:over|under)\s*{NUMBER}(?:\s+anni)?{_NOT_OTHER_UNIT}"),
    ("age", rf"(?:sopra|sotto|oltre)\s+{_ARTICLE}{NUMBER}(?:\s+anni)?{_NOT_OTHER_UNIT}"),
    ("age", rf"dai\s+{NUMBER}\s+(?:anni\s+)?in\s+su"),
    ("age", rf"dai\s+{NUMBER}\s+ai\s+{NUMBER}(?:\s+anni)?{_NOT_OTHER_UNIT}"),
    ("age", rf"sui\s+{NUMBER}(?:\s+anni)?{_NOT_OTHER_UNIT}"),
    ("budget", rf"(?:(?:neanche|nemmeno|neppure|manco)\s+)?{_RANGE}\s*(?:euro|€)"),
    # hours: the numbers only, followed by their unit or not (the extractor already said hours)
    ("hours", rf"{NUMBER}(?:\s*[-–/]\s*|\s+(?:e|o|oppure|a)\s+){NUMBER}(?=\s+(?:ore|ora|h)\b)"),
    (None, rf"{NUMBER}(?:\s*[-–/]\s*|\s+(?:e|o|oppure)\s+){NUMBER}"),
]
_EXPRESSIONS = [(entity, re.compile(rf"(?<![\w-]){pattern}(?![\w-])", re.I)) for entity, pattern in _PATTERNS]


def _expressions(text: str) -> List[Tuple[Optional[str], int, int]]:
    """Every match of every pattern in the text: (its entity or None, start, end), in pattern order."""
    return [(entity, m.start(), m.end()) for entity, pattern in _EXPRESSIONS for m in pattern.finditer(text)]


def _widened(text: str, entity: Dict[str, Any], expressions: List[Tuple[Optional[str], int, int]]) -> Dict[str, Any]:
    if entity.get("entity") not in QUANTITY_ENTITIES or "start" not in entity or "end" not in entity:
        return entity
    overlapping = [x for x in expressions if x[1] < entity["end"] and entity["start"] < x[2]]
    # the longest; on a tie the first pattern (max keeps the first of equals)
    found = max(overlapping, key=lambda x: x[2] - x[1], default=None)
    if not found or (found[0] is None and entity["entity"] != "hours"):
        return entity  # a bare range is widened only for hours ("4 e 5"); "18-24" needs its unit
    kind, start, end = found[0] or entity["entity"], found[1], found[2]
    if (kind, start, end) == (entity["entity"], entity["start"], entity["end"]):
        return entity
    return {**entity, "entity": kind, "start": start, "end": end, "value": text[start:end],
            "processors": [*entity.get("processors", []), "whole_expressions"]}


def whole_expressions(text: str, entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The entities with each quantity widened to its whole expression (see the module's doc); a
    quantity overlapping one already kept is a piece of it ("[due o] [trecento euro]") and goes."""
    out: List[Dict[str, Any]] = []
    expressions = _expressions(text)
    widened = [_widened(text, e, expressions) for e in entities]
    for entity in sorted(widened, key=lambda e: (e.get("start", 0), e.get("start", 0) - e.get("end", 0))):
        if entity.get("entity") in QUANTITY_ENTITIES and any(
                kept.get("entity") in QUANTITY_ENTITIES and kept["start"] < entity["end"]
                and entity["start"] < kept["end"] for kept in out):
            continue
        out.append(entity)
    return out
