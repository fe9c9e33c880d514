"""The recommendation turn and channel questions as Rasa actions."""
from __future__ import annotations

from rasa_sdk.events import SlotSet

from actions.recommend import AnswerChannelQuestion, SaveAndRecommend
from bot import personas
from bot.leads import store
from tests.actions.conftest import make_tracker


def profile(name):
    return next(p.profile for p in personas.load() if p.name == name)


async def test_a_confirmed_profile_is_turned_into_a_plan_and_a_graded_lead(domain, dispatcher, state_dir):
    tracker = make_tracker(domain, "sì", intent="affirm", slots=profile("local restaurant"), sender="r-1")
    events = await SaveAndRecommend().run(dispatcher, tracker, domain)
    slots = {e["name"]: e["value"] for e in events}
    assert slots["profile_confirmed"] is True and slots["plan"]["type"] == "bussola.plan"
    assert slots["qualification"]["grade"] in ("A", "B", "C")
    lead = store.default_store().by_sender("r-1")
    assert lead["step"] == "plan" and lead["grade"] == slots["qualification"]["grade"]
    assert lead["profile"] is None  # no consent asked yet: the profile is not kept
    texts = [m["text"] for m in dispatcher.messages if m.get("text")]
    payload = next(m["custom"] for m in dispatcher.messages if m.get("custom"))
    assert payload["type"] == "bussola.plan" and not payload["specialist_advised"]
    assert texts[0].startswith("Perfetto, il tuo profilo è completo.")
    assert texts[0].endswith("Ecco i canali da cui partire, scelti per te:")
    assert payload["channels"][0]["name"] in texts[1] and "Prime settimane" in texts[1]
    # one message per channel, at most one for the notes, and the closing
    assert len(texts) <= 1 + len(payload["channels"]) + 2 and texts[-1].startswith("Prima di pubblicare")


async def test_an_invalid_profile_is_neither_stored_nor_planned(domain, dispatcher, state_dir):
    tracker = make_tracker(domain, "sì", intent="affirm",
                           slots={**profile("local restaurant"), "org_kind": "astronave"}, sender="bad-1")
    assert await SaveAndRecommend().run(dispatcher, tracker, domain) == [SlotSet("profile_confirmed", False)]
    assert store.default_store().by_sender("bad-1") is None
    assert not any(m.get("custom") for m in dispatcher.messages)
    assert "completiamo il profilo" in dispatcher.messages[0]["text"]


async def test_recommend_says_when_there_is_no_standard_recipe(domain, dispatcher, state_dir):
    tracker = make_tracker(domain, "sì", intent="affirm",
                           slots=profile("company with half an hour a week"))
    await SaveAndRecommend().run(dispatcher, tracker, domain)
    texts = " ".join(m["text"] for m in dispatcher.messages if m.get("text"))
    assert "non c'è una ricetta standard" in texts
    assert "Ecco i canali" not in texts  # no generic list pretending to be a plan


async def test_a_business_that_will_not_answer_is_told_plainly_and_gets_no_chat_channel(domain, dispatcher, state_dir):
    """No specialist can answer messages in the user's place: the plan says that dialogue comes first
    and proposes only channels where one can be present without conversing."""
    tracker = make_tracker(domain, "sì", intent="affirm",
                           slots=profile("business that will not answer comments"))
    await SaveAndRecommend().run(dispatcher, tracker, domain)
    texts = " ".join(m["text"] for m in dispatcher.messages if m.get("text"))
    assert "dialogare" in texts and "senza conversare" in texts
    plan = next(m["custom"] for m in dispatcher.messages if m.get("custom"))
    assert not {"whatsapp_business", "telegram"} & {c["id"] for c in plan["channels"]}


async def test_channel_question_reads_entities(domain, dispatcher):
    tracker = make_tracker(domain, "LinkedIn funziona in Germania?", intent="ask_channel_country",
                           entities=[{"entity": "channel", "value": "linkedin"},
                                     {"entity": "place", "value": "germania"}])
    await AnswerChannelQuestion().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["text"].startswith("LinkedIn in Germania:")


async def test_a_bare_answer_taken_for_a_channel_question_is_left_to_the_form(domain, dispatcher):
    # "in Germania", answering "Dove lavori?", classified as a question about Germany
    germany = [{"entity": "place", "value": "germania"}]
    answer = make_tracker(domain, "in Germania", intent="ask_channel_country", entities=germany,
                          slots={"requested_slot": "locations"}, active_loop="profile_form")
    assert await AnswerChannelQuestion().run(dispatcher, answer, domain) == []
    assert dispatcher.messages == []
    # the same words asked as a question, or outside the interview, are answered
    for tracker in (make_tracker(domain, "in Germania cosa funziona?", intent="ask_channel_country",
                                 entities=germany, slots={"requested_slot": "locations"},
                                 active_loop="profile_form"),
                    make_tracker(domain, "in Germania", intent="ask_channel_country", entities=germany)):
        dispatcher.messages.clear()
        await AnswerChannelQuestion().run(dispatcher, tracker, domain)
        assert dispatcher.messages and dispatcher.messages[0]["text"]
