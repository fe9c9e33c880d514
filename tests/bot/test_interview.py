"""The interview's logic, message by message, without Rasa."""
from __future__ import annotations

import pytest

from bot import profile as P
from bot.interview import ASK_FIELD_TO_CHANGE, MAX_FAILED_TRIES, UserMessage, interpret


def ent(entity, value, start=None):
    e = {"entity": entity, "value": value}
    if start is not None:
        e["start"] = start
    return e


def msg(text, intent="inform", *entities):
    return UserMessage(text=text, intent=intent, entities=list(entities))


def complete_profile(**overrides):
    slots = {"org_kind": "professionista", "profession": "avvocato", "sector": "legal",
             "activity": "consulenza sul diritto del lavoro", "segment": "b2b", "locations": ["milano"],
             "audience": "35-54", "objectives": ["contatti"], "priority": None, "channels_used": [],
             "weekly_hours": 3.0, "team": "da_solo", "ad_budget": False,
             "replies_to_messages": True, "shows_identity": True, "handles_criticism": True,
             "real_relationships": True}
    slots.update(overrides)
    return slots


def test_rich_first_message_fills_every_slot_it_mentions(voc):
    text = "Sono un'avvocata giuslavorista a Milano, cerco clienti tra le aziende"
    turn = interpret(msg(text, "inform", ent("profession", "avvocata"), ent("profession", "giuslavorista"),
                         ent("place", "Milano"), ent("objective", "contatti"), ent("segment", "b2b")),
                     None, {}, voc)
    # who she is (kind and sector) is said back before it is stored
    guess = turn.updates["identity_guess"]
    assert (guess["org_kind"], guess["sector"]) == ("professionista", "legal")
    assert "org_kind" not in turn.updates and "sector" not in turn.updates
    assert turn.updates["profession"] == "avvocato"
    # the customers named: said back at their question, not stored ("tra le aziende" may leave out privates)
    assert "segment" not in turn.updates and turn.updates["segment_named"] == "b2b"
    # one objective named in passing: kept, and the objectives question asks for more
    assert "objectives" not in turn.updates and turn.updates["objectives_named"] == ["contatti"]
    # where the user is, not yet the markets: kept aside, and offered when the markets are asked
    assert "locations" not in turn.updates and turn.updates["places_named"] == ["milano"]
    # the questions already answered are not asked: next is who she is said back, then the description
    assert turn.next_question == "org_kind"
    yes = interpret(msg("sì", "affirm"), "org_kind", turn.updates, voc)
    assert (yes.updates["org_kind"], yes.updates["sector"]) == ("professionista", "legal")
    assert yes.next_question == "activity"
    assert "Milano" in turn.notes[0]
    slots = {**turn.updates, **yes.updates, "activity": "diritto del lavoro per le imprese"}
    assert interpret(msg("/affirm", "affirm"), "segment", slots, voc).updates["segment"] == "b2b"
    assert interpret(msg("sì, e anche qualche privato"), "segment", slots, voc).updates["segment"] == "entrambi"
    assert interpret(msg("a privati"), "segment", slots, voc).updates["segment"] == "b2c"


def test_a_self_description_at_the_first_question_is_read_as_a_first_message(voc):
    # the widget greets first: the description then arrives as the answer to "chi sei?"
    text = "Ho un forno a Lecce, facciamo pane e friselle con grani antichi"
    turn = interpret(msg(text, "inform", ent("place", "Lecce")), "org_kind", {}, voc)
    # a kind inferred from the description (no word for a kind in it) is said back, as from a first message
    assert turn.updates["identity_guess"]["org_kind"] == "azienda" and "org_kind" not in turn.updates
    assert turn.next_question == "org_kind" and not (turn.updates.get("attempts") or {}).get("org_kind")
    assert turn.updates["places_named"] == ["lecce"] and "locations" not in turn.updates
    assert turn.updates["activity"].startswith("Ho un forno a Lecce")
    # later in the interview, the same kind of answer fills only the question asked
    later = interpret(msg(text, "inform", ent("place", "Lecce")), "org_kind", {"sector": "food_production"}, voc)
    assert "activity" not in later.updates and "locations" not in later.updates


def test_the_objectives_question_completes_those_of_the_first_message(voc):
    from bot import texts

    slots = {"org_kind": "azienda", "sector": "food_service", "activity": "pizzeria", "segment": "b2c",
             "locations": ["napoli"], "audience": "tutte le età", "objectives_named": ["contatti"]}
    asked = texts.question("objectives", slots)
    assert asked["text"].startswith("Mi hai detto che vuoi trovare contatti e clienti")
    assert interpret(msg("no, va bene così", "deny"), "objectives", slots, voc).updates["objectives"] == ["contatti"]
    assert interpret(msg("/deny", "deny"), "objectives", slots, voc).updates["objectives"] == ["contatti"]
    more = interpret(msg("anche buone recensioni", "inform", ent("objective", "reputazione", 6)), "objectives",
                     slots, voc)
    assert more.updates["objectives"] == ["contatti", "reputazione"] and more.next_question == "priority"
    # "sì" to "c'è altro?" says there is more but not what: asked again, with an example
    assert interpret(msg("sì", "affirm"), "objectives", slots, voc).next_question == "objectives"


def test_the_markets_question_offers_the_place_of_the_first_message(voc):
    from bot import texts

    slots = {"org_kind": "professionista", "sector": "legal", "activity": "diritto del lavoro", "segment": "b2b",
             "places_named": ["milano"]}
    assert texts.question("locations", slots)["text"].startswith("Mi hai detto Milano")
    assert interpret(msg("sì, solo lì"), "locations", slots, voc).updates["locations"] == ["milano"]
    assert interpret(msg("anche in Germania", "inform", ent("place", "Germania", 9)), "locations", slots,
                     voc).updates["locations"] == ["milano", "germania"]
    assert interpret(msg("tutta Italia"), "locations", slots, voc).updates["locations"] == ["italia"]


def test_questions_come_in_order_and_priority_only_with_several_objectives():
    assert P.next_question({}) == "org_kind"
    one = complete_profile(objectives=["contatti"], priority=None)
    assert P.next_question(one) is None
    two = complete_profile(objectives=["contatti", "notorieta"], priority=None)
    assert P.next_question(two) == "priority"


def test_free_text_answers_the_description_question(voc):
    turn = interpret(msg("produciamo mobili su misura in legno massello"), "activity",
                     {"org_kind": "azienda", "sector": "home_design"}, voc)
    assert turn.updates["activity"] == "produciamo mobili su misura in legno massello"
    assert turn.next_question == "segment"


def test_a_word_in_an_answer_does_not_overwrite_an_earlier_answer(voc):
    slots = {"org_kind": "professionista", "sector": "legal"}
    turn = interpret(msg("faccio consulenza sul diritto del lavoro", "inform",
                         ent("sector", "consulenza")), "activity", slots, voc)
    assert "sector" not in turn.updates
    assert turn.updates["activity"] == "faccio consulenza sul diritto del lavoro"


def test_an_explicit_correction_updates_the_profile(voc):
    slots = complete_profile(segment="entrambi")
    turn = interpret(msg("no, in realtà lavoriamo solo con aziende", "inform", ent("segment", "b2b")),
                     None, slots, voc)
    assert turn.updates["segment"] == "b2b"
    assert turn.next_question is None  # back to the summary


def test_correction_while_another_question_is_pending(voc):
    slots = {"org_kind": "azienda", "sector": "food_service", "locations": ["milano"]}
    turn = interpret(msg("scusa, volevo dire Torino", "inform", ent("place", "Torino", 17)), "activity",
                     slots, voc)
    assert turn.updates["locations"] == ["torino"]
    assert turn.next_question == "activity"


def test_negated_place_is_not_taken(voc):
    text = "Torino, non Milano"
    turn = interpret(msg(text, "inform", ent("place", "Torino", 0), ent("place", "Milano", 12)),
                     "locations", {}, voc)
    assert turn.updates["locations"] == ["torino"]


def test_also_adds_instead_of_replacing(voc):
    slots = {"segment": "b2b", "locations": ["italia"]}
    turn = interpret(msg("anche i privati, e anche in Germania", "inform", ent("segment", "b2c"),
                         ent("place", "Germania")), "audience", slots, voc)
    assert turn.updates["segment"] == "entrambi"
    assert turn.updates["locations"] == ["italia", "germania"]


def test_change_field_clears_it_and_asks_it_again(voc):
    slots = complete_profile()
    turn = interpret(msg("cambia il settore", "change_field", ent("field", "sector")), None, slots, voc)
    assert turn.updates["sector"] is None
    assert turn.next_question == "sector"


@pytest.mark.parametrize("text, field", [("vorrei correggere il monte ore", "weekly_hours"),
                                          ("cambia l'ambito", "sector"),
                                          ("rifacciamo gli obbiettivi", "objectives"),
                                          ("sbagliato il pubblico", "audience")])
def test_a_field_the_extractor_missed_is_read_from_its_words(voc, text, field):
    turn = interpret(msg(text, "change_field"), None, complete_profile(), voc)
    assert turn.updates[field] is None and turn.next_question == field


def test_change_field_with_the_new_value_sets_it(voc):
    slots = complete_profile()
    turn = interpret(msg("cambia il settore: ristorazione", "change_field", ent("field", "sector"),
                         ent("sector", "ristorazione")), None, slots, voc)
    assert turn.updates["sector"] == "food_service"
    assert turn.next_question is None


def test_change_without_a_field_asks_which_then_clears_the_chosen_one(voc):
    slots = complete_profile()
    turn = interpret(msg("/change_field", "change_field"), None, slots, voc)
    assert turn.next_question == ASK_FIELD_TO_CHANGE and not turn.updates
    turn = interpret(msg('/change_field{"field":"transparency"}', "change_field",
                         ent("field", "transparency")), ASK_FIELD_TO_CHANGE, slots, voc)
    assert all(turn.updates[f] is None for f in P.TRANSPARENCY)
    assert turn.next_question == "replies_to_messages"


def test_no_to_the_summary_asks_which_field(voc):
    turn = interpret(msg("no", "deny"), None, complete_profile(), voc)
    assert turn.next_question == ASK_FIELD_TO_CHANGE


def test_nothing_to_change_after_all_goes_back_to_the_summary(voc):
    turn = interpret(msg("niente, va bene così", "deny"), ASK_FIELD_TO_CHANGE, complete_profile(), voc)
    assert turn.is_answer and turn.next_question is None


def test_dont_know_skips_the_question(voc):
    turn = interpret(msg("non lo so", "dont_know"), "audience", {"org_kind": "azienda"}, voc)
    assert turn.updates["audience"] == P.SKIPPED
    assert turn.next_question != "audience"


@pytest.mark.parametrize("question", ["ad_budget", *P.TRANSPARENCY])
def test_yes_and_no_answer_the_closed_questions(voc, question):
    assert interpret(msg("sì", "affirm"), question, {}, voc).updates[question] is True
    assert interpret(msg("no", "deny"), question, {}, voc).updates[question] is False


def test_no_channels_yet(voc):
    assert interpret(msg("nessuno", "deny"), "channels_used", {}, voc).updates["channels_used"] == []


def test_channels_named_while_asked_are_channels_in_use(voc):
    turn = interpret(msg("ho solo linkedin", "inform", ent("channel", "linkedin")), "channels_used", {}, voc)
    assert turn.updates["channels_used"] == ["linkedin"]


def test_channels_named_without_using_them_are_kept_apart(voc):
    turn = interpret(msg("mi piacerebbe provare TikTok", "inform", ent("channel", "TikTok")),
                     "objectives", {}, voc)
    assert "channels_used" not in turn.updates
    assert turn.updates["channels_named"] == ["tiktok"]


def test_hours_from_text_and_from_a_button(voc):
    assert interpret(msg("mezz'ora al giorno"), "weekly_hours", {}, voc).updates["weekly_hours"] == 3.5
    button = msg('/inform{"hours":"3.5"}', "inform", ent("hours", "3.5"))
    assert interpret(button, "weekly_hours", {}, voc).updates["weekly_hours"] == 3.5


def test_priority_from_a_button_among_the_chosen_objectives(voc):
    slots = {"objectives": ["contatti", "notorieta"]}
    turn = interpret(msg('/inform{"objective":"notorieta"}', "inform", ent("objective", "notorieta")),
                     "priority", slots, voc)
    assert turn.updates == {"priority": "notorieta"}
    assert "objectives" not in turn.updates


def test_invalid_answer_is_reasked_with_an_example_then_skipped(voc):
    slots: dict = {"org_kind": "azienda"}
    turn = interpret(msg("boh forse", "inform"), "sector", slots, voc)
    assert turn.updates.get("sector") is None
    assert "per esempio" in turn.notes[0].lower()
    assert turn.next_question == "sector"
    slots.update(turn.updates)
    for _ in range(MAX_FAILED_TRIES - 1):
        turn = interpret(msg("mah", "inform"), "sector", slots, voc)
        slots.update(turn.updates)
    assert slots["sector"] == P.SKIPPED
    assert turn.next_question == "activity"


def test_out_of_order_button_payload_fills_its_own_field(voc):
    turn = interpret(msg('/inform{"team":"agenzia"}', "inform", ent("team", "agenzia")), "sector",
                     {"org_kind": "azienda"}, voc)
    assert turn.updates["team"] == "agenzia"
    assert turn.next_question == "sector"


def test_out_of_order_button_with_an_invalid_value_is_not_stored(voc):
    turn = interpret(msg('/inform{"org_kind":"astronave"}', "inform", ent("org_kind", "astronave")),
                     "org_kind", {}, voc)
    assert "org_kind" not in turn.updates and turn.updates["attempts"] == {"org_kind": 1}
    assert turn.next_question == "org_kind"


@pytest.mark.parametrize("text, intent", [("aiuto", "help"), ("sei un bot?", "bot_challenge"),
                                          ("che tempo fa domani?", "out_of_scope"), ("grazie", "thanks"),
                                          ("ciao", "greet"), ("ricominciamo da capo", "start_over"),
                                          ("cancella i miei dati", "erase_my_data")])
def test_interruptions_are_not_answers(voc, text, intent):
    turn = interpret(msg(text, intent), "sector", {"org_kind": "azienda"}, voc)
    assert not turn.is_answer and not turn.updates
    assert turn.next_question == "sector"


def test_unusable_input_is_not_an_answer_even_for_free_text(voc):
    problem = msg("<script>alert(1)</script>", "nlu_fallback", ent("input_problem", "markup"))
    turn = interpret(problem, "activity", {}, voc)
    assert not turn.is_answer and not turn.updates


def test_markup_is_never_stored_as_a_description(voc):
    turn = interpret(msg("<b>vendo</b> scarpe online"), "activity", {}, voc)
    assert "activity" not in turn.updates and turn.updates["attempts"] == {"activity": 1}


def test_new_objectives_reset_a_priority_that_no_longer_applies(voc):
    slots = complete_profile(objectives=["contatti", "notorieta"], priority="notorieta")
    turn = interpret(msg("no, in realtà voglio vendere online", "inform", ent("objective", "vendite")),
                     None, slots, voc)
    assert turn.updates["objectives"] == ["vendite"]
    assert turn.updates["priority"] is None


def test_free_text_that_said_something_else_is_not_taken_as_the_description(voc):
    turn = interpret(msg("anche i privati", "inform", ent("segment", "b2c")), "audience",
                     complete_profile(segment="b2b", audience=None), voc)
    assert turn.updates["segment"] == "entrambi" and "audience" not in turn.updates
    assert turn.next_question == "audience"


def test_an_unusual_span_is_read_through_the_keyword_stems(voc):
    turn = interpret(msg("farci conoscere e fidelizzare i clienti", "inform",
                         {"entity": "objective", "value": "notorieta", "start": 0, "end": 15},
                         {"entity": "objective", "value": "fidelizzare i clienti", "start": 18, "end": 39}),
                     "objectives", {}, voc)
    assert turn.updates["objectives"] == ["notorieta", "community"]


@pytest.mark.parametrize("question, text, value", [
    ("team", "se ne occupa il nostro team", "team"),
    ("team", "lo faccio io", "da_solo"),
    ("team", "ci affidiamo a un'agenzia di Bologna", "agenzia"),
    ("segment", "vendiamo soprattutto ai privati", "b2c"),
    ("org_kind", "abbiamo una ditta individuale", "azienda"),
    ("objectives", "vorrei più recensioni e più visite al sito", ["reputazione", "traffico"]),
])
def test_direct_answers_without_entities(voc, question, text, value):
    assert interpret(msg(text), question, {}, voc).updates[question] == value


def test_age_from_the_whole_sentence(voc):
    turn = interpret(msg("giovani tra i 20 e i 35 anni", "inform", ent("age", "giovani"),
                         ent("age", "tra i 20 e i 35 anni")), "audience", {}, voc)
    assert turn.updates["audience"] == "20-35"


def test_an_out_of_scope_question_naming_a_place_is_not_an_answer(voc):
    turn = interpret(msg("che tempo fa domani a Roma?", "out_of_scope", ent("place", "Roma")),
                     "sector", {"org_kind": "azienda"}, voc)
    assert not turn.is_answer and not turn.updates


@pytest.mark.parametrize("intent", ["ask_channel_country", "out_of_scope"])
def test_a_bare_answer_classified_as_a_question_is_an_answer(voc, intent):
    # "in Germania" after "Dove lavori?": the classifier saw a question about channels in Germany
    turn = interpret(msg("in Germania", intent, ent("place", "Germania")), "locations",
                     {"org_kind": "startup"}, voc)
    assert turn.is_answer and turn.updates["locations"] == ["germania"]


@pytest.mark.parametrize("text, requested", [
    ("in Germania cosa funziona?", "locations"),  # a question mark
    ("quale social va di più in Germania", "locations"),  # a question word
    ("parlami di Instagram", "activity"),  # free text would fill any free question
    ("LinkedIn in Germania", "locations"),  # about a channel
])
def test_a_question_stays_a_question(voc, text, requested):
    entities = [ent(kind, word) for kind, word in (("place", "Germania"), ("channel", "Instagram"),
                                                   ("channel", "LinkedIn")) if word in text]
    turn = interpret(msg(text, "ask_channel_country", *entities), requested, {"org_kind": "startup"}, voc)
    assert not turn.is_answer and not turn.updates


def test_a_greeting_with_information_is_an_answer(voc):
    turn = interpret(msg("ciao, sono un avvocato", "greet", ent("profession", "avvocato")), None, {}, voc)
    assert turn.is_answer and turn.updates["identity_guess"]["sector"] == "legal"


def test_a_place_given_at_another_question_is_noted_and_the_question_asked_again(voc):
    # "in Germania" after "In che settore lavori?": information, not a question about channels
    turn = interpret(msg("in Germania", "ask_channel_country", ent("place", "Germania")), "sector",
                     {"org_kind": "startup"}, voc)
    # said instead of an answer, the place is the answer to its own question (said in passing, it is offered
    # when the markets are asked: test_places_said_answering_another_question_are_offered_at_the_markets_question)
    assert turn.is_answer and turn.updates["locations"] == ["germania"]
    assert turn.next_question == "sector" and turn.offer_skip
    assert "Germania" in turn.notes[0]


def test_who_one_is_read_from_a_description_is_said_back_before_it_is_stored(voc):
    from bot import texts

    text = "Ho una trattoria a Bologna, vorrei più clienti"
    first = interpret(msg(text, "inform", ent("sector", "trattoria", text.index("trattoria"))), None, {}, voc)
    guess = first.updates["identity_guess"]
    assert (guess["org_kind"], guess["sector"]) == ("azienda", "food_service")
    assert "sector" not in first.updates and "org_kind" not in first.updates
    assert not first.notes or "ristorazione" not in first.notes[0]  # said back by the question, not noted
    slots = {**first.updates}
    assert first.next_question == "org_kind"
    asked = texts.question("org_kind", slots)
    assert asked["text"] == "Da quello che mi hai scritto direi: azienda o PMI, settore «ristorazione». È così?"
    assert [b["payload"] for b in asked["buttons"]] == ["/affirm", "/deny"]
    # in sales mode the same words fit: the salesperson wrote the description
    assert texts.question("org_kind", {**slots, "mode": "sales"})["text"] == asked["text"]
    yes = interpret(msg("sì, esatto"), "org_kind", slots, voc)
    assert (yes.updates["org_kind"], yes.updates["sector"]) == ("azienda", "food_service")
    assert yes.updates["ateco"].startswith("56") and yes.updates["identity_guess"] is None
    # "no, siamo un'associazione": that kind, and the sector asked back alone at its question
    other = interpret(msg("no, siamo un'associazione"), "org_kind", slots, voc)
    assert other.updates["org_kind"] == "ente" and other.updates["identity_guess"]["sector"] == "food_service"
    assert other.next_question == "sector"
    assert texts.question("sector", {**slots, **other.updates})["text"] \
        == "Da quello che mi hai scritto direi il settore «ristorazione». È così?"
    # a bare "no": the kind asked again, plainly, with «salta»
    no = interpret(msg("no", "deny"), "org_kind", slots, voc)
    assert "org_kind" not in no.updates and no.next_question == "org_kind" and no.offer_skip
    assert no.notes == ["D'accordo, allora dimmelo tu."]
    assert texts.question("org_kind", {**slots, **no.updates})["text"].startswith("Per cominciare")
    # a kind typed instead of yes or no: that kind
    typed = interpret(msg("startup"), "org_kind", slots, voc)
    assert typed.updates["org_kind"] == "startup" and typed.updates["identity_guess"]["sector"] == "food_service"
    # the sector alone, when the message does not say who the user is: said back at its own question
    text = "scrivo per la trattoria di famiglia in centro"
    only = interpret(msg(text, "inform", ent("sector", "trattoria", text.index("trattoria"))), None, {}, voc)
    assert "org_kind" not in only.updates["identity_guess"] and only.next_question == "sector"
    slots = {**only.updates}
    yes = interpret(msg("sì"), "sector", slots, voc)
    assert yes.updates["sector"] == "food_service" and yes.next_question == "org_kind"
    assert texts.question("org_kind", {**slots, **yes.updates})["text"] == "E tu chi sei?"  # not the start now
    # "no" with the right sector after it: that one
    other = interpret(msg("no, siamo un agriturismo", "deny"), "sector", slots, voc)
    assert other.updates["sector"] not in (None, "food_service", P.SKIPPED)
    no = interpret(msg("no", "deny"), "sector", slots, voc)
    assert "sector" not in no.updates and no.next_question == "sector" and no.offer_skip
    assert "direi" not in texts.question("sector", {**slots, **no.updates})["text"]
    # the sector said in answer to its own question is stored as said
    said = interpret(msg("ristorazione", "inform", ent("sector", "ristorazione")), "sector", {"org_kind": "azienda"},
                     voc)
    assert said.updates["sector"] == "food_service" and "identity_guess" not in said.updates


@pytest.mark.parametrize("text, kind", [
    ("sono il responsabile marketing di una software house di Bari", "azienda"),  # a role: its organisation
    ("rappresento una cantina in provincia di Asti", "azienda"),  # a province as a place, not a body
    ("siamo uno spin-off del Politecnico di Milano", "startup"),
    ("alleno in una società di pallavolo femminile", "ente"),
    ("ho una farmacia in paese", "azienda"),
    ("sono avvocato a Lecce", "professionista"),
    ("lavoro per il comune, ufficio cultura", "ente"),
    ("siamo una cooperativa di braccianti", "azienda"),  # a cooperative is a business
    ("siamo una cooperativa sociale", "ente"),  # a social one, a non-profit
])
def test_the_kind_of_organisation_from_a_description(voc, text, kind):
    from bot.interview import _org_kind

    assert _org_kind(msg(text), voc) == kind


def test_a_channel_named_to_say_it_is_not_used_is_not_stored(voc):
    slots = {"org_kind": "azienda", "objectives": ["contatti"]}
    turn = interpret(msg("nessun social, neanche Instagram", "deny", ent("channel", "instagram", 24)),
                     "channels_used", slots, voc)
    assert turn.updates["channels_used"] == []
    kept = interpret(msg("Facebook sì, Instagram no"), "channels_used", slots, voc)
    assert "facebook" in kept.updates["channels_used"]


def test_objective_words_inside_another_entity_still_name_the_objective(voc):
    # "il negozio online" tagged as a sector still says "sell online"
    turn = interpret(msg("far partire il negozio online", "inform", {"entity": "sector", "value": "retail",
                                                                      "start": 15, "end": 29}),
                     "objectives", {"org_kind": "azienda", "sector": "retail"}, voc)
    assert turn.updates["objectives"] == ["vendite"]


def test_a_role_to_hire_is_not_the_users_profession(voc):
    turn = interpret(msg("trovare due pizzaioli per l'estate", "inform", ent("profession", "chef")),
                     "objectives", {"org_kind": "azienda", "sector": "food_service"}, voc)
    assert turn.updates["objectives"] == ["recruiting"] and "profession" not in turn.updates


def test_a_sector_nobody_listed_is_read_from_ateco_confirmed_and_its_code_kept(voc):
    from bot import texts

    slots = {"org_kind": "azienda"}
    turn = interpret(msg("una sala bingo"), "sector", slots, voc)
    # read from ISTAT's notes: asked back, not stored
    assert "sector" not in turn.updates and turn.next_question == "sector"
    guess = turn.updates["identity_guess"]
    assert guess["sector"] == "gambling" and guess["ateco"].startswith("92")
    slots = {**slots, **turn.updates}
    asked = texts.question("sector", slots)
    assert asked["text"].startswith("Dalla tua risposta direi il settore «giochi e scommesse»")
    assert [b["payload"] for b in asked["buttons"]] == ["/affirm", "/deny"]
    yes = interpret(msg("sì", "affirm"), "sector", slots, voc)
    assert yes.updates["sector"] == "gambling" and yes.updates["ateco"].startswith("92")
    assert yes.updates["identity_guess"] is None and yes.next_question == "activity"
    # "no": the guess is dropped, and after this second try the interview moves on
    no = interpret(msg("no", "deny"), "sector", slots, voc)
    assert no.updates["identity_guess"] is None and no.updates["sector"] == P.SKIPPED
    # the same words again: that is what the user means
    again = interpret(msg("una sala bingo"), "sector", slots, voc)
    assert again.updates["sector"] == "gambling"
    # a sector word of our own vocabulary: the sector's main ATECO code
    said = interpret(msg("ristorazione", "inform", ent("sector", "food_service")), "sector", {"org_kind": "azienda"},
                     voc)
    assert said.updates["sector"] == "food_service" and said.updates["ateco"].startswith("56")


@pytest.mark.parametrize("text, kind", [
    ("ho una bottega di cornici a Lucca", "azienda"),
    ("abbiamo preso in mano il vigneto di famiglia", "azienda"),  # a business the user runs, named or not
    ("sono la segretaria di un comune di montagna", "ente"),
    ("sono il responsabile vendite di un gruppo di cliniche dentali", "azienda"),
    ("salumeria", "azienda"),  # a shop by its trade, said alone
    ("una lavanderia self service", "azienda"),
])
def test_a_business_the_user_runs_is_a_business_whatever_its_trade(voc, text, kind):
    from bot.interview import _org_kind

    assert _org_kind(msg(text), voc) == kind


def test_ateco_reads_the_answer_to_the_sector_question_not_a_self_description(voc):
    # "agente" shares words with many ATECO lines: at "chi sei?" it says who, not the trade
    turn = interpret(msg("sono un agente, libero professionista"), "org_kind", {}, voc)
    assert turn.updates["org_kind"] == "professionista" and "sector" not in turn.updates


def test_who_would_run_the_channels_is_read_only_at_its_own_question(voc):
    # "lavoro da sola" says how the business works; the team question is still asked
    turn = interpret(msg("lavoro da sola, sono una ceramista", "inform", ent("team", "da_solo")), "org_kind", {},
                     voc)
    assert "team" not in turn.updates


def test_what_the_business_offers_follows_its_description(voc):
    slots = {"org_kind": "azienda", "sector": "food_service"}
    turn = interpret(msg("pizze e fritti consegnati a domicilio, niente sala"), "activity", slots, voc)
    assert turn.updates["offering"] == "cibo_a_domicilio"
    # the description changed: read again
    again = interpret(msg("trattoria con cucina di mare e venti coperti"), "activity",
                      {**slots, **turn.updates, "activity": None}, voc)
    assert again.updates["offering"] == "cibo_sul_posto"


@pytest.mark.parametrize("text, expected", [
    ("più prenotazioni dirette per le camere", ["prenotazioni"]),
    ("riempire l'agenda di appuntamenti", ["prenotazioni"]),
    ("raccogliere fondi per il canile e trovare nuovi volontari", ["donazioni", "volontari"]),
    ("ci servono sponsor per la squadra", ["donazioni"]),
    ("che più gente ci dia il cinque per mille", ["donazioni"]),
    ("volontari", ["volontari"]),
    ("trovare due camerieri e più clienti", ["recruiting", "contatti"]),
    ("qualcuno che ci dia una mano con la mensa", ["volontari"]),
    ("farmi un nome in zona", ["notorieta"]),
    ("assistere meglio i clienti", ["assistenza"]),  # the customers one has: not new contacts
])
def test_bookings_donations_and_volunteers_are_objectives_of_their_own(voc, text, expected):
    # no entity from the extractor: the vocabulary's stems and the classes of what is wanted read them
    turn = interpret(msg(text), "objectives", {"org_kind": "ente", "sector": "nonprofit"}, voc)
    assert turn.updates["objectives"] == expected


def test_the_objectives_buttons_fit_the_organisation():
    from bot import texts
    titles = lambda slots: [b["title"] for b in texts.question("objectives", slots)["buttons"]]  # noqa: E731
    association, shop = titles({"org_kind": "ente"}), titles({"org_kind": "azienda"})
    assert "Trovare volontari" in association and "Raccolta fondi e donazioni" in association
    assert "Trovare volontari" not in shop and "Prenotazioni e appuntamenti" in shop
    assert all(set(b) == {"title", "payload"} for b in texts.question("objectives", {})["buttons"])


def test_a_description_naming_several_offerings_asks_which_comes_first(voc):
    from bot import texts
    slots = {"org_kind": "azienda", "sector": "tourism"}
    turn = interpret(msg("B&B sul lago con ristorante aperto anche a chi non dorme da noi"), "activity", slots, voc)
    assert turn.updates["offering_choices"] == ["alloggio", "cibo_sul_posto"] and turn.updates["offering"] is None
    assert turn.next_question == "offering"
    slots = {**slots, **turn.updates}
    buttons = texts.question("offering", slots)["buttons"]
    assert [b["title"] for b in buttons] == ["Alloggio", "Cibo e bevande sul posto", "Non so, decidi tu"]
    # a button, or the answer's own words
    pressed = interpret(msg('/inform{"offering":"cibo_sul_posto"}', "inform", ent("offering", "cibo_sul_posto")),
                        "offering", slots, voc)
    assert pressed.updates["offering"] == "cibo_sul_posto" and pressed.next_question == "segment"
    typed = interpret(msg("soprattutto le camere"), "offering", slots, voc)
    assert typed.updates["offering"] == "alloggio"


def test_one_offering_is_read_without_a_question(voc):
    turn = interpret(msg("studio legale di diritto del lavoro"), "activity", {"org_kind": "professionista",
                                                                               "sector": "legal"}, voc)
    assert turn.updates["offering"] == "servizi_professionali" and turn.next_question == "segment"


def test_the_offering_can_be_changed_in_words(voc):
    slots = {"org_kind": "azienda", "sector": "tourism", "activity": "B&B sul lago con ristorante",
             "offering": "alloggio", "offering_choices": None, "segment": "b2c"}
    turn = interpret(msg("cambia cosa offri", "change_field"), "locations", slots, voc)
    assert turn.updates["offering"] is None and turn.next_question == "offering"
    answer = interpret(msg("soprattutto il ristorante"), "offering", {**slots, **turn.updates}, voc)
    assert answer.updates["offering"] == "cibo_sul_posto" and answer.next_question == "locations"


def test_typing_in_a_hurry_still_answers(voc):
    # names glued together, a kind of organisation with a letter missing
    assert interpret(msg("instagrameyoutube", "inform"), "channels_used", {}, voc).updates["channels_used"] \
        == ["instagram", "youtube"]
    assert interpret(msg("sturtup di logistica", "inform"), "org_kind", {}, voc).updates["org_kind"] == "startup"


def test_who_one_is_comes_before_what_one_works_on(voc):
    # the profession said first gives the sector; the subject of the work does not
    turn = interpret(msg("sono una fotografa, soprattutto moda e cataloghi"), "sector", {"org_kind": "professionista"}, voc)
    assert turn.updates["sector"] == "creative"
    turn = interpret(msg("moda, sono una stilista"), "sector", {"org_kind": "professionista"}, voc)
    assert turn.updates["sector"] == "fashion"


@pytest.mark.parametrize("text, expected", [
    ("abbiamo un prototipo e cerchiamo business angel", "startup"),
    ("sono l'assessore alla cultura di un paese", "ente"),
    ("lavoro per la camera di commercio di Bari", "ente"),
])
def test_the_kind_of_organisation_from_funding_words_and_public_roles(voc, text, expected):
    first = interpret(msg(text), "org_kind", {}, voc)  # the first message: inferred, so said back
    assert first.updates["identity_guess"]["org_kind"] == expected
    later = interpret(msg(text), "org_kind", {"sector": "public_sector"}, voc)  # later: the answer
    assert later.updates["org_kind"] == expected


def test_any_trade_after_a_verb_of_hiring_is_recruiting(voc):
    slots = {"objectives": ["contatti", "recruiting"]}
    assert interpret(msg("trovare un fisioterapista bravo, il resto dopo"), "priority", slots, voc).updates["priority"] \
        == "recruiting"


def test_in_a_first_message_too_the_profession_said_first_gives_the_sector(voc):
    text = "Sono una fotografa di matrimoni a Firenze"
    turn = interpret(msg(text, "inform", ent("profession", "fotografa", text.index("fotografa")),
                         ent("sector", "matrimoni", text.index("matrimoni"))), None, {}, voc)
    assert turn.updates["identity_guess"]["sector"] == "creative"
    text = "Organizzo matrimoni, sono una wedding planner"
    turn = interpret(msg(text, "inform", ent("sector", "matrimoni", text.index("matrimoni"))), None, {}, voc)
    assert turn.updates["identity_guess"]["sector"] == "events"


def test_a_kind_of_organisation_said_to_be_not_what_one_is_is_not_taken(voc):
    text = "nn sono un'azienda, lavoro da sola come traduttrice"
    turn = interpret(msg(text, "inform", ent("org_kind", "azienda", text.index("azienda"))), "org_kind", {}, voc)
    assert turn.updates.get("org_kind") == "professionista"


@pytest.mark.parametrize("text, expected", [
    ("usavamo Facebook, poi l'abbiamo chiuso", []),
    ("avevo TikTok una volta, ora niente", []),
    ("Instagram, e avevo Facebook anni fa", None),  # one still in use: the channels are read as usual
])
def test_channels_used_once_and_not_any_more_are_no_channels(voc, text, expected):
    turn = interpret(msg(text), "channels_used", {"objectives": ["contatti"]}, voc)
    if expected is None:
        assert "instagram" in turn.updates["channels_used"]
    else:
        assert turn.updates["channels_used"] == expected


@pytest.mark.parametrize("text, expected", [
    ("più cleinti e più prenotazzioni", ["contatti", "prenotazioni"]),
    ("cerchiamo un pizzaiolo per il weekend", ["recruiting"]),
    ("raccogliere offerte per il restauro dell'organo", ["donazioni"]),
    ("ci servono bagnini e animatori per l'estate, e più prenotazioni", ["recruiting", "prenotazioni"]),
    ("raccogliere un po' di soldi per il campo estivo", ["donazioni"]),  # money collected, not sales
    ("trovare operatori turistici che ci mandino gruppi", ["contatti"]),  # partners, not staff
])
def test_objectives_misspelt_hiring_in_the_first_person_and_offerings_collected(voc, text, expected):
    turn = interpret(msg(text), "objectives", {}, voc)
    assert turn.updates["objectives"] == expected


def test_customers_who_bought_already_want_help_not_sales(voc):
    slots = {"objectives": ["vendite", "assistenza"]}
    turn = interpret(msg("aiutare chi ha già comprato da noi"), "priority", slots, voc)
    assert turn.updates["priority"] == "assistenza"


def test_a_question_then_its_answer_is_the_answer(voc):
    turn = interpret(msg("bella domanda... se ci mettiamo la faccia? direi proprio di no", "ask_channel"),
                     "shows_identity", {}, voc)
    assert turn.is_answer and turn.updates["shows_identity"] is False


def test_a_role_answering_whether_someone_will_reply_is_a_yes(voc):
    turn = interpret(msg("le ragazze del negozio, a turno"), "replies_to_messages", {}, voc)
    assert turn.updates["replies_to_messages"] is True


def test_funding_words_make_a_startup_even_when_it_says_company(voc):
    text = "siamo un'azienda in fase seed, ci ha finanziato un business angel"
    turn = interpret(msg(text, "inform", ent("org_kind", "azienda", text.index("azienda"))), "org_kind", {}, voc)
    assert turn.updates["org_kind"] == "startup"


def test_a_pronoun_is_not_a_role_that_answers_yes(voc):
    turn = interpret(msg("ce provo, ma certi commenti me fanno arrabbiare"), "handles_criticism", {}, voc)
    assert "handles_criticism" not in turn.updates and turn.next_question == "handles_criticism"  # asked back


def test_a_question_at_a_free_text_question_is_never_taken_as_its_answer(voc):
    turn = interpret(msg("ma a cosa serve saperlo? non capisco", "ask_why"), "activity", {"org_kind": "azienda"}, voc)
    assert "activity" not in turn.updates


def test_a_real_italian_word_is_never_read_as_a_misspelt_objective(voc):
    """One typo reader for every question (bot/comuni.typo_of): "contratti" is a word, not "contatti"
    misspelt ("più contratti" is new customers by its meaning, data/vocabulary.yml)."""
    from bot.interview import _spelled
    assert _spelled("contratti firmati e più recenzioni") == "contratti firmati e più recensioni"
    turn = interpret(msg("meno contrattempi e più recenzioni"), "objectives", {}, voc)
    assert turn.updates["objectives"] == ["reputazione"]


def test_an_answer_corrected_within_the_message_keeps_what_was_meant(voc):
    given = {"objectives": ["traffico", "vendite"]}
    assert interpret(msg("le vendite, anzi no, il traffico"), "priority", given, voc).updates["priority"] == "traffico"
    assert interpret(msg("sei ore, anzi no, facciamo quattro"), "weekly_hours", {}, voc).updates["weekly_hours"] == 4.0
    assert interpret(msg("no, cioè sì, le rispondo", "deny"), "handles_criticism", {}, voc) \
        .updates["handles_criticism"] is True
    # the entity found after the correction is the one read
    text = "siamo un'associazione, anzi no, una piccola impresa"
    turn = interpret(msg(text, "inform", ent("org_kind", "associazione", 10), ent("org_kind", "impresa", 48)),
                     "org_kind", {}, voc)
    assert turn.updates["org_kind"] == "azienda"


def test_a_description_that_corrects_itself_is_kept_whole(voc):
    text = "vendiamo biciclette, cioè volevo dire, le ripariamo e le noleggiamo"
    turn = interpret(msg(text), "activity", {"sector": "retail"}, voc)
    assert turn.updates["activity"].startswith("vendiamo biciclette")
    assert turn.next_question != "activity"


def test_the_conclusion_of_a_story_answers_a_question_of_one_value(voc):
    text = "per anni ha fatto tutto un consulente esterno, ma ora basta: quindi me ne occupo io"
    assert interpret(msg(text), "team", {}, voc).updates["team"] == "da_solo"


def test_an_answer_said_as_a_question(voc):
    assert interpret(msg("e perché no?", "ask_channel"), "shows_identity", {}, voc).updates["shows_identity"] is True
    assert interpret(msg("non saprei... due ore?", "ask_channel"), "weekly_hours", {}, voc).updates["weekly_hours"] == 2.0
    # a real question back is still a question
    assert not interpret(msg("quante ore servono?", "ask_channel"), "weekly_hours", {}, voc).is_answer


def test_a_cooperative_is_a_business_and_a_body_named_before_the_role_is_that_body(voc):
    coop = interpret(msg("una cooperativa di falegnami", "inform", ent("org_kind", "cooperativa", 4)), "org_kind", {}, voc)
    assert coop.updates["org_kind"] == "azienda"
    social = interpret(msg("una cooperativa sociale", "inform", ent("org_kind", "cooperativa sociale", 4)),
                       "org_kind", {}, voc)
    assert social.updates["org_kind"] == "ente"
    body = interpret(msg("Comune di montagna, scrivo per l'ufficio stampa", "inform", ent("org_kind", "Comune", 0)),
                     "org_kind", {}, voc)
    assert body.updates["org_kind"] == "ente"


def test_a_channel_closed_then_the_one_in_use_after_a_colon(voc):
    text = "Twitter, anzi no, quello l'ho chiuso: adesso solo LinkedIn"
    turn = interpret(msg(text, "inform", ent("channel", "x_twitter", 0), ent("channel", "linkedin", 52)),
                     "channels_used", {}, voc)
    assert turn.updates["channels_used"] == ["linkedin"]


@pytest.mark.parametrize("text, requested, expected", [
    ("su eBay e Amazon.fr", "locations", ["francia"]),  # a store's country ending
    ("a clienti francesi e spagnoli", "locations", ["francia", "spagna"]),  # nationalities
    ("ovunque in Italia", "locations", ["italia"]),
    ("ovunque, il web non ha confini", "locations", ["mondo"]),
    ("che la gente sappia che il nostro punto vendita c'è", "objectives", ["notorieta"]),  # a shop, not sales
    ("avere l'agenda piena di lezioni private", "objectives", ["prenotazioni"]),
    ("uso Instagram per le foto delle vacanze, per lavoro nulla", "channels_used", []),  # private use
    ("fb e wa", "channels_used", ["facebook", "whatsapp_business"]),
    ("rivendo ricambi per bici su eBay", "sector", "retail"),  # a shop on a marketplace
    ("taglio, piega e trucco per le spose", "sector", "beauty"),
])
def test_places_objectives_channels_and_sectors_in_other_words(voc, text, requested, expected):
    assert interpret(msg(text), requested, {"org_kind": "azienda"}, voc).updates[requested] == expected


def test_an_audience_described_with_chi_is_no_question(voc):
    text = "chi cerca su Etsy un regalo originale"
    turn = interpret(msg(text, "ask_channel_info", ent("channel", "Etsy", text.index("Etsy"))), "audience",
                     {"org_kind": "azienda"}, voc)
    assert turn.is_answer and turn.updates["audience"] == text


def test_places_said_answering_another_question_are_offered_at_the_markets_question(voc):
    from bot import texts

    slots = {"org_kind": "azienda", "sector": "food_production", "activity": "olio extravergine"}
    text = "entrambi, ristoranti e negozi all'estero più i privati sull'e-shop"
    turn = interpret(msg(text, "inform", ent("place", "all'estero", text.index("all'estero"))), "segment", slots, voc)
    assert turn.updates["segment"] == "entrambi" and "locations" not in turn.updates
    assert turn.updates["places_named"] == ["mondo"] and turn.next_question == "locations"
    asked = texts.question("locations", {**slots, **turn.updates})
    assert asked["text"].startswith("Mi hai detto tutto il mondo")
    markets = interpret(msg("Italia, Germania e Giappone"), "locations", {**slots, **turn.updates}, voc)
    assert markets.updates["locations"] == ["italia", "germania", "giappone"]


@pytest.mark.parametrize("text, requested, expected", [
    ("famiglie che cambiano casa", "audience", "famiglie che cambiano casa"),  # a change described, not asked
    ("sì, anche se a volte ci vuole pazienza", "handles_criticism", True),  # a yes, granted something
    ("sì, ma se mi insultano no", "handles_criticism", None),  # an exception left open: asked again
    ("penso di sì", "shows_identity", None),
    ("b2c, più qualche grossista", "segment", "entrambi"),
])
def test_descriptions_with_change_verbs_concessions_exceptions_and_trade_terms(voc, text, requested, expected):
    slots = {"org_kind": "azienda", "sector": "logistics", "activity": "traslochi", "segment": "entrambi"}
    if requested == "segment":
        slots.pop("segment")
    turn = interpret(msg(text), requested, slots, voc)
    assert turn.updates.get(requested) == expected and "segment" not in {k for k in turn.updates if k != requested}


def test_objectives_said_answering_another_question_are_offered_at_their_question(voc):
    from bot import texts

    slots = {"org_kind": "ente", "sector": "public_sector", "activity": "il comune", "segment": "b2c"}
    text = "Molise, ma vorremmo attirare visitatori anche da Napoli"
    turn = interpret(msg(text, "inform", ent("place", "Molise", 0), ent("objective", "traffico", text.index("attirare"))),
                     "locations", slots, voc)
    assert "objectives" not in turn.updates and turn.updates["objectives_named"] == ["traffico"]
    slots = {**slots, **turn.updates, "audience": "tutti"}
    assert texts.question("objectives", slots)["text"].startswith("Mi hai detto che vuoi")
    more = interpret(msg("farci conoscere e creare un legame con gli emigrati"), "objectives", slots, voc)
    assert more.updates["objectives"][0] == "traffico" and "notorieta" in more.updates["objectives"]


def test_a_kind_said_in_so_many_words_is_kept_and_only_the_sector_asked_back(voc):
    text = "siamo una piccola azienda di famiglia, abbiamo una pizzeria"
    turn = interpret(msg(text, "inform", ent("sector", "pizzeria", text.index("pizzeria"))), None, {}, voc)
    assert turn.updates["org_kind"] == "azienda" and "org_kind" not in turn.updates["identity_guess"]
    assert turn.next_question == "sector"
    # the brand a roaster wants to strengthen is no statement of what it is
    text = "siamo una torrefazione, vorremmo rafforzare il marchio all'estero"
    turn = interpret(msg(text), None, {}, voc)
    assert "org_kind" not in turn.updates


def test_a_change_of_mind_that_adds_keeps_both_answers(voc):
    slots = complete_profile(segment=None, locations=None, audience=None, objectives=None, channels_used=None,
                             weekly_hours=None, team=None, ad_budget=None, replies_to_messages=None,
                             shows_identity=None, handles_criticism=None, real_relationships=None)
    turn = interpret(msg("aziende... anzi no, anche privati che rinnovano casa"), "segment", slots, voc)
    assert turn.updates["segment"] == "entrambi"
    turn = interpret(msg("privati, anzi no, solo aziende"), "segment", slots, voc)
    assert turn.updates["segment"] == "b2b"


def test_a_change_of_mind_at_a_yes_no_question_is_the_no(voc):
    slots = complete_profile(shows_identity=None, handles_criticism=None, real_relationships=None)
    turn = interpret(msg("sì... anzi no, preferisco il marchio"), "shows_identity", slots, voc)
    assert turn.updates["shows_identity"] is False


def test_one_word_naming_an_activity_is_a_description(voc):
    slots = complete_profile(activity=None, segment=None)
    assert interpret(msg("sartoria"), "activity", slots, voc).updates["activity"] == "sartoria"
    assert interpret(msg("boh"), "activity", slots, voc).updates.get("activity") in (None, P.SKIPPED)


def test_an_objective_span_cut_short_by_the_extractor_is_read_in_the_text(voc):
    slots = complete_profile(objectives=None, channels_used=None)
    text = "vendere online e creare una community di appassionati"
    # the extractor read "creare una" only: no objective in it, so the words around it count
    turn = interpret(msg(text, "inform", {"entity": "objective", "value": "vendite", "start": 0, "end": 7},
                         {"entity": "objective", "value": "creare una", "start": 17, "end": 27}),
                     "objectives", slots, voc)
    assert turn.updates["objectives"] == ["vendite", "community"]


def test_channels_in_use_named_before_their_question_are_completed_there(voc):
    turn = interpret(msg("uso già Etsy per vendere le mie ceramiche", "inform", ent("channel", "etsy")), None, {}, voc)
    assert "channels_used" not in turn.updates and turn.updates["channels_used_named"] == ["etsy"]
    slots = complete_profile(channels_used=None, channels_used_named=["etsy"], weekly_hours=None)
    assert interpret(msg("anche Instagram e Pinterest"), "channels_used", slots, voc).updates["channels_used"] == \
        ["etsy", "instagram", "pinterest"]
    assert interpret(msg("/deny", "deny"), "channels_used", slots, voc).updates["channels_used"] == ["etsy"]
    assert interpret(msg("no, solo quello"), "channels_used", slots, voc).updates["channels_used"] == ["etsy"]


def test_a_channel_whose_name_is_a_word_counts_with_its_capital_in_a_list(voc):
    slots = complete_profile(channels_used=None, weekly_hours=None)
    assert interpret(msg("Instagram, Medium e Subito"), "channels_used", slots, voc).updates["channels_used"] == \
        ["instagram", "medium", "subito"]
    assert interpret(msg("ho aperto subito Instagram"), "channels_used", slots, voc).updates["channels_used"] == \
        ["instagram"]


def test_a_saying_with_a_field_word_is_no_change_of_that_field(voc):
    slots = complete_profile(handles_criticism=None, real_relationships=None)
    turn = interpret(msg("col tempo ho capito che avevo sbagliato: sì, rispondo con calma", "change_field"),
                     "handles_criticism", slots, voc)
    assert turn.updates.get("handles_criticism") is True and "weekly_hours" not in turn.updates


@pytest.mark.parametrize("text, kind", [
    ("freelance, anche se ho aperto una ditta", "professionista"),
    ("associazione, ma gestiamo anche un negozio", "ente"),
])
def test_the_kind_an_answer_opens_with_is_the_answer(voc, text, kind):
    turn = interpret(msg(text, "inform", ent("org_kind", "azienda", 24)), "org_kind", {}, voc)
    assert turn.updates["org_kind"] == kind


def test_objectives_typed_in_a_hurry(voc):
    slots = complete_profile(objectives=None, channels_used=None)
    turn = interpret(msg("piu contatti e una bella comuinta di clienti affezionati"), "objectives", slots, voc)
    assert "community" in turn.updates["objectives"]


@pytest.mark.parametrize("text, expected", [
    ("più visite al mio portfolio e qualche cliente", ["traffico", "contatti"]),
    ("più visite in cantina e nuovi contratti", ["prenotazioni", "contatti"]),
])
def test_visits_to_a_website_are_traffic_and_new_contracts_new_customers(voc, text, expected):
    slots = complete_profile(objectives=None, channels_used=None)
    assert interpret(msg(text), "objectives", slots, voc).updates["objectives"] == expected


def test_a_channel_only_planned_is_not_one_in_use(voc):
    slots = complete_profile(channels_used=None)
    turn = interpret(msg("nulla per ora, a breve apriremo TikTok", "inform", ent("channel", "tiktok")),
                     "channels_used", slots, voc)
    assert turn.updates["channels_used"] == []
    turn = interpret(msg("Facebook, e l'anno prossimo vorremmo anche YouTube", "inform",
                         ent("channel", "facebook"), ent("channel", "youtube")), "channels_used", slots, voc)
    assert turn.updates["channels_used"] == ["facebook"]


def test_what_holds_now_answers_after_a_past_told_first(voc):
    slots = complete_profile(ad_budget=None)
    turn = interpret(msg("prima facevamo qualche sponsorizzata, adesso no", "inform"), "ad_budget", slots, voc)
    assert turn.updates["ad_budget"] is False
    slots = complete_profile(weekly_hours=None)
    turn = interpret(msg("una volta ci dedicavo 10 ore, ora massimo tre", "inform"), "weekly_hours", slots, voc)
    assert turn.updates["weekly_hours"] == 3.0


def test_the_description_after_the_question_echoed(voc):
    turn = interpret(msg("cosa faccio? ripariamo biciclette e noleggiamo e-bike", "ask_channel_info"),
                     "activity", {"org_kind": "azienda"}, voc)
    assert turn.updates["activity"] == "ripariamo biciclette e noleggiamo e-bike"


def test_showing_themselves_is_answered_by_the_part_about_them(voc):
    slots = complete_profile(shows_identity=None)
    turn = interpret(msg("gli allievi del corso no, io sì", "inform"), "shows_identity", slots, voc)
    assert turn.updates["shows_identity"] is True


def test_a_clear_yes_in_another_language_answers_a_yes_no_question(voc):
    slots = complete_profile(real_relationships=None)
    problem = {"entity": "input_problem", "value": "foreign_language"}
    turn = interpret(msg("yes, sure", "nlu_fallback", problem), "real_relationships", slots, voc)
    assert turn.updates["real_relationships"] is True
    # elsewhere, a message in another language is still not taken as an answer
    turn = interpret(msg("we sell shoes", "nlu_fallback", problem), "activity", {"org_kind": "azienda"}, voc)
    assert "activity" not in turn.updates


def test_the_speakers_own_role_and_the_people_they_work_with_fill_nothing(voc):
    text = "Sono la titolare di un laboratorio di ceramica, vendiamo tramite architetti"
    turn = interpret(msg(text, "inform", {"entity": "team", "value": "team", "start": 5, "end": 16},
                         {"entity": "profession", "value": "architetto", "start": 65, "end": 75}), None, {}, voc)
    assert "team" not in turn.updates  # who would do the work is still to be asked
    assert "profession" not in turn.updates  # the architects are whom she sells through


@pytest.mark.parametrize("requested, sign, value", [
    ("handles_criticism", "👍🏽", True),  # a gesture alone answers, whatever its skin tone
    ("real_relationships", "🤝", True),
    ("replies_to_messages", "🙅‍♀️", False),
    ("team", "🙋‍♂️", "da_solo"),  # "me"
    ("channels_used", "📵", []),
])
def test_a_gesture_alone_answers_the_question(voc, requested, sign, value):
    slots = complete_profile(**{requested: None})
    problem = {"entity": "input_problem", "value": "no_text"}
    turn = interpret(msg(sign, "nlu_fallback", problem), requested, slots, voc)
    assert turn.updates[requested] == value


def test_a_face_alone_is_no_answer(voc):
    slots = complete_profile(handles_criticism=None)
    turn = interpret(msg("😀", "nlu_fallback", {"entity": "input_problem", "value": "no_text"}),
                     "handles_criticism", slots, voc)
    assert "handles_criticism" not in turn.updates


@pytest.mark.parametrize("text, expected", [
    ("i clienti no, ma io e il mio socio sì", True),  # the business's own people answer, not its clients
    ("i corsisti no, gli istruttori sì", True),
    ("io sì, mia sorella non se la sente", None),  # one yes, one no among them: a doubt, asked back
])
def test_who_shows_themselves_among_the_business_and_its_clients(voc, text, expected):
    slots = complete_profile(shows_identity=None)
    turn = interpret(msg(text), "shows_identity", slots, voc)
    assert turn.updates.get("shows_identity") == expected


@pytest.mark.parametrize("text, expected", [
    ("restauratrice, ditta individuale", "professionista"),  # one person on their own
    ("mensa della Caritas, senza scopo di lucro", "ente"),
    ("istituto religioso con casa per ferie", "ente"),
])
def test_one_person_businesses_and_religious_or_charitable_bodies(voc, text, expected):
    turn = interpret(msg(text), "org_kind", {}, voc)
    assert (turn.updates.get("org_kind") or turn.updates.get("identity_guess", {}).get("org_kind")) == expected


def test_priority_leaves_out_what_is_said_not_to_come_first(voc):
    slots = complete_profile(objectives=["vendite", "notorieta"], priority=None)
    turn = interpret(msg("non le vendite, prima farci conoscere"), "priority", slots, voc)
    assert turn.updates["priority"] == "notorieta"


def test_tours_booked_and_buying_in_the_shop_are_not_visits_and_online_sales(voc):
    slots = complete_profile(objectives=None, channels_used=None)
    turn = interpret(msg("più visite guidate prenotate"), "objectives", slots, voc)
    assert turn.updates["objectives"] == ["prenotazioni"]
    turn = interpret(msg("che i clienti tornino a comprare in bottega"), "objectives", slots, voc)
    assert "vendite" not in turn.updates["objectives"]


def test_a_wish_then_an_honest_no_is_a_no(voc):
    slots = complete_profile(real_relationships=None)
    turn = interpret(msg("se potessi sì, ma sinceramente no"), "real_relationships", slots, voc)
    assert turn.updates["real_relationships"] is False


def test_a_brand_to_strengthen_is_no_kind_said_in_the_widgets_first_answer(voc):
    # the widget asks "chi sei?" first; "rafforzare il marchio" is an objective, so the kind it
    # suggests is said back, not stored
    text = "Siamo un caseificio in Val d'Aosta e vorremmo far crescere il marchio all'estero"
    at = text.index("marchio")
    turn = interpret(msg(text, "inform", {"entity": "org_kind", "value": "brand", "start": at, "end": at + 7}),
                     "org_kind", {}, voc)
    assert "org_kind" not in turn.updates
    assert turn.next_question == "org_kind"
    # said as what one is, it is the answer
    turn = interpret(msg("Siamo un marchio di borse in pelle fatte in Toscana da artigiani"), "org_kind", {}, voc)
    assert turn.updates.get("org_kind") == "brand"


def test_a_starred_correction_is_read_with_the_word_set_right(voc):
    # "al giorbo *giorno": without the correction the day would not be read and the hours taken as weekly
    turn = interpret(msg("un'ora al giorbo *giorno"), "weekly_hours", {}, voc)
    assert turn.updates["weekly_hours"] == 7.0


@pytest.mark.parametrize("text, expected", [
    ("face e whatsapp", ["facebook", "whatsapp_business"]),  # the short name, where channels are asked for
    ("nessuno, solo incontri face to face", []),
])
def test_a_short_channel_name_that_is_a_word_elsewhere(voc, text, expected):
    assert interpret(msg(text), "channels_used", {}, voc).updates["channels_used"] == expected


@pytest.mark.parametrize("text, sector", [
    ("enoturismo tra le vigne del Collio", "tourism"),  # a compound: the sector's word after its first part
    ("cioccolateria, i cioccolatini li facciamo noi", "food_production"),  # the shop of a product we know
    ("gelateria artigianale sul lungomare", "food_service"),  # a word written right beats a near one
])
def test_the_sector_of_compounds_and_of_shops_named_after_their_product(voc, text, sector):
    from bot import fields
    from bot.interview import _read_sector
    assert _read_sector(msg(text), fields.BY_NAME["sector"], {}, voc) == sector


@pytest.mark.parametrize("question, text, slots, key, expected", [
    ("segment", "o aziende o privati... diciamo privati", {}, "segment", "b2c"),
    ("team", "o io o un'agenzia, direi io", {}, "team", "da_solo"),
    ("org_kind", "o professionista o azienda... direi professionista, lavoro da sola", {}, "org_kind",
     "professionista"),
    ("priority", "seguire bene i clienti che abbiamo già", {"objectives": ["contatti", "assistenza"]}, "priority",
     "assistenza"),  # the customers one has: care
    ("objectives", "trovare marinai e hostess per la stagione", {}, "objectives", ["recruiting"]),
    ("org_kind", "fornace di vetro soffiato, siamo alla terza generazione", {}, "identity_guess",
     {"org_kind": "azienda"}),  # a family business, read from the description: said back
    ("channels_used", "facebook e instagam", {}, "channels_used", ["facebook", "instagram"]),  # a typo beside a name
])
def test_options_chosen_our_customers_crews_generations_and_typos_in_lists(voc, question, text, slots, key, expected):
    assert interpret(msg(text), question, slots, voc).updates[key] == expected
