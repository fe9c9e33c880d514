"""Bad input through the REST webhook: a clear Italian answer, no 5xx, no markup echoed, and the
conversation goes on."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

BAD = {
    "empty": ("", "vuoto"),
    "whitespace": ("   \n\t ", "vuoto"),
    "very long": ("vendiamo " * 700, "molto lungo"),
    "emoji only": ("😀🎉👍", "emoji"),
    "english": ("Hello, I would like more customers for my shop", "parlo solo italiano"),
    "german": ("Hallo, ich brauche neue Kunden für mein Geschäft", "parlo solo italiano"),
    "html": ("<b>ciao</b> <a href='x'>link</a>", "codice"),
    "script": ("<script>alert('bussola')</script>", "codice"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_input_gets_a_clear_italian_answer_and_the_interview_continues(client, sender, name):
    client.say(sender, "ciao")
    text, expected = BAD[name]
    replies = client.texts(sender, text)
    joined = " ".join(replies)
    assert expected in joined
    assert "<script>" not in joined and "<b>" not in joined
    assert "chi sei?" in replies[-1]  # the pending question is asked again
    after = " ".join(client.texts(sender, "siamo una PMI"))
    assert "In che settore" in after
    assert client.slots(sender)["org_kind"] == "azienda"


def test_sql_looking_text_is_just_text(client, sender):
    client.say(sender, "ciao")
    client.say(sender, "siamo una PMI")
    client.say(sender, "edilizia")
    client.say(sender, "'; DROP TABLE events; -- e poi ristrutturiamo case")
    assert client.slots(sender)["activity"] == "'; DROP TABLE events; -- e poi ristrutturiamo case"
    # the tracker store still works after it: the next answer is read and kept
    client.say(sender, "a privati")
    assert client.slots(sender)["segment"] == "b2c"
    assert client.slots(sender)["activity"] == "'; DROP TABLE events; -- e poi ristrutturiamo case"
    assert client.tracker(sender)["events"]  # the tracker store is intact


@pytest.mark.parametrize("payload", ['/affirm', '/inform{"org_kind":"astronave"}',
                                     '/inform{"team":"agenzia"}', '/change_field{"field":"nessuno"}',
                                     '/intent_che_non_esiste'])
def test_button_payloads_out_of_order(client, sender, payload):
    client.say(sender, "ciao")
    replies = client.texts(sender, payload)
    assert replies and all(r for r in replies)
    after = " ".join(client.texts(sender, "sono una libera professionista"))
    assert "In che settore" in after or "Ho preso nota" in after
    assert client.slots(sender)["org_kind"] == "professionista"


def test_http_api_needs_the_token(client, sender):
    import urllib.error
    import urllib.request

    client.say(sender, "ciao")
    url = f"{client.servers.rasa_url}/conversations/{sender}/tracker"
    for suffix in ("", "?token=sbagliato"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url + suffix, timeout=10)
        assert refused.value.code in (401, 403)
