"""A terminal chat with Bussola over the REST channel. Buttons are numbered: type the number.

Where the buttons themselves are numbers ("2-5 ore"), a typed number is the answer ("3" is three
hours), not a button: the buttons are then lettered instead. The pressed button is echoed; lines
are edited with readline (arrows, history); an empty line is not sent; when the server cannot be
reached the chat says so in Italian and offers to try again, never a traceback.
"""
from __future__ import annotations

import json
import re
import socket
import sys
import urllib.error
import urllib.request
from typing import Callable, Optional

from bot.senders import new_web_sender

try:  # line editing and history for input(); absent on some platforms, where input() still works
    import readline  # noqa: F401
except ImportError:  # pragma: no cover
    pass

QUIT = {"esci", "exit", "quit", "/esci"}
UNREACHABLE = ("Non riesco a raggiungere Bussola in questo momento ({reason}). Premi Invio per riprovare, "
               "o scrivi «esci».")


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


def _why(error: Exception) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"il server ha risposto {error.code}"
    if isinstance(error, (socket.timeout, TimeoutError)):
        return "nessuna risposta entro 30 secondi"
    return "connessione non riuscita"


def chat(url: str, sender: Optional[str] = None, read: Callable[[str], str] = input,
         post: Callable[[str, str, str], list] = send) -> None:
    sender = sender or new_web_sender("terminale")
    print("Scrivi un messaggio e premi Invio; «esci» o Ctrl-D per uscire.\n")
    buttons: list = []
    try:
        message = "ciao"
        print(f"Tu: {message}")
        while True:
            try:
                replies = post(url, sender, message)
            except (urllib.error.URLError, OSError, ValueError) as error:  # ValueError: not JSON
                print(UNREACHABLE.format(reason=_why(error)))
                again = read("\nTu: ").strip()
                if again.lower() in QUIT:
                    return
                message = again or message  # Enter alone: the same message once more
                continue
            buttons = []
            for reply in replies if isinstance(replies, list) else []:
                if reply.get("text"):
                    print(f"Bussola: {reply['text']}")
                buttons += reply.get("buttons") or []
            keys = LETTERS if numeric_buttons(buttons) else [str(n) for n in range(1, 11)]
            for key, button in zip(keys, buttons):
                print(f"   [{key}] {button['title']}")
            message = ""
            while not message:  # an empty line is not sent
                message = read("\nTu: ").strip()
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
