"""Conversations are kept in SQLite: a restart of the servers does not lose an interview."""
from __future__ import annotations

import pytest

from bot.senders import new_web_sender
from scripts.servers import Servers, free_port
from tests.e2e.conftest import API_TOKEN, Client

pytestmark = pytest.mark.e2e


def test_an_interview_survives_a_server_restart(tmp_path):
    state = tmp_path / "state"
    sender = new_web_sender("restart-test")
    with Servers(state, rasa_port=free_port(), actions_port=free_port(), api_token=API_TOKEN) as first:
        client = Client(first)
        client.say(sender, "Sono un'avvocata giuslavorista a Milano, cerco clienti tra le aziende")
        client.say(sender, "sì")  # the sector read from it, said back
        client.say(sender, "assisto le aziende nei rapporti con i dipendenti")
        groups = [p.pid for p in first.procs]
    assert (state / "tracker.db").exists()
    # stopped means stopped: no Sanic worker of the Rasa server is left behind
    assert first.workers == 2 and first.leftover_processes(groups) == []
    with Servers(state, rasa_port=free_port(), actions_port=free_port(), api_token=API_TOKEN) as second:
        client = Client(second)
        slots = client.slots(sender)
        assert slots["sector"] == "legal" and slots["activity"].startswith("assisto le aziende")
        # the customers of the first message are said back at their question, after the restart too
        assert slots["segment_named"] == "b2b" and slots["requested_slot"] == "segment"
        client.texts(sender, "sì")
        client.texts(sender, "sì, solo lì")  # the markets, with the place of the first message offered
        replies = client.texts(sender, "tra i 35 e i 60 anni")
        # the objective of the first message is offered, and the question asks for more
        assert replies[-1].startswith("Mi hai detto che vuoi trovare contatti e clienti")
        replies = client.texts(sender, "solo questo")
        assert "Usi già qualche canale" in replies[-1]
