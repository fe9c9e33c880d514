"""'Continua su Telegram': a one-time link from the website, and taking the profile back on
Telegram (bot/handoff.py)."""
from __future__ import annotations

import os
from typing import Text

from rasa_sdk import Action
from rasa_sdk.events import SlotSet

from actions.common import user_message
from bot import handoff, texts

CODE_ENTITY = "handoff_code"


class ContinueOnTelegram(Action):
    def name(self) -> Text:
        return "action_continue_on_telegram"

    async def run(self, dispatcher, tracker, domain):
        code = next((e.get("value") for e in user_message(tracker).entities
                     if e.get("entity") == CODE_ENTITY and e.get("value")), None)
        if code:  # on Telegram, opened from the link
            profile = handoff.default().redeem(str(code))
            if profile is None:
                dispatcher.utter_message(text=texts.render("handoff", "expired"))
                return []
            dispatcher.utter_message(text=texts.render("handoff", "resumed"))
            return [SlotSet(name, value) for name, value in profile.items()]
        if tracker.get_latest_input_channel() == "telegram":
            dispatcher.utter_message(text=texts.render("handoff", "already_there"))
            return []
        bot_name = os.environ.get("BUSSOLA_TELEGRAM_BOT_NAME", "").lstrip("@")
        if not bot_name:
            dispatcher.utter_message(text=texts.render("handoff", "not_available"))
            return []
        url = f"https://t.me/{bot_name}?start={handoff.default().create(tracker.sender_id, tracker.slots)}"
        dispatcher.utter_message(text=texts.render("handoff", "link", url=url),
                                 json_message={"type": "bussola.telegram_link", "url": url})
        return []
