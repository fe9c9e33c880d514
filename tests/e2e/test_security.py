"""Security of the running servers (issue 16), end to end: what is reachable, by whom, with which
secret. Uses the session's servers (conftest.py)."""
from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from pathlib import Path
from typing import List, Optional

from actions.server import SECRET_HEADER


def _call(url: str, body: Optional[bytes], headers: dict, method: str = "POST") -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _listening_addresses(port: int) -> List[str]:
    """The local addresses a TCP socket listens on for `port`, from /proc/net/tcp{,6}."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.append(address)
    return found


def _non_loopback_address() -> Optional[str]:
    """This machine's address on its default route (no packet is sent: UDP connect only)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 9))
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


ACTION_CALL = json.dumps({"next_action": "action_that_does_not_exist", "sender_id": "x", "tracker": {},
                          "domain": {}, "version": "3.6.2"}).encode()


def test_the_action_server_listens_on_loopback_only(servers):
    addresses = _listening_addresses(servers.actions_port)
    assert addresses == ["0100007F"], addresses  # 127.0.0.1, nothing else (no 0.0.0.0, no ::)
    other = _non_loopback_address()
    if other:  # and from the machine's own network address, nobody answers
        with socket.socket() as attempt:
            attempt.settimeout(3)
            assert attempt.connect_ex((other, servers.actions_port)) != 0


def test_the_action_server_refuses_calls_without_the_secret(servers):
    url = f"http://127.0.0.1:{servers.actions_port}/webhook"
    json_type = {"Content-Type": "application/json"}
    assert _call(url, ACTION_CALL, json_type) == 401
    assert _call(url, ACTION_CALL, {**json_type, SECRET_HEADER: "not-the-secret"}) == 401
    assert _call(f"http://127.0.0.1:{servers.actions_port}/actions", None, {}, "GET") == 401
    # the secret, but a body any web page can send (text/plain): refused before any action runs
    assert _call(url, ACTION_CALL, {"Content-Type": "text/plain", SECRET_HEADER: servers.action_secret}) == 415
    # the secret and JSON: the call reaches the actions (an unknown one: 404 from rasa_sdk)
    assert _call(url, ACTION_CALL, {**json_type, SECRET_HEADER: servers.action_secret}) == 404
    assert _call(f"http://127.0.0.1:{servers.actions_port}/health", None, {}, "GET") == 200


def test_the_rasa_server_reaches_its_actions_with_the_secret(client, sender):
    # a whole turn that runs custom actions: the interview's first question comes from one
    assert any("chi sei" in text.lower() for text in client.texts(sender, "ciao"))


def test_personal_data_files_are_private(servers, client, sender):
    """Conversations, leads, logs and the runtime settings: readable by their owner only, as created."""
    client.say(sender, "ciao")
    client.say(sender, "Sono un fotografo di matrimoni a Lecce")
    files = [p for p in servers.state_dir.rglob("*")]
    assert any(p.name == "tracker.db" for p in files) and any(p.suffix == ".log" for p in files)
    loose = [(str(p), oct(p.stat().st_mode & 0o777)) for p in [servers.state_dir, *files]
             if p.stat().st_mode & 0o077]
    assert not loose, loose


def test_an_erasure_leaves_no_byte_of_the_contact_details_in_any_file(servers, client, sender, sales_receiver):
    """Database files, their write-ahead logs, the logs: after "cancella i miei dati" the raw bytes
    of the email and the phone number are nowhere under state/."""
    from tests.e2e.test_sales import TO_PLAN, joined, lead_of, wait_for
    from tests.e2e.test_rest_interview import run_script

    email, phone = f"{sender}@erasure.example.it", "081 765 4321"
    run_script(client, sender, TO_PLAN)
    client.say(sender, "sì")
    client.say(sender, "/affirm")
    for answer in ("mi chiamo Nadia Cancelli", "Pizzeria Cancelli", "siamo in 6", email, phone, "mattina"):
        client.say(sender, answer)
    wait_for(lambda: sales_receiver.for_sender(sender))  # the brief reached the sales team's tools

    def traces():
        needles = [email.encode(), b"0817654321", b"+390817654321", b"Nadia Cancelli"]
        return [(str(path), needle) for path in servers.state_dir.rglob("*") if path.is_file()
                for needle in needles if needle in path.read_bytes()]

    assert traces(), "the contact details should be stored before the erasure"
    public_id = lead_of(client, sender)["public_id"]
    assert "ho cancellato i tuoi dati" in joined(client, sender, "cancella i miei dati")
    assert not traces(), traces()
    # the tools that received the brief are told to erase it too (GDPR Art. 19), with no personal data
    notice = wait_for(lambda: [m for m in sales_receiver.received if m["body"].get("lead") == public_id])
    assert notice[0]["body"]["type"] == "bussola.erased" and notice[0]["key"] == f"erased:{public_id}"
    assert email not in str(notice) and "Nadia" not in str(notice)
