"""A terminal chat with Bussola over the REST channel. Buttons are numbered: type the number.

Where the buttons themselves are numbers ("2-5 ore"), a typed number is the answer ("3" is three
hours), not a button: the buttons are then lettered instead.
"""
from __future__ import annotations

import json
import re
import sys
import urllib.request

from bot.senders import new_web_sender

QUIT = {"esci", "exit", "quit", "/esci"}


def send(url: str, sender: str, message: str) -> list:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


LETTERS = "abcdefghij"


def numeric_buttons(buttons: list) -> bool:
    """Buttons whose titles hold quantities ("2-5 ore", "Meno di 2 ore"): a typed digit must stay an
    answer there. A digit inside a word ("B2B") is not a quantity."""
    return any(re.search(r"(?<![^\W\d_])\d+(?![^\W\d_])", str(b.get("title", ""))) for b in buttons)


def button_choice(message: str, buttons: list) -> dict | None:
    """The button a typed key presses: its number, or its letter where the titles are numbers."""
    keys = LETTERS if numeric_buttons(buttons) else [str(n) for n in range(1, len(buttons) + 1)]
    key = message.strip().lower()
    return buttons[keys.index(key)] if key in keys[:len(buttons)] else None


def chat(url: str, sender: str | None = None) -> None:  # noqa: C901
    sender = sender or new_web_sender("terminale")
    print("Scrivi un messaggio e premi Invio; «esci» o Ctrl-D per uscire.\n")
    buttons: list = []
    try:
        message = "ciao"
        print(f"Tu: {message}")
        while True:
            buttons = []
            for reply in send(url, sender, message):
                if reply.get("text"):
                    print(f"Bussola: {reply['text']}")
                buttons += reply.get("buttons") or []
            keys = LETTERS if numeric_buttons(buttons) else [str(n) for n in range(1, 11)]
            for key, button in zip(keys, buttons):
                print(f"   [{key}] {button['title']}")
            message = input("\nTu: ").strip()
            if message.lower() in QUIT:
                return
            pressed = button_choice(message, buttons)
            if pressed:
                print(f"   (hai scelto: {pressed['title']})")
                message = pressed["payload"]
    except (EOFError, KeyboardInterrupt):
        print()


if __name__ == "__main__":
    chat(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5005/webhooks/rest/webhook")
