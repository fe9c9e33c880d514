"""A terminal chat with Bussola over the REST channel. Buttons are numbered: type the number."""
from __future__ import annotations

import json
import sys
import urllib.request
import uuid

QUIT = {"esci", "exit", "quit", "/esci"}


def send(url: str, sender: str, message: str) -> list:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def chat(url: str, sender: str | None = None) -> None:
    sender = sender or f"terminale-{uuid.uuid4().hex[:8]}"
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
                for button in reply.get("buttons") or []:
                    buttons.append(button)
                    print(f"   [{len(buttons)}] {button['title']}")
            message = input("\nTu: ").strip()
            if message.lower() in QUIT:
                return
            if message.isdigit() and 1 <= int(message) <= len(buttons):
                message = buttons[int(message) - 1]["payload"]
    except (EOFError, KeyboardInterrupt):
        print()


if __name__ == "__main__":
    chat(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5005/webhooks/rest/webhook")
