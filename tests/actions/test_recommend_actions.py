"""The recommendation turn and channel questions as Rasa actions."""
from __future__ import annotations

from actions.recommend import AnswerChannelQuestion, Recommend
from bot import personas
from tests.actions.conftest import make_tracker


def profile(name):
    return next(p.profile for p in personas.load() if p.name == name)


async def test_recommend_sends_text_and_the_custom_payload(domain, dispatcher):
    tracker = make_tracker(domain, "sì", intent="affirm", slots=profile("local restaurant"))
    assert await Recommend().run(dispatcher, tracker, domain) == []
    texts = [m["text"] for m in dispatcher.messages if m.get("text")]
    payload = next(m["custom"] for m in dispatcher.messages if m.get("custom"))
    assert payload["type"] == "bussola.plan" and not payload["specialist_advised"]
    assert texts[0] == "Ecco i canali da cui partire, scelti per te:"
    assert payload["channels"][0]["name"] in texts[1] and "Prime settimane" in texts[1]


async def test_recommend_says_when_there_is_no_standard_recipe(domain, dispatcher):
    tracker = make_tracker(domain, "sì", intent="affirm",
                           slots=profile("business that will not answer comments"))
    await Recommend().run(dispatcher, tracker, domain)
    texts = " ".join(m["text"] for m in dispatcher.messages if m.get("text"))
    assert "non c'è una ricetta standard" in texts and "dialogare" in texts
    assert "Ecco i canali" not in texts  # no generic list pretending to be a plan


async def test_channel_question_reads_entities(domain, dispatcher):
    tracker = make_tracker(domain, "LinkedIn funziona in Germania?", intent="ask_channel_country",
                           entities=[{"entity": "channel", "value": "linkedin"},
                                     {"entity": "place", "value": "germania"}])
    await AnswerChannelQuestion().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["text"].startswith("LinkedIn in Germania:")
