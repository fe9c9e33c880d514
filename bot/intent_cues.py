"""When the classifier's intent gives way to what a message plainly is.

The classifier learned intents from examples; a first message such as "ho una pizzeria a Napoli"
or "sono un agente di viaggio" resembles none of them and lands on out-of-scope or on sales mode.
A message that describes one's work or business, asks nothing and does not say a command is
information for the interview. No Rasa import: the NLU component `SelfDescription` calls this.
"""
from __future__ import annotations

from typing import Iterable, Optional

from bot import answers

# Intents a self-description is mistaken for. Commands count only when their words are there
# (bot/answers.py, COMMAND_CUES); questions only with a question mark or a question word.
MISTAKEN = {"out_of_scope", "nlu_fallback", "goodbye", "thanks", "how_are_you", "bot_challenge",
            "ask_channel_info", "ask_channel_country", "ask_channel_users", "ask_channel_compare",
            "ask_channel_why_not", *answers.COMMAND_CUES}
# Entities that make a statement about the user's work: a profession, a sector, a place.
DESCRIBING_ENTITIES = {"profession", "sector", "org_kind"}


def is_information(intent: Optional[str], text: str, entities: Iterable[str] = ()) -> bool:
    """Whether a message the classifier gave `intent` is really information about the user."""
    if intent not in MISTAKEN or not text or text.startswith("/") or answers.asks(text):
        return False
    if answers.is_command(intent, text) or answers.is_social(text):
        return False
    return answers.describes_oneself(text) or bool(DESCRIBING_ENTITIES & set(entities))
