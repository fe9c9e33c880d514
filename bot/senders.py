"""Conversation ids (Rasa's sender ids), one namespace per channel, so that no channel can reach
another's conversations: the conversation and lead stores are shared by every channel, and the
id is all it takes to read, continue or erase a conversation.

- Telegram: `tg-<chat id>`. A chat id is not secret (bots and groups see it): it never comes from
  the REST channel.
- REST (the widget, the terminal chat, the tools): `web-` and a random token of at least 22
  URL-safe characters (128 bits for the widget's UUIDs, 32 hex characters from `new_web_sender`),
  chosen by the client like a session cookie. The REST channel refuses any other id: a Telegram
  id, "1", "admin", a name. The REST webhook is Rasa's documented integration, where any client
  names its conversation; a server-issued signed id would add a round trip to every client
  without protecting more than an unguessable random id does (docs/production.md, threat model).
"""
from __future__ import annotations

import re
import uuid

WEB_PREFIX, TELEGRAM_PREFIX = "web-", "tg-"
WEB_SENDER = re.compile(r"web-[A-Za-z0-9_-]{22,64}")


def new_web_sender(label: str = "") -> str:
    """A fresh conversation id for the REST channel; `label` (tools, tests: "converse-rich-a001")
    only makes it readable, the 32 random hex characters make it unguessable."""
    label = re.sub(r"[^A-Za-z0-9_-]", "-", label)[:28]
    return WEB_PREFIX + (f"{label}-" if label else "") + uuid.uuid4().hex


def is_web_sender(sender_id: str) -> bool:
    return bool(WEB_SENDER.fullmatch(sender_id or ""))


def telegram_sender(chat_id: int | str) -> str:
    return f"{TELEGRAM_PREFIX}{chat_id}"


def telegram_chat(sender_id: str) -> str:
    """The chat id a Telegram conversation id names (the id itself if it has no prefix)."""
    return sender_id[len(TELEGRAM_PREFIX):] if sender_id.startswith(TELEGRAM_PREFIX) else sender_id
