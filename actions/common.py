"""What every action needs: the latest user message, sending a text with its buttons, and the
lead store update for this conversation."""
from __future__ import annotations

from typing import Any, Dict

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot import interview, texts
from bot.leads.store import LeadUpdate


def user_message(tracker: Tracker) -> interview.UserMessage:
    latest = tracker.latest_message or {}
    return interview.UserMessage(text=latest.get("text") or "",
                                 intent=(latest.get("intent") or {}).get("name"),
                                 entities=list(latest.get("entities") or []))


def send(dispatcher: CollectingDispatcher, message: Dict[str, Any]) -> None:
    dispatcher.utter_message(text=message["text"], buttons=message.get("buttons") or [])


def is_sales(tracker: Tracker) -> bool:
    """A salesperson answers for a prospect (actions/sales.py, StartSalesMode)."""
    return tracker.get_slot("mode") == texts.SALES_MODE


def lead_update(tracker: Tracker, step: str, **fields: Any) -> LeadUpdate:
    """A lead store update for this conversation (for this prospect, in sales mode), with who
    entered it and through which channel."""
    return LeadUpdate(sender_id=tracker.get_slot("lead_key") or tracker.sender_id, step=step,
                      channel=tracker.get_latest_input_channel() or "rest",
                      entered_by="sales" if is_sales(tracker) else "visitor",
                      salesperson=tracker.get_slot("salesperson"), **fields)
