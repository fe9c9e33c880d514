"""Contact details as people type them in a chat: what is stored, what is asked again, what is a refusal."""
from __future__ import annotations

import pytest

from bot.leads import contacts
from bot.leads.contacts import Checked, check, refusal


def accepted(field: str, text: str) -> str:
    result = check(field, text)
    assert result.problem is None, f"{text!r}: {result.problem}"
    return result.value


def rejected(field: str, text: str) -> str:
    result = check(field, text)
    assert result.value is None, f"{text!r} was accepted as {result.value!r}"
    return result.problem


# --- email -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, stored", [
    ("giulia.bianchi@gmail.com", "giulia.bianchi@gmail.com"),
    ("Giulia.Bianchi@Gmail.COM", "Giulia.Bianchi@gmail.com"),      # the domain is case-insensitive
    ("  mario+lavoro@studio-rossi.it ", "mario+lavoro@studio-rossi.it"),
    ("la mia email è mario@rossi.it.", "mario@rossi.it"),            # inside a sentence
    ("Mario Rossi <mario@rossi.it>", "mario@rossi.it"),               # pasted from a mail client
    ("email: mario@rossi.it", "mario@rossi.it"),
    ("mario@rossi.it grazie", "mario@rossi.it"),
    ("info@bücher.de", "info@bücher.de"),                            # IDN domain: deliverable (punycode)
    ("anna@müller.ch", "anna@müller.ch"),
    ("hans@example.co.uk", "hans@example.co.uk"),
    ("mario@gmail.it", "mario@gmail.it"),                            # odd but not a sure typo
])
def test_valid_emails_are_stored_normalised(text, stored):
    assert accepted("email", text) == stored


@pytest.mark.parametrize("text, problem", [
    ("mario", "email_invalid"),
    ("mario@", "email_invalid"),
    ("@gmail.com", "email_invalid"),
    ("mario@@rossi.it", "email_invalid"),
    ("mario rossi@rossi.it", "email_invalid"),        # not "rossi@rossi.it": that is someone else
    ("mario@rossi", "email_invalid"),                 # no top-level domain
    ("mario@rossi..it", "email_invalid"),
    ("mario@localhost", "email_invalid"),
    ("niccolò@esempio.it", "email_unicode"),          # most mailboxes cannot receive it
    ("", "empty"),
    ("   ", "empty"),
])
def test_invalid_emails_are_asked_again(text, problem):
    assert rejected("email", text) == problem


@pytest.mark.parametrize("text, meant", [
    ("mario@gmail", "mario@gmail.com"),
    ("mario@gmial.com", "mario@gmail.com"),
    ("mario@gmail.con", "mario@gmail.com"),
    ("mario@hotmial.it", "mario@hotmail.it"),
    ("mario@libero", "mario@libero.it"),
    ("mario@libreo.it", "mario@libero.it"),
    ("Mario@Yaho.it", "Mario@yahoo.it"),
])
def test_obvious_typos_are_invalid_with_a_suggestion(text, meant):
    assert check("email", text) == Checked(None, "email_typo", meant)


# --- phone -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, stored", [
    ("333 123 4567", "+393331234567"),                # Italian mobile
    ("3331234567", "+393331234567"),
    ("333.123.4567", "+393331234567"),
    ("+39 333 123 4567", "+393331234567"),
    ("0039 333 1234567", "+393331234567"),            # international prefix written with 00
    ("+39 02 1234 5678", "+390212345678"),            # Milan landline: the leading 0 stays
    ("02 1234567", "+39021234567"),
    ("06 6988 4111", "+390669884111"),
    ("+41 44 668 18 00", "+41446681800"),             # Switzerland
    ("+1 (415) 555-2671", "+14155552671"),            # United States
    ("+44 20 7946 0958", "+442079460958"),
    ("il mio numero è 333 1234567, grazie", "+393331234567"),
    ("+44 7700 900555", "+447700900555"),  # abroad: a possible length is kept where the range is unknown
])
def test_valid_phones_are_stored_e164(text, stored):
    assert accepted("phone", text) == stored


@pytest.mark.parametrize("text, problem", [
    ("333 12", "phone_too_short"),
    ("1234", "phone_too_short"),
    ("+39 333", "phone_too_short"),
    ("123456789012345678", "phone_too_long"),
    ("33312345678901", "phone_too_long"),
    ("0000000000", "phone_invalid"),
    ("abc", "phone_invalid"),
    ("chiamami", "phone_invalid"),
    ("", "empty"),
])
def test_invalid_phones_are_asked_again(text, problem):
    assert rejected("phone", text) == problem


def test_the_default_region_reads_national_numbers():
    assert check("phone", "044 668 18 00", region="CH").value == "+41446681800"


# --- name and company ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, stored", [
    ("Giulia Bianchi", "Giulia Bianchi"),
    ("mario rossi", "Mario Rossi"),                   # all lower or upper case: capitalised
    ("MARIO ROSSI", "Mario Rossi"),
    ("Mi chiamo Giulia Bianchi", "Giulia Bianchi"),
    ("sono Luca", "Luca"),
    ("Niccolò Ammaniti", "Niccolò Ammaniti"),
    ("Françoise D'Amico", "Françoise D'Amico"),
    ("d'angelo", "D'Angelo"),
    ("Jean-Luc Picard", "Jean-Luc Picard"),
    ("G.B. Rossi", "G.B. Rossi"),
    ("Anna  Maria   De Luca", "Anna Maria De Luca"),  # spaces collapsed
    ("Zoë O’Brien", "Zoë O’Brien"),
    ("me chiamo Nane Scarpa", "Nane Scarpa"),  # Venetian and Roman intros
    ("me chiammo Gennaro Russo", "Gennaro Russo"), ("Salvatore Esposito detto Totò", "Salvatore Esposito"),
    ("cognome Porcu, nome Gavino", "Gavino Porcu"),  # surname first
    ("Don Luigi Verzé", "Luigi Verzé"),  # a title of the clergy
    ("per gli amici Totò, sui documenti Salvatore Greco", "Salvatore Greco"),  # the registry name
    ("il sottoscritto Ettore Galli", "Ettore Galli"), ("sn Lucia Ferri", "Lucia Ferri"),  # formal, and chat shorthand
])
def test_names(text, stored):
    assert accepted("name", text) == stored


@pytest.mark.parametrize("text, problem", [
    ("Mario123", "name_chars"),
    ("mario@rossi.it", "name_chars"),
    ("www.mariorossi.it", "name_chars"),
    ("https://mariorossi.it", "name_chars"),
    ("mariorossi.com", "name_chars"),
    ("<b>Mario</b>", "markup"),
    ("Mario; DROP TABLE leads", "name_chars"),
    ("A", "too_short"),
    ("--", "too_short"),
    ("A" * 81, "too_long"),
    ("", "empty"),
])
def test_names_rejected(text, problem):
    assert rejected("name", text) == problem


@pytest.mark.parametrize("text, stored", [
    ("Studio Legale Rossi & Associati", "Studio Legale Rossi & Associati"),
    ("Panificio Rossi s.r.l.", "Panificio Rossi s.r.l."),
    ("3M Italia", "3M Italia"),
    ("bussola.example", "bussola.example"),
    ("X", "X"),
    ("A" * 120, "A" * 120),
    ("si chiama Ottica Moderna, sotto i portici", "Ottica Moderna"),
    ("siamo una sas: Rossi & Figli", "Rossi & Figli"),  # the name after a colon
    ("non ho un'azienda, uso il mio nome: Yuki Sato", "Yuki Sato"),  # not a refusal
    ("Il bar è il Caffè Centrale, in piazza", "Caffè Centrale"),  # what the business is, then its name
    ("Spett.le Ditta Bianchi Arredi", "Bianchi Arredi"),  # the letterhead's opening is not the name
    ("il bar si chiama Il Chiosco Blu", "Il Chiosco Blu"),  # a capitalised article belongs to the name
    ("è la macelleria, Macelleria Fratelli Neri", "Macelleria Fratelli Neri"),  # a generic opening, then the name
    ("niente ditta, sono Paola Gatti", "Paola Gatti"), ("lavoro per conto mio, cioè Ivo Sala", "Ivo Sala"),
])
def test_companies(text, stored):
    assert accepted("company", text) == stored


@pytest.mark.parametrize("text, problem", [
    ("<script>alert(1)</script>", "markup"),
    ("Rossi {{7*7}}", "markup"),
    ("---", "unclear"),
    ("Rossi\x00srl", "unclear"),
    ("A" * 121, "too_long"),
    ("", "empty"),
])
def test_companies_rejected(text, problem):
    assert rejected("company", text) == problem


# --- company size ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, bucket", [
    # the buttons' payloads
    ("1", "1"), ("2-9", "2-9"), ("10-49", "10-49"), ("50-249", "50-249"), ("250+", "250+"),
    # free text
    ("solo io", "1"), ("Solo io!", "1"), ("freelance", "1"), ("sono una libera professionista", "1"),
    ("lavoro da solo da 10 anni", "1"),               # the years are not people
    ("io e un socio", "2-9"), ("una squadra: io, mia sorella e mio cugino", "2-9"), ("io e altri 3", "2-9"), ("in due", "2-9"), ("siamo 3", "2-9"),
    ("sei persone", "2-9"), ("meno di 10", "2-9"), ("2 soci e 5 dipendenti", "2-9"),
    ("siamo in 12", "10-49"), ("una decina", "10-49"), ("dodici persone", "10-49"), ("tra 10 e 20", "10-49"),
    ("5-15", "10-49"), ("2 soci e 10 dipendenti", "10-49"), ("una quarantina", "10-49"),
    ("circa 60", "50-249"), ("un centinaio", "50-249"), ("più di 50", "50-249"),
    ("circa 300 dipendenti", "250+"), ("250 o più", "250+"), ("oltre 250", "250+"), ("1.200", "250+"),
    ("un migliaio", "250+"), ("più di tremila", "250+"),
    ("centottanta", "50-249"), ("siamo in duecentosessanta", "250+"), ("una persona sola", "1"),
])
def test_company_sizes_land_in_a_bucket(text, bucket):
    assert accepted("company_size", text) == bucket
    assert bucket in contacts.COMPANY_SIZES


@pytest.mark.parametrize("text", ["boh", "tanti", "non saprei", "???"])
def test_company_sizes_not_understood(text):
    assert rejected("company_size", text) == "unclear"


# --- call time -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, stored", [
    # the buttons' payloads and plain answers: the bucket only
    ("mattina", "mattina"), ("pausa pranzo", "pausa_pranzo"), ("pomeriggio", "pomeriggio"), ("sera", "sera"),
    ("indifferente", "indifferente"), ("la mattina", "mattina"), ("di sera", "sera"),
    ("in pausa pranzo", "pausa_pranzo"), ("quando vuoi", "indifferente"), ("Di pomeriggio", "pomeriggio"),
    # anything more: the bucket and the user's own words
    ("dopo le 18", "sera (dopo le 18)"),
    ("martedì mattina", "mattina (martedì mattina)"),
    ("prima delle 10", "mattina (prima delle 10)"),
    ("verso le 13", "pausa_pranzo (verso le 13)"),
    ("dalle 14 alle 16", "pomeriggio (dalle 14 alle 16)"),
    ("alle 3", "pomeriggio (alle 3)"),                 # nobody means 3 am
    ("18:30", "sera (18:30)"),
    ("sempre la mattina", "mattina (sempre la mattina)"),
    ("non la mattina, meglio il pomeriggio", "pomeriggio (non la mattina, meglio il pomeriggio)"),
    # no bucket recognised: the words alone, for the salesperson to read
    ("quando finisco le udienze", "quando finisco le udienze"),
    ("giovedì", "giovedì"),
    # hours in words, and the day's moments people name
    ("verso le undici", "mattina (verso le undici)"), ("dalle quattro in poi", "pomeriggio (dalle quattro in poi)"),
    ("domani mattina", "mattina (domani mattina)"), ("stamattina", "mattina"),
    ("verso l'una", "pausa_pranzo (verso l'una)"), ("all'una e mezza", "pausa_pranzo (all'una e mezza)"),
    ("la matina presto", "mattina (la matina presto)"), ("come vi torna comodo", "indifferente"),
    ("nelle ore pomeridiane", "pomeriggio (nelle ore pomeridiane)"), ("fai tu", "indifferente"),
    ("nn importa", "indifferente"), ("nella pausa", "pausa_pranzo"),
])
def test_call_times(text, stored):
    assert accepted("call_time", text) == stored


@pytest.mark.parametrize("text, problem", [("???", "unclear"), ("<i>sera</i>", "markup"),
                                           ("sera " * 30, "too_long"), ("", "empty")])
def test_call_times_rejected(text, problem):
    assert rejected("call_time", text) == problem


# --- refusals and examples -------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "preferisco non dirlo", "Preferisco non darlo", "non voglio darti il mio numero", "no grazie", "No, grazie.",
    "no", "salta", "Salta pure", "saltiamo", "passo", "non te lo dico", "lasciamo stare", "meglio di no",
    "non ho un'azienda", "non ho la mail", "non vorrei lasciare il telefono",
])
def test_refusals(text):
    assert refusal(text)


@pytest.mark.parametrize("text", [
    "Giulia Bianchi", "Noemi Salta", "333 1234567", "mario@rossi.it", "solo io", "dopo le 18",
    "preferirei non essere chiamato la sera",        # a call time, not a refusal
    "non voglio essere chiamato la mattina", "nessun dipendente", "",
])
def test_answers_are_not_refusals(text):
    assert not refusal(text)


def test_every_field_has_an_italian_example():
    assert set(contacts.EXAMPLES) == {"name", "company", "company_size", "email", "phone", "call_time"}
    assert all("per esempio" in example.lower() for example in contacts.EXAMPLES.values())


def test_an_unknown_field_is_a_programming_error():
    with pytest.raises(ValueError):
        check("fax", "02 1234567")


@pytest.mark.parametrize("text, expected", [
    ("mi chiamo Carla Fontana e ho 54 anni", "Carla Fontana"), ("Piero Gallo del bar in piazza", "Piero Gallo"),
    ("beh, sono Gigi... Luigi Ferri", "Luigi Ferri"), ("Mi chiamo Sara, cognome Colombo", "Sara Colombo"),
    ("il titolare è Marco Serra, sarei io", "Marco Serra"), ("Dr. Paolo Neri", "Paolo Neri"),
    ("Scrive l'arch. Giulia Rinaldi", "Giulia Rinaldi"), ("mi dicono Totò, ma sono Salvatore Greco", "Salvatore Greco"),
    ("Anna de Santis", "Anna de Santis"),
])
def test_a_name_in_a_sentence_is_its_run_of_capitalised_words(text, expected):
    assert contacts.check("name", text).value == expected


def test_company_for_a_body_after_a_greeting_and_the_own_name_after_saying_there_is_none():
    assert contacts.check("company", "Per conto della Provincia di Cuneo").value == "Provincia di Cuneo"
    assert contacts.check("company", "Buonasera, Ferramenta Colombo").value == "Ferramenta Colombo"
    assert not contacts.refusal("nessuna azienda, lavoro in proprio, Davide Marras")
    assert contacts.check("company", "nessuna azienda, lavoro in proprio, Davide Marras").value == "Davide Marras"


@pytest.mark.parametrize("text, expected", [
    ("me soltanto", "1"), ("io e basta", "1"), ("nessun altro", "1"), ("famija: mi, me mojer e i do fioi", "2-9"),
])
def test_size_alone_said_in_other_words(text, expected):
    assert contacts.check("company_size", text).value == expected


def test_call_time_whenever_in_other_words_and_an_autocorrected_part_of_the_day():
    assert contacts.check("call_time", "qualsiasi momento va bene").value.startswith("indifferente")
    assert contacts.check("call_time", "non ho orari fissi").value.startswith("indifferente")
    assert contacts.check("call_time", "la Martina presto").value.startswith("mattina")
    assert contacts.check("email", "si indica l'indirizzo ufficio@example.org").value == "ufficio@example.org"


def test_call_time_in_english_and_as_a_span_of_hours_and_dictated_details():
    assert contacts.check("call_time", "afternoon").value.startswith("pomeriggio")
    assert contacts.check("call_time", "fascia 9-11").value.startswith("mattina")
    assert contacts.check("call_time", "nessuna differenza").value == "indifferente"
    assert contacts.check("company", "Officina Bassi snc punto").value == "Officina Bassi snc"
    assert contacts.check("company", "sono dello Studio Gatti").value == "Studio Gatti"
    assert contacts.check("email", "anna rossi tutto attaccato chiocciola example punto it").value == "annarossi@example.it"
    assert contacts.check("company_size", "sola la titolare").value == "1"


# --- corrections, a question first, a story first ---------------------------------------------------

@pytest.mark.parametrize("field, text, stored", [
    ("email", "luca@example.it, anzi no, luca.neri@example.it", "luca.neri@example.it"),
    ("phone", "347 000 1111, scusa ho sbagliato, 347 000 1112", "+393470001112"),
    ("name", "Sara Conti, anzi no, Sara Conti Ferretti", "Sara Conti Ferretti"),
    ("company", "Officina Mori srl, anzi no, scriva solo Officina Mori", "Officina Mori"),
    ("call_time", "la sera, anzi no, di mattina", "mattina"),
    # the answer after a question back
    ("company", "a cosa vi serve? Vabbè, Ceramiche Lodi", "Ceramiche Lodi"),
    ("name", "serve per forza? Paolo Greco", "Paolo Greco"),
    # the official name after its label; the address inside a sentence of several words
    ("company", "la ragione sociale è Tipografia Serra sas", "Tipografia Serra sas"),
    ("email", "per il lavoro usate anna.sala@example.org", "anna.sala@example.org"),
    # a story, then the time it leads to
    # on one's own, then "put my name"
    ("company", "sono libera professionista, scrivi pure Marta Fabbri", "Marta Fabbri"),
    ("call_time", "Ieri mi avete cercato mentre ero in riunione con un cliente importante e non ho potuto "
                  "rispondere al telefono: meglio verso sera", "sera"),
])
def test_the_answer_after_a_correction_a_question_or_a_story(field, text, stored):
    assert accepted(field, text).split(" (")[0] == stored


def test_a_last_clause_is_never_a_name_on_its_own():
    # only answers of a few values (a time, a size) are read from a story's last clause
    assert rejected("name", "Luca; DELETE FROM leads") == "name_chars"


@pytest.mark.parametrize("field, text, stored", [
    ("company", "sul campanello leggi Studio Grafico Arcobaleno", "Studio Grafico Arcobaleno"),
    ("company", "ci conoscono come Forno Bianchi", "Forno Bianchi"),
    ("company_size", "trenta operai più noi tre soci", "10-49"),
    ("company_size", "venti dipendenti e altri 35 stagionali", "50-249"),
    ("call_time", "sera no, mattina no, il pomeriggio sì", "pomeriggio"),
    ("call_time", "qls momento", "indifferente"),
    ("call_time", "verso metà giornata", "pausa_pranzo"),
])
def test_where_a_name_is_read_counts_added_up_and_times_refused(field, text, stored):
    assert str(check(field, text).value).startswith(stored)


# --- what is written around the answer -------------------------------------------------------------

@pytest.mark.parametrize("field, text, stored", [
    ("name", "Marta Colombo 📷", "Marta Colombo"),
    ("name", "Architetto Luca Ferri", "Luca Ferri"),
    ("company", "Agriturismo Le Querce (chiuso d'inverno)", "Agriturismo Le Querce"),
    ("company", "Studio Blu... anzi, il nome corretto è Studio Blu Design", "Studio Blu Design"),
    ("company_size", "1) io 2) mio fratello", "2-9"),
    ("company_size", "io e basta, più il mio gatto", "1"),
    ("email", "📩 pietro.sala@example.it", "pietro.sala@example.it"),
    ("call_time", "non è che la sera non possa, ma la mattina è meglio", "mattina"),
    ("call_time", "tardi, verso le 22", "sera (tardi, verso le 22)"),
])
def test_emoji_lists_asides_corrections_and_concessions_around_the_answer(field, text, stored):
    assert accepted(field, text) == stored


@pytest.mark.parametrize("field, text, stored", [
    ("name", "giulia de santis", "Giulia De Santis"),
    ("name", "sara di nardo", "Sara Di Nardo"),
    ("call_time", "all'ora de pranzo", "pausa_pranzo (all'ora de pranzo)"),
    ("company_size", "una persona", "1"),
])
def test_lower_case_surnames_dialect_lunch_and_one_person(field, text, stored):
    assert accepted(field, text) == stored


def test_una_before_a_word_it_cannot_count_is_no_count():
    assert rejected("company_size", "una quindcina") == "unclear"  # typed in a hurry: asked again


@pytest.mark.parametrize("text, bucket", [("siamo quattro gatti", "2-9"), ("uno, io", "1"), ("una one woman band", "1")])
def test_sayings_of_size_and_one_said_with_a_word_after_it(text, bucket):
    assert accepted("company_size", text) == bucket


@pytest.mark.parametrize("field, text, value", [
    ("email", "uhm... anna.neri@example.it", "anna.neri@example.it"),  # a hesitation before it
    ("email", "anna.neri [at] example.it", "anna.neri@example.it"),  # the @ written out
    ("email", "@annaneri su tiktok, l'email è anna.neri@example.it", "anna.neri@example.it"),  # a handle first
    ("company", "ehm... Ottica Bellavista", "Ottica Bellavista"),
    ("company", "sono freelance, scrivete Marco Sanna", "Marco Sanna"),
    ("company", "lo studio si chiama Geo Rilievi sas", "Geo Rilievi sas"),
    ("company", "@ottica.bellavista su instagram, il negozio è Ottica Bellavista", "Ottica Bellavista"),
    ("company_size", "mia moglie, mio figlio e io", "2-9"),  # the people listed
])
def test_details_inside_what_people_write_around_them(field, text, value):
    assert check(field, text).value == value


@pytest.mark.parametrize("field, text, value", [
    ("email", "giulia.ferri@exmple.it\n*example.it", "giulia.ferri@example.it"),  # a typo set right after a star
    ("name", "Paola Bianci *Bianchi", "Paola Bianchi"),
    ("company", "il Lido Azzurro di Cesenatico", "Lido Azzurro di Cesenatico"),  # the sentence's article
    ("company_size", "a parte me, nessuno", "1"),  # nobody but me
    ("company_size", "nessuno oltre a me e mio fratello", "2-9"),
])
def test_a_starred_correction_and_an_article_before_the_name(field, text, value):
    assert check(field, text).value == value


@pytest.mark.parametrize("field, text, value", [
    ("name", "Gentile Bussola, mi chiamo Ornella Vanni", "Ornella Vanni"),  # a letter's salutation
    ("company", "un attimo che guardo il contratto... Vetreria Seguso srl", "Vetreria Seguso srl"),  # a pause
    ("email", "tipo ornella.vanni@example.org", "ornella.vanni@example.org"),  # a filler
    ("email", "o quella di casa o quella dell'ufficio... diciamo o.vanni@example.org", "o.vanni@example.org"),
])
def test_a_salutation_a_pause_and_a_filler_before_the_answer(field, text, value):
    assert check(field, text).value == value
