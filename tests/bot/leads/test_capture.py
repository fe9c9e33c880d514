"""The lead form's logic: consents (only a clear yes counts), contact details validated and
re-asked with an example, refusals respected."""
from __future__ import annotations

import datetime as dt

import pytest

from bot import profile as P
from bot.interview import UserMessage
from bot.leads import capture

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone.utc)


def say(text, intent="inform", requested=None, **slots):
    return capture.interpret(UserMessage(text=text, intent=intent), requested, slots, "v1+abc", "rest", NOW)


def test_questions_follow_the_consents():
    assert capture.next_question({}) == "consent_profile"
    assert capture.next_question({"consent_profile": False}) == "consent_contact"
    assert capture.next_question({"consent_profile": True, "consent_contact": False}) is None
    assert capture.next_question({"consent_profile": True, "consent_contact": capture.NOT_OFFERED}) is None
    assert capture.next_question({"consent_profile": True, "consent_contact": True}) == "contact_name"
    filled = {name: "x" for name in capture.CONTACT_FIELDS}
    assert capture.next_question({"consent_profile": True, "consent_contact": True, **filled}) is None


def test_a_yes_records_the_consent_with_time_and_notice_version():
    turn = say("sì", "affirm", "consent_profile")
    assert turn.updates["consent_profile"] is True
    assert turn.updates["consents"] == [{"kind": "profile", "granted": True, "notice_version": "v1+abc",
                                         "given_at": NOW.isoformat(), "channel": "rest"}]
    assert turn.next_question == "consent_contact"


def test_a_no_is_recorded_and_said():
    turn = say("no grazie", "deny", "consent_contact", consent_profile=True)
    assert turn.updates["consent_contact"] is False
    assert turn.updates["consents"][0]["granted"] is False
    assert turn.notes and "non verrai contattato" in turn.notes[0]
    assert turn.next_question is None


def test_an_unclear_consent_is_asked_again_then_taken_as_no():
    first = say("boh forse mah", "inform", "consent_profile")
    assert "consent_profile" not in first.updates and first.next_question == "consent_profile"
    assert first.notes  # with an example of a valid answer
    second = say("vediamo", "inform", "consent_profile", attempts=first.updates["attempts"])
    assert second.updates["consent_profile"] is False
    assert second.updates["consents"][0]["granted"] is False


@pytest.mark.parametrize("requested,text,value", [
    ("contact_name", "mi chiamo Anna Maria De Luca", "Anna Maria De Luca"),
    ("contact_email", "Giulia.Bianchi@Example.com", "Giulia.Bianchi@example.com"),
    ("contact_phone", "333 123 4567", "+393331234567"),
    ("contact_phone", "+41 44 668 18 00", "+41446681800"),
    ("contact_size", "siamo in 12", "10-49"),
    ("contact_call_time", "mattina", "mattina"),
])
def test_valid_contact_details_are_stored_normalised(requested, text, value):
    turn = say(text, "inform", requested, consent_profile=True, consent_contact=True)
    assert turn.updates[requested] == value
    assert not turn.notes


def test_an_invalid_detail_is_asked_again_with_an_example_then_skipped():
    first = say("mario at gmail", "inform", "contact_email", consent_profile=True, consent_contact=True)
    assert "contact_email" not in first.updates
    assert first.next_question == "contact_email" and "per esempio" in first.notes[0]
    second = say("boh", "inform", "contact_email", consent_profile=True, consent_contact=True,
                 attempts=first.updates["attempts"])
    assert second.updates["contact_email"] == P.SKIPPED
    assert second.next_question == "contact_name"
    assert "contact_email" not in second.updates["attempts"]


def test_a_likely_typo_is_offered_not_assumed():
    turn = say("mario@gmail", "inform", "contact_email", consent_profile=True, consent_contact=True)
    assert "contact_email" not in turn.updates
    assert "mario@gmail.com" in turn.notes[0]


def test_refusing_one_detail_skips_it_and_goes_on():
    turn = say("preferisco non dirlo", "inform", "contact_phone", consent_profile=True, consent_contact=True,
               contact_name="Anna Rossi")
    assert turn.updates["contact_phone"] == P.SKIPPED
    assert turn.next_question == "contact_company"


def test_refusing_all_details_skips_every_remaining_one():
    turn = say("no, non voglio lasciare i miei dati", "deny", "contact_company", consent_profile=True,
               consent_contact=True, contact_name="Anna Rossi")
    assert {turn.updates[name] for name in capture.CONTACT_FIELDS if name != "contact_name"} == {P.SKIPPED}
    assert "contact_name" not in turn.updates
    assert turn.next_question is None


@pytest.mark.parametrize("text, intent", [("aiuto", "help"), ("cancella i miei dati", "erase_my_data"),
                                          ("quali dati avete su di me?", "show_my_data"),
                                          ("ricominciamo da capo", "start_over")])
def test_requests_are_not_answers(text, intent):
    turn = say(text, intent, "contact_email", consent_profile=True, consent_contact=True)
    assert not turn.is_answer and turn.updates == {} and turn.next_question == "contact_email"


def test_contact_keeps_only_given_details():
    slots = {"contact_name": "Anna Rossi", "contact_email": P.SKIPPED, "contact_phone": "+393331234567"}
    assert capture.contact(slots) == {"name": "Anna Rossi", "phone": "+393331234567"}


def test_a_channel_question_is_answered_whatever_is_asked():
    for requested in ("consent_profile", "contact_name"):
        turn = say("perché non LinkedIn?", "ask_channel_why_not", requested, consent_profile=True,
                   consent_contact=True)
        assert not turn.is_answer and turn.next_question == requested


def test_small_talk_is_not_a_consent_but_may_be_a_name():
    assert not say("grazie", "thanks", "consent_profile").is_answer
    named = say("Franco Grazioli", "thanks", "contact_name", consent_profile=True, consent_contact=True)
    assert named.is_answer and named.updates["contact_name"] == "Franco Grazioli"


@pytest.mark.parametrize("requested", list(capture.CONTACT_FIELDS))
def test_control_characters_are_never_stored(requested):
    turn = say("sera\x00 dopo le 18\x07", "inform", requested, consent_profile=True, consent_contact=True)
    assert requested not in turn.updates and turn.next_question == requested


def test_asked_whether_we_may_call_an_imperative_to_call_is_a_yes_and_its_negation_a_no():
    from bot.interview import UserMessage
    from bot.leads.capture import consent_answer

    assert consent_answer(UserMessage("vabbè, telefonatemi", None, []), "consent_contact") is True
    assert consent_answer(UserMessage("non chiamate, grazie", None, []), "consent_contact") is False
    # at the profile consent the same words grant nothing
    assert consent_answer(UserMessage("vabbè, telefonatemi", None, []), "consent_profile") is None


def test_a_consent_corrected_within_the_message_is_its_last_word():
    from bot.interview import UserMessage
    from bot.leads.capture import consent_answer

    assert consent_answer(UserMessage("no, anzi sì, va bene", None, []), "consent_profile") is True
    assert consent_answer(UserMessage("sì, anzi no", None, []), "consent_profile") is False
    # the correction decides only when it is an answer; a doubt after it is still no consent
    assert consent_answer(UserMessage("sì, anzi, forse", None, []), "consent_profile") is None
    assert consent_answer(UserMessage("Saremmo lieti di essere chiamati", None, []), "consent_contact") is True


def test_the_question_echoed_before_a_detail_is_the_answer():
    turn = say("quante persone? una dozzina", "ask_channel_users", "contact_size",
               consent_profile=True, consent_contact=True)
    assert turn.is_answer and turn.updates["contact_size"] == "10-49"


def test_what_to_call_someone_is_a_name_not_a_request_to_be_called():
    turn = say("chiamatemi Pippo, all'anagrafe Giuseppe Fadda", "request_human", "contact_name",
               consent_profile=True, consent_contact=True)
    assert turn.is_answer and turn.updates["contact_name"] == "Giuseppe Fadda"


def test_a_yes_that_names_whom_to_call_is_a_consent():
    turn = say("sì, però chiamate mia sorella, non me", "affirm", "consent_contact", consent_profile=True)
    assert turn.updates["consent_contact"] is True


def test_a_thumbs_up_is_a_consent_and_a_moon_the_evening():
    assert say("👍🏻", "nlu_fallback", "consent_profile").updates["consent_profile"] is True
    assert say("❌", "nlu_fallback", "consent_profile").updates["consent_profile"] is False
    turn = say("🌙", "nlu_fallback", "contact_call_time", consent_profile=True, consent_contact=True)
    assert turn.updates["contact_call_time"] == "sera"
