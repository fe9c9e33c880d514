"""Reading an answer against the question asked (bot/answers.py), without Rasa."""
from __future__ import annotations

import pytest

from bot import answers
from bot.answers import HEDGE, NO, YES


@pytest.mark.parametrize("text, expected", [
    ("sì", YES), ("certo!", YES), ("assolutamente", YES), ("ci mancherebbe altro", YES),
    ("sì, e lo facciamo anche la domenica", YES),  # an answer first, then detail
    ("certo, rispondiamo a tutti anche alle critiche", YES), ("va ben", YES),  # Venetian
    ("non vedo l'ora", YES), ("nessun problema", YES), ("perché no", YES), ("magari!", YES),
    ("no", NO), ("per niente", NO), ("assolutamente no", NO), ("manco per idea", NO),
    ("lasciamo perdere", NO), ("le critiche non le leggo nemmeno", NO), ("preferisco restare anonima", NO),
    ("dipende", HEDGE), ("forse", HEDGE), ("non sempre", HEDGE), ("sì, ma non tutti i giorni", HEDGE),
    ("in teoria sì", HEDGE), ("boh", HEDGE), ("magari", HEDGE), ("un po' sì, un po' no", HEDGE),
    # dialects and neighbours: Sardinian, Sicilian, South Tyrolean, Neapolitan negation
    ("eja", YES), ("certu ca sì", YES), ("jawohl", YES), ("comu no!", YES), ("nein", NO),
    ("nun me piace", NO), ("nossignora", NO), ("ma quale pubblicità", NO),
    ("i commenti cattivi li cancello", NO),
    # words that say yes only at the start: "bene" inside a sentence is not an assent
    ("bene", YES), ("perfetto", YES), ("lo devo guardare bene", None),
    # a condition, or something to do first, is a doubt to confirm, never a yes
    ("devo prima informarmi", HEDGE), ("sì, se conviene", HEDGE), ("certo, se riesco", HEDGE),
    ("non te lo posso garantire", HEDGE), ("certo, se mi scrivono rispondo", YES),
    ("sì, magari con i fornitori", YES),  # "magari con…" after a yes is how, not a doubt
])
def test_yes_no_reads_assent_refusal_and_doubt(text, expected):
    assert answers.yes_no(text) == expected


def test_a_clear_yes_or_no_opens_the_answer():
    assert answers.starts_with_answer("sì, e mi serve anche una mano")
    assert answers.starts_with_answer("no, aiutatemi in un altro modo")
    assert not answers.starts_with_answer("aiuto, non capisco")


def test_a_statement_about_the_topic_answers_without_yes_or_no():
    topic = ("faccia", "mostr")
    assert answers.statement_yes_no("io e mia sorella ci mettiamo la faccia", topic) == YES
    assert answers.statement_yes_no("la faccia non la mostro", topic) == NO
    assert answers.statement_yes_no("andiamo in fiera a marzo", topic) is None


@pytest.mark.parametrize("text, numbers", [
    ("tre o quattro", [3, 4]), ("una decina", [10]), ("un'ora e mezza", [1.5]), ("mezz'ora", [0.5]),
    ("un paio", [2]), ("2,5", [2.5]), ("una o due", [1, 2]), ("ho un sito", []),
])
def test_numbers_in_digits_and_words(text, numbers):
    assert answers.numbers(text) == numbers


@pytest.mark.parametrize("text, expected", [
    ("mio figlio", "team"), ("la segretaria", "team"), ("un marketing manager", "team"),
    ("due volontari", "team"), ("io e il mio socio", "team"), ("un'agenzia", "agenzia"),
    ("un consulente esterno", "agenzia"), ("lo faccio io", "da_solo"), ("io", "da_solo"),
    ("nessun esterno, ce ne occupiamo noi", "team"), ("andiamo in fiera", None),
    ("io, senza collaboratori", "da_solo"),  # negated staff is nobody
    ("pensavamo di darlo fuori", "agenzia"),
    ("io, mia sorella non ha pazienza per queste cose", "da_solo"),  # a person named and left out
    ("le mie ragazze del negozio", "team"), ("il chitarrista del gruppo", "team"), ("due volontarie", "team"),
    ("una freelance che pago a progetto", "agenzia"),
])
def test_team_from_roles_and_people(text, expected):
    assert answers.team(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("piccolo", YES), ("qualche centinaio di euro", YES), ("200 euro l'anno", YES),
    ("zero", NO), ("niente per ora", NO), ("niente pubblicità per ora", NO), ("no", NO),
    ("forse, dipende dalla stagione", HEDGE),
])
def test_budget_words(text, expected):
    assert answers.budget(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("ai ristoranti della zona", "b2b"), ("famiglie e coppie", "b2c"),
    ("soprattutto privati ma anche qualche studio professionale", "entrambi"),
    ("tutti e due", "entrambi"), ("non lo so", None),
    ("un po' agli uni, un po' agli altri", None),  # unclear: asked again
    ("gli uni e gli altri", "entrambi"), ("ai padroni di cani", "b2c"),
    ("nessun negozio, vendo solo a persone", "b2c"),  # a negated customer is not one
    ("ai pub e ai singoli appassionati", "entrambi"), ("soprattutto importatori", "b2b"),
])
def test_segment_from_who_the_customers_are(text, expected):
    assert answers.segment(text) == expected


def test_a_typed_button_title_presses_the_button():
    buttons = [{"title": "Ad aziende (B2B)", "payload": "/b2b"}, {"title": "A privati (B2C)", "payload": "/b2c"},
               {"title": "2-5 ore", "payload": "/h"}]
    assert answers.pressed_button("ad aziende", buttons)["payload"] == "/b2b"
    assert answers.pressed_button("B2C", buttons)["payload"] == "/b2c"
    assert answers.pressed_button("2-5 ore", buttons)["payload"] == "/h"
    assert answers.pressed_button("vendo ad aziende e privati", buttons) is None


@pytest.mark.parametrize("intent, text, is_command", [
    ("start_sales_mode", "sono un agente di viaggio", False),
    ("start_sales_mode", "modalità vendite, il codice è 1234", True),
    ("request_human", "un consulente esterno", False),
    ("request_human", "vorrei parlare con una persona", True),
    ("continue_on_telegram", "uso Telegram e WhatsApp", False),
    ("continue_on_telegram", "possiamo continuare su Telegram", True),
    ("help", "/help", True), ("inform", "aiuto", False),
])
def test_a_command_counts_only_when_its_words_are_there(intent, text, is_command):
    assert answers.is_command(intent, text) is is_command


@pytest.mark.parametrize("text, describes", [
    ("Ho una pizzeria a Napoli", True), ("vendo gioielli fatti a mano", True),
    ("sono un agente di viaggio", True), ("che tempo fa a Napoli?", False), ("ciao", False),
])
def test_describing_oneself(text, describes):
    assert answers.describes_oneself(text) is describes


@pytest.mark.parametrize("text, expected", [
    ("mi spiegate prima come funziona?", None),          # a question back is not an answer
    ("se si può fare dopo, sì", answers.HEDGE),          # the impersonal "si" is no yes; a condition first
    ("se i clienti lo chiedono sì", answers.HEDGE),
    ("in linea di massima sì", answers.HEDGE),
    ("teoricamente sì, in pratica vedremo", answers.HEDGE),
    ("non ci abbiamo ancora pensato", answers.HEDGE),
    ("giammai!", answers.NO),
    ("nisba, niente di niente", answers.NO),
    ("preferirei lasciar stare", answers.NO),
    ("sì, però non prima delle nove", answers.YES),       # a yes with a time of its own
    ("sì, ma non sempre", answers.HEDGE),
])
def test_questions_back_conditions_and_rarer_refusals(text, expected):
    assert answers.yes_no(text) == expected


@pytest.mark.parametrize("word, value", [("centoventi", 120), ("duecentocinquanta", 250), ("milletrecento", 1300),
                                         ("tremila", 3000), ("ventotto", 28), ("centro", None), ("mila", None)])
def test_compound_number_words(word, value):
    assert answers.word_number(word) == value


@pytest.mark.parametrize("text, expected", [
    ("nzù", answers.NO), ("lassa perdiri", answers.NO), ("e pecché no?", answers.YES),
    ("gnanca per idea", answers.NO),
])
def test_regional_forms_are_read_as_italian(text, expected):
    assert answers.yes_no(text) == expected


def test_regional_forms_reach_every_reader():
    from bot.leads.contacts import _call_time, _company_size
    from bot.parsing import parse_hours

    assert answers.words("quannu vuliti, iu sugnu sulu") == "quando volete io sono solo"
    assert answers.team("iu sulu") == "da_solo" and answers.team("i picciotti del negozio") == "team"
    assert _call_time("a matina").value.startswith("mattina") and _company_size("sugnu sulu").value == "1"
    assert parse_hours("dui uri") == 2.0
    assert answers.italian("mi chiamo, so che do") == "mi chiamo, so che do"  # common Italian words untouched


@pytest.mark.parametrize("text, expected", [
    ("nn lo so proprio", "non lo so proprio"), ("cmq sn io", "comunque sono io"), ("x adesso nnt", "per adesso niente"),
    ("siiiii", "si"), ("ciaoooo", "ciao"), ("tuttti", "tutti"), ("cinquee ore", "cinque ore"),
    ("le idee", "le idee"), ("lo zoo", "lo zoo"), ("mezz'ora al gg", "mezz'ora al giorno"),
])
def test_chat_shorthand_and_stretched_words_are_read_as_written_once(text, expected):
    assert answers.words(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("non vedo nessun problema a metterci il nome", answers.YES),
    ("niente da nascondere, ci mettiamo la faccia tutti", answers.YES),
    ("mia moglie sì, io un po' meno", answers.HEDGE),
    ("sarebbe l'ideale, nulla sostituisce un incontro", answers.YES),
    ("sarebbe bello ma non ne ho il tempo", answers.NO),
    ("nn credo proprio", answers.NO),
])
def test_yes_no_said_through_a_negation_or_for_two_people(text, expected):
    assert answers.yes_no(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("b2b naturalmente, siamo una software house", "b2b"),
    ("ai turisti, vendita al banco in bottega", "b2c"),
    ("alle famiglie, mica alle aziende", "b2c"),
    ("ai ristoranti, che poi lo servono ai loro clienti", "b2b"),
    ("esclusivamente a privati che passano dal laboratorio", "b2c"),
])
def test_segment_the_place_of_sale_and_the_customers_customers_are_not_customers(text, expected):
    assert answers.segment(text) == expected


def test_team_alone_said_with_nobody_else_and_budget_only_perhaps():
    assert answers.team("io e nessun altro") == "da_solo" and answers.team("ghe pensi mi") == "da_solo"
    assert answers.budget("magari cento euro") == answers.HEDGE
    assert answers.budget("cento euro al mese") == answers.YES


@pytest.mark.parametrize("text, expected", [
    ("se ne occupa mio figlio, lui risponde sempre", answers.YES),  # the pronoun "ne" is no negation
    ("mica tanto", answers.NO),
    ("alle recensioni sì, alle chat un po' meno", answers.HEDGE),
    ("non te lo posso promettere", answers.HEDGE), ("non posso prometterlo", answers.HEDGE),
    ("solo la voce, il volto no", answers.HEDGE),
    ("preferiamo sempre chiarire in privato", answers.NO),
    ("difficile, ma ci posso lavorare", answers.HEDGE),
    ("è proprio la ragione per cui ti scrivo", answers.YES),
    ("per carità, non ne ho il tempo", answers.NO),
])
def test_yes_no_partial_answers_promises_and_private_replies(text, expected):
    assert answers.yes_no(text) == expected


def test_a_person_of_ones_own_place_is_the_team_and_tuscan_io_is_alone():
    assert answers.team("il portiere dell'albergo") == "team" and answers.team("la receptionist") == "team"
    assert answers.team("i' stesso") == "da_solo"


@pytest.mark.parametrize("text", ["probabilmente sì", "dovrei riuscirci", "potremmo provarci"])
def test_a_conditional_or_a_probability_is_a_doubt(text):
    assert answers.yes_no(text) == answers.HEDGE


@pytest.mark.parametrize("text, expected", [
    # the bureaucratic register: an unaccented "Si" before its verb is impersonal, not a yes
    ("Si rifiuta il consenso", answers.NO), ("Si comunica che il consenso è negato", answers.NO),
    ("Si precisa che non ci esporremo", answers.NO),
    ("L'ente si riserva di decidere dopo aver sentito il direttivo", answers.HEDGE),
    ("il consenso viene prestato", None), ("presto il mio consenso", answers.YES),
    ("la società autorizza", answers.YES), ("nessuna obiezione, non abbiamo niente in contrario", answers.YES),
    # an answer after an echoed question, English and chat forms, a decision not taken yet
    ("la faccia? manco morto", answers.NO), ("okey", answers.YES), ("sissignore", answers.YES),
    ("yes, no problem at all", answers.YES), ("ci stiamo ancora pensando, sto valutando", answers.HEDGE),
    ("non abbiamo ancora deciso", answers.HEDGE), ("quando ho un momento libero rispondo", answers.HEDGE),
    ("prima ne parlo con mia moglie", answers.HEDGE),
    ("sui social no, in privato sì... in pubblico mai", answers.NO),
    ("meglio rimanere online", answers.NO), ("ma col cavolo", answers.NO),
])
def test_yes_no_formal_register_echoed_questions_and_undecided(text, expected):
    assert answers.yes_no(text) == expected


def test_a_consent_is_a_clear_yes_only_without_a_negation_left_in_it():
    assert answers.clear_yes("sì, tenetelo pure") and answers.clear_yes("sì, nessun problema")
    assert not answers.clear_yes("sì, ma non chiamatemi") and not answers.clear_yes("Si nega")
    # a request beside the consent, not against it
    assert answers.clear_yes("sì, però niente pubblicità via mail") and answers.clear_yes("ok ma non mandate spam")
    assert answers.clear_yes("autorizzo, purché non arrivi pubblicità")  # a consent verb opens the answer
    assert not answers.clear_yes("sì, ma deve approvare il consiglio direttivo")  # someone else decides
    assert answers.yes_no("sì, tranne il sabato che siamo chiusi") == YES  # a day off is no doubt


@pytest.mark.parametrize("text, expected", [
    ("sì, ma pochino pochino", answers.YES), ("un ventino al mese lo mettiamo", answers.YES),
    ("e chi ce li ha, i soldi", answers.NO), ("nada de nada", answers.NO),
    ("non è stata presa nessuna decisione", answers.HEDGE),
])
def test_budget_small_amounts_are_a_budget_and_rhetorical_questions_a_no(text, expected):
    assert answers.budget(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("sono l'unica in negozio", "da_solo"), ("la segretaria, cioè io, da sola", "da_solo"),
    ("la coordinatrice del centro estivo", "team"), ("il presidente della pro loco", "team"),
    ("sarà affidata al personale interno dell'ufficio stampa", "team"),
    ("la ditta che ci fa la manutenzione del sito", "agenzia"), ("qualcuno di fuori, pagandolo", "agenzia"),
    ("mio cugino che fa il grafico, lo pago a ore", "agenzia"), ("me mojer", "team"),
])
def test_team_alone_said_late_roles_of_the_place_and_paid_people(text, expected):
    assert answers.team(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("B to B", "b2b"), ("agli abitanti della zona e ai villeggianti", "b2c"), ("un mix", "entrambi"),
    ("no privati, solo ditte con partita iva", "b2b"), ("noi no vende ai privati, solo ai negozi", "b2b"),
    ("ai privati e a qualche pasticceria del paese", "entrambi"),
    ("non solo ai privati, anche alle aziende", "entrambi"), ("aziende no, privati sì", "b2c"),
])
def test_segment_trade_terms_people_of_a_place_shops_by_trade_and_refusals(text, expected):
    assert answers.segment(text) == expected


def test_a_yes_with_a_condition_of_time_is_still_a_clear_yes():
    assert answers.clear_yes("va bene, ma non troppo tardi") and answers.clear_yes("sì, ma non la domenica")
    assert not answers.clear_yes("va bene, ma non sempre")


@pytest.mark.parametrize("text, expected", [
    ("bi tu ci", "b2c"), ("b2c e d2c", "b2c"), ("clienti enterprise", "b2b"), ("consumer finali", "b2c"),
    ("scuole private e aziende private", "b2b"),
])
def test_segment_marketing_terms_dictated_terms_and_private_companies(text, expected):
    assert answers.segment(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("fai pure", answers.YES), ("benvenga", answers.YES), ("lo fanno già i ragazzi", answers.YES),
    ("un po' timido, ma si può fare", answers.YES), ("volto sì, nome no", answers.HEDGE),
    ("messaggi no, commenti sì", answers.HEDGE), ("d'estate è impossibile, il resto dell'anno sì", answers.HEDGE),
    ("io sui social? non credo sia il caso", answers.NO),
])
def test_yes_no_permissions_wishes_split_answers_and_a_question_echoed(text, expected):
    assert answers.yes_no(text) == expected


def test_team_roles_of_the_place_with_an_adjective_interns_and_on_my_own():
    assert answers.team("la commessa nuova del negozio") == "team" and answers.team("un ragazzo in stage") == "team"
    assert answers.team("sono in proprio, chi altri") == "da_solo"
    assert answers.numbers("un quarto d'ora al giorno") == [0.25]
    assert answers.budget("un budget per le campagne c'è già") == answers.YES


def test_a_no_then_an_impersonal_si_is_no_split_answer_and_roman_trying_is_a_doubt():
    assert answers.yes_no("preferisco di no, le cose si risolvono in privato") == answers.NO
    assert answers.yes_no("ce provo, ma mi arrabbio facilmente") == answers.HEDGE


@pytest.mark.parametrize("text, expected", [
    ("priavti e qualche aizenda", "entrambi"), ("solo artigaini", "b2b"), ("ai privati, in una scuola di musica", "b2c"),
])
def test_segment_customers_words_typed_in_a_hurry(text, expected):
    assert answers.segment(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("aziende, no privati", "b2b"),  # after a comma, the "no" is for what follows
    ("soprattutto consumatori finali, no ditte", "b2c"),
    ("privati no, aziende sì", "b2b"),  # before it, for what precedes
])
def test_segment_a_no_belongs_to_the_customers_on_its_side_of_the_comma(text, expected):
    assert answers.segment(text) == expected


@pytest.mark.parametrize("text, meant", [
    ("sabato, anzi no, domenica", "domenica"),
    ("no, cioè sì, va bene", "sì, va bene"),
    ("ristoranti, volevo dire alberghi", "alberghi"),
    ("due ore, mi correggo: quattro", "quattro"),
    ("certo, anzi no", "no"),
    ("vendo online, aspetta, meglio: vendo in negozio", "vendo in negozio"),
    # no correction within the message: nothing before the marker, or "cioè" that explains
    ("scusa, volevo dire Bologna", None),
    ("tutto il Sud, cioè Puglia e Calabria", None),
    ("non è un peso, anzi!", None),
])
def test_a_correction_within_the_message_is_what_the_person_means(text, meant):
    assert answers.after_correction(text) == meant


@pytest.mark.parametrize("text, tail", [
    ("prima ci aiutava un consulente ma costava troppo, quindi ora ci penso io", "ora ci penso io"),
    ("ci ho pensato a lungo, alla fine sì", "sì"),
    ("quindi?", None),  # nothing before, nothing after
])
def test_the_conclusion_of_a_story(text, tail):
    assert answers.conclusion(text) == tail


@pytest.mark.parametrize("text, expected", [
    ("è faticoso, però sì", answers.YES),
    ("non sempre facile, ma sì", answers.YES),
    ("ci ho provato, comunque no", answers.NO),
    ("saremmo contenti di sentirvi", answers.YES),
    ("mi farebbe piacere", answers.YES),
])
def test_the_verdict_after_a_doubt_and_polite_assent(text, expected):
    assert answers.yes_no(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("ambedue", "entrambi"),
    ("a scuole private e palestre", "b2b"),  # "private" qualifies the schools
    ("agli iscritti della nostra palestra", "b2c"),
    ("ai tesserati e a chi vuole provare", "b2c"),
])
def test_segment_members_and_adjectives(text, expected):
    assert answers.segment(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("lo faccio io, e chi se no", "da_solo"),
    ("io e chi altri", "da_solo"),
    ("uno studio grafico che ci segue già", "agenzia"),
    ("il parroco con due catechisti", "team"),
    ("don Franco e il diacono", "team"),
])
def test_team_pronouns_and_parish_roles(text, expected):
    assert answers.team(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("ne ho venduti cento a un bar e il resto alla gente del paese", "entrambi"),  # "a un bar" is a customer
    ("le famiglie; ai negozi ci pensa il mio socio", "b2c"),  # customers someone else serves
    ("imprese/privati, tutti e 2", "entrambi"),
    ("quasi sempre privati, a volte anche qualche ufficio", "entrambi"),
])
def test_segment_a_customer_named_with_an_article_served_by_others_or_by_number(text, expected):
    assert answers.segment(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("la sottoscritta: fotografa, grafica e social media manager", "da_solo"),  # titles of one person
    ("io: con una ragazza che mi aiuta", "team"),
])
def test_team_one_person_and_her_titles(text, expected):
    assert answers.team(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("te l'avevo detto, alle fiere non ci vado: no", answers.NO),  # a yes word negated
    ("certo che no", answers.NO),
    ("di clienti affezionati ne abbiamo già a sufficienza", answers.NO),  # no need of more
    ("niente caffè coi clienti, ho già troppi impegni", answers.NO),
    ("sì, sentirli al telefono e magari passano a trovarci", answers.YES),  # a detail, not a doubt
    ("sì, forse", answers.HEDGE),
])
def test_yes_no_negated_yes_words_enough_already_and_a_detail_with_magari(text, expected):
    assert answers.yes_no(text) == expected


@pytest.mark.parametrize("text, plain", [
    ("Bottega Verdi ✂️", "Bottega Verdi"),
    ("✉️ anna.neri@example.org", "anna.neri@example.org"),
    ("1) io 2) mio cugino", ", io , mio cugino"),
    ("verso le 18) poi cena", "verso le 18) poi cena"),  # a closing bracket is no list
])
def test_pictographs_and_list_markers_are_not_read(text, plain):
    cleaned = answers.plain(text)
    assert len(cleaned) == len(text)  # the classifier's entity offsets still hold
    assert " ".join(cleaned.split()).strip() == plain


@pytest.mark.parametrize("text, expected", [
    ("certo... anzi no, meglio di no", answers.NO),
    ("sì, anzi no, solo la vetrina", answers.NO),
    ("non è che non mi interessi, ma il tempo è quello che è", answers.HEDGE),
    ("se mia sorella mi dà una mano", answers.HEDGE),
    ("se la vede mia moglie, e risponde sempre", answers.YES),
    ("dopo anni di negozio ho capito: sì, sempre", answers.YES),
    ("per adesso no, più avanti vediamo", answers.NO),
])
def test_yes_no_changes_of_mind_concessions_conditions_and_a_verdict_after_a_colon(text, expected):
    assert answers.yes_no(answers.after_correction(text, yes_no=True) or text) == expected


def test_a_correction_that_adds_and_an_answer_after_a_concession():
    assert answers.before_correction("turisti... anzi, anche gli hotel della zona") == "turisti"
    assert answers.ADDS_TO.match(answers.after_correction("turisti... anzi, anche gli hotel della zona"))
    assert answers.after_concession("non è che la sera sia impossibile, però la mattina è meglio") == \
        "la mattina è meglio"
    assert answers.after_concession("la mattina") is None


@pytest.mark.parametrize("text, expected", [
    ("il tirocinante dello studio", "team"),
    ("un fotografo che ci manda fattura", "agenzia"),
    ("una conoscente che fa siti, le diamo un fisso al mese", "agenzia"),  # paid: from outside
    ("la signora che sta con me alla cassa", "team"),  # with me: one of the business, not me alone
    ("il banconiere che è sempre con noi", "team"),
    ("se ne occuperebbe Chiara, che è al bancone con me", "team"),  # someone named, not me
    ("la fa Paolo, un grafico freelance", "agenzia"),
])
def test_team_interns_and_people_who_invoice(text, expected):
    assert answers.team(text) == expected


def test_a_double_negative_grants_its_first_part():
    assert answers.granted("non è che non vendiamo ai negozi, ma sono pochi") == "vendiamo ai negozi, ma sono pochi"
    assert answers.granted("non è che mi piaccia") is None
    assert answers.yes_no("non è che non ci tenga, ma per adesso no") == answers.NO


@pytest.mark.parametrize("text, expected", [
    ("sì, se riesco", answers.HEDGE),
    ("certo, budget permettendo", answers.HEDGE),
    ("alle recensioni sì, ai messaggi privati no", answers.HEDGE),
    ("il nome sì, la foto meglio di no", answers.HEDGE),
    ("sì, con prudenza", answers.HEDGE),
])
def test_yes_no_conditions_of_means_and_answers_split_in_two(text, expected):
    assert answers.yes_no(text) == expected


def test_an_exception_that_goes_without_saying_is_no_doubt():
    assert answers.yes_no("gli istruttori sì, i bambini ovviamente no") == answers.YES


@pytest.mark.parametrize("text, expected", [
    ("ehm... sì", YES),  # a hesitation before the answer
    ("allora, no", NO),
    ("mah, al momento no", NO),  # a doubt settled as a no
    ("mah, sì", HEDGE),  # a lukewarm yes stays to be confirmed
    ("se sono costruttive sì, se sono insulti no", HEDGE),  # it depends on the case
    ("uffa, vabbè sì, se proprio serve", YES),  # a sigh, a reluctant "vabbè", then the answer
    ("guardi, no", NO),  # a courtesy before it
    ("se proprio bisogna, sì", YES),  # reluctant, not a condition
    ("ecco, no", NO),  # a courtesy, then the answer
    ("ecco fatto", YES),  # a courtesy whose rest says nothing is read whole
])
def test_hesitations_before_an_answer_and_answers_that_depend_on_the_case(text, expected):
    assert answers.yes_no(text) == expected


@pytest.mark.parametrize("text, now", [
    ("prima pagavamo un'agenzia, adesso faccio io", "faccio io"),
    ("l'anno scorso usavamo Facebook, ma ora niente", "niente"),
    ("in passato spendevo 100 euro al mese, oggi come oggi no", "oggi come oggi no"),
    ("due ore al giorno", None),  # no past told
    ("ci passavo un'ora al giorno", None),  # a past, and no "now" after it
])
def test_what_holds_now_after_a_past(text, now):
    assert answers.as_of_now(text) == now


@pytest.mark.parametrize("text, question, answer", [
    ("chi sono? una piccola cooperativa", "Per cominciare: chi sei?", "una piccola cooperativa"),
    ("quanto tempo? boh, tre ore", "Quanto tempo a settimana puoi dedicare ai canali online?", "boh, tre ore"),
    ("cosa faccio? vendo biciclette", "Raccontami in una frase cosa fai.", "vendo biciclette"),
    ("perché lo chiedi? non capisco", "Raccontami in una frase cosa fai.", None),  # a question back
    ("quale mi consigli? non so", "Usi già qualche canale online?", None),  # nothing of the question echoed
])
def test_the_question_echoed_then_the_answer(text, question, answer):
    assert answers.after_echo(text, question) == answer


@pytest.mark.parametrize("text, expected", [
    ("ai circoli sportivi, mai ai singoli", "b2b"),  # "sportivi" describes the clubs
    ("ai centri benessere e ai privati", "entrambi"),
])
def test_places_named_with_an_adjective_of_people_are_businesses(text, expected):
    assert answers.segment(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("il barista che lavora con noi", "team"),
    ("la commessa più brava", "team"),  # someone of the business, by their role
    ("il consulente", "agenzia"),  # an adviser is someone outside, paid for it
])
def test_someone_of_the_business_by_their_role(text, expected):
    assert answers.team(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("sì, ci provo ogni giorno", YES),  # trying every day is a commitment
    ("ci provo", HEDGE),  # trying, alone, is a doubt
    ("sì, abbastanza alto", YES),  # how much, not whether
    ("ai commenti sì, anche se a volte tardo", YES),  # a yes of one part, granted something
    ("ai commenti sì, ai messaggi privati no", HEDGE),  # split in two
])
def test_how_much_after_a_yes_and_a_yes_of_one_part(text, expected):
    assert answers.yes_no(text) == expected


def test_a_budget_yes_with_a_comma_is_no_impersonal_si():
    assert answers.budget("sì, facciamo già le sponsorizzate su Instagram") == YES


@pytest.mark.parametrize("text, now", [
    ("sarebbe bello pubblicare ogni giorno, ma realisticamente due ore", "due ore"),  # a wish, then the fact
    ("mi piacerebbe un'agenzia, ma per ora faccio io", "faccio io"),
])
def test_what_will_be_after_a_wish(text, now):
    assert answers.as_of_now(text) == now


def test_a_condition_of_means_not_met_is_a_doubt_and_a_wish_with_a_reason_against_a_no():
    assert answers.yes_no("certo, se avessi più tempo") == HEDGE
    assert answers.yes_no("sarebbe bello ma non ne ho il tempo") == NO


@pytest.mark.parametrize("sign, question, word", [
    ("👍🏿", "replies_to_messages", "sì"), ("👍👍", None, "sì"), ("⛔", None, "no"),
    ("🙋‍♀️", "team", "io"), ("🌞", "contact_call_time", "mattina"),
    ("😀", None, None), ("ok 👍", None, None), ("👍👎", None, None),  # a face, words, two signs: not a gesture answer
])
def test_a_gesture_alone_stands_for_a_word_by_the_question(sign, question, word):
    assert answers.gesture(sign, question) == word


def test_never_for_the_customers_after_it():
    assert answers.segment("imprese, mai consumatori") == "b2b"
    assert answers.segment("aziende no, privati sì") == "b2c"


def test_a_no_before_customers_is_theirs_not_of_the_customers_after_them():
    assert answers.segment("mai consumatori, solo imprese") == "b2b"


@pytest.mark.parametrize("text, expected", [
    ("quattro ore a setimana *settimana", ("quattro ore a settimana", 14)),
    ("5*3 ore", None),  # a product, not a correction
    ("*settimana", None),  # nothing to correct
    ("due ore *", None),
])
def test_a_word_after_a_star_corrects_the_closest_word(text, expected):
    assert answers.starred_correction(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("un centinaio al mese, ma devo ancora decidere", HEDGE),  # an amount, not decided
    ("il mio socio dice di sì, io non sono convinto", HEDGE),  # someone else's yes
    ("trecento euro, deciso", YES),
    ("con il contributo della Camera di Commercio una parte andrà in promozione", YES),  # money set aside
])
def test_budget_an_amount_not_decided_and_someone_elses_yes(text, expected):
    assert answers.budget(text) == expected


def test_a_wish_then_nothing_for_now_is_a_no():
    assert answers.budget("eh, sarebbe bello… per ora zero") == NO
    assert answers.yes_no("magari un giorno, al momento niente") == NO


@pytest.mark.parametrize("text, expected", [
    ("nn mi va di apparire, però per la bottega ci metto la faccia", YES),  # disliked, and done
    ("non amo i social, ma non lo farò", NO),
    ("nn rispondo mai ai commenti", NO),  # the chat's "nn"
])
def test_disliked_and_done_and_the_chats_nn(text, expected):
    assert answers.yes_no(text) == expected


@pytest.mark.parametrize("text, chosen", [
    ("o ai negozi o ai privati... diciamo ai negozi", "ai negozi"),  # two options, then the one chosen
    ("o Facebook oppure LinkedIn, direi LinkedIn", "LinkedIn"),
    ("diciamo tre ore", None),  # no options offered
])
def test_two_options_then_the_one_chosen(text, chosen):
    assert answers.chosen_option(text) == chosen


def test_nobody_inside_and_not_everyone_and_not_at_once():
    assert answers.team("nessuno di interno, pagheremo un freelance") == "agenzia"  # the "interno" is negated
    assert answers.yes_no("siamo in sei, non tutti se la sentono") == HEDGE  # not all of us
    assert answers.yes_no("sì, ma non a caldo: prima ci ragiono") == YES  # when, not whether
    assert answers.segment("ad armatori e compagnie di navigazione") == "b2b"
