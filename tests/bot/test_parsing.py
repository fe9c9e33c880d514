import pytest

from bot.parsing import clean_description, parse_age, parse_hours, read_audience


@pytest.mark.parametrize("text, hours", [
    ("3 ore", 3.0), ("posso dedicarci 5 ore a settimana", 5.0), ("un paio d'ore", 2.0),
    ("mezz'ora al giorno", 3.5), ("un'ora al giorno", 7.0), ("2-3 ore", 2.5), ("tra 3 e 5 ore", 4.0),
    ("una o due ore", 1.5), ("dieci ore", 10.0), ("1,5 ore", 1.5), ("30 minuti al giorno", 3.5),
    ("nessuna", 0.0), ("8 ore al mese", 1.9),
    ("una mezz'oretta al giorno", 3.5),  # the article of a half hour is not one more hour
    ("due ore il martedì e tre ore il sabato", 5.0),  # each day's hours, added up
    ("du' orette", 2.0),  # Roman "du'"
    ("cinqu'ore", 5.0), ("n'oretta ar giorno", 7.0),  # spoken forms
    ("un'ora al giorno tranne la domenica", 6.0), ("mezz'ora al giorno, weekend escluso", 2.5),
    ("una mezz'ora tutte le mattine", 3.5), ("tre mezze giornate", 12.0), ("il sabato mattina", 4.0),
    ("due ore il lunedì e una il venerdì", 3.0),  # the second day without its unit
])
def test_hours(text, hours):
    assert parse_hours(text) == hours


@pytest.mark.parametrize("text", ["boh", "tantissime", "300 ore", ""])
def test_hours_not_understood(text):
    assert parse_hours(text) is None


@pytest.mark.parametrize("text, band", [
    ("tra i 25 e i 40 anni", "25-40"), ("over 50", "50+"), ("55+", "55+"), ("giovani", "18-34"),
    ("pensionati", "65+"), ("di tutte le età", "tutte le età"), ("trentenni", "30-39"),
    ("under 30", "18-30"), ("ragazzi delle superiori", "13-17"), ("famiglie con bambini", "30-50"),
])
def test_age(text, band):
    assert parse_age(text) == band


@pytest.mark.parametrize("text, band", [
    ("dai diciotto ai trent'anni", "18-30"),  # ages in words, with the number words of bot/answers.py
    ("ultrasettantenni", "70+"), ("tutte le fasce d'età", "tutte le età"),
    ("non c'è un'età precisa", "tutte le età"), ("ciclisti e camminatori", "ciclisti e camminatori"),
])
def test_audience_ages_in_words_and_descriptions(text, band):
    assert read_audience(text) == band


def test_description():
    assert clean_description("  facciamo   pizze napoletane ") == "facciamo pizze napoletane"
    assert clean_description("<script>alert(1)</script>") is None
    assert clean_description("ok") is None
    assert clean_description("x" * 400) is None


def test_hours_every_few_days_and_full_time_said_with_its_hours():
    assert parse_hours("mezz'ora ogni tre giorni") == 1.2
    assert parse_hours("due ore a giorni alterni") == 7.0
    assert parse_hours("trentacinque ore, praticamente un tempo pieno") == 35.0
    assert parse_hours("un tempo pieno") == 38.0


def test_ages_of_children_said_with_their_years_and_hours_in_two_parts_of_the_day():
    assert parse_age("ragazzini dagli 8 ai 13 anni, ma pagano i genitori") == "8-13"
    assert parse_hours("un quarto d'ora a pranzo e mezz'ora la sera") == 5.2  # (0.25 + 0.5) × 7
    assert parse_hours("un'ora al mattino e un'ora la sera") == 14.0
    assert parse_hours("un giorno su sette") == 8.0  # a working day
    assert parse_hours("un giorno ogni due settimane") == 4.0


@pytest.mark.parametrize("text, hours", [
    ("quattro mattine da due ore", 8.0),  # so many sessions of so long
    ("2 pomeriggi x 3 ore", 6.0),
    ("mezz'ora per sei sere", 3.0),
])
def test_hours_as_sessions_of_a_length(text, hours):
    assert parse_hours(text) == hours


@pytest.mark.parametrize("text, hours", [
    ("ci metto un paio di mattinate", 6.0),  # parts of a day counted, about three hours each
    ("tre serate, quando chiudo", 9.0),
    ("il giovedì, che è giorno di riposo, tutta la mattinata", 4.0),  # half a day
])
def test_hours_as_parts_of_a_day_counted(text, hours):
    assert parse_hours(text) == hours


@pytest.mark.parametrize("text, hours", [
    ("un quinto del mio tempo", None),  # a fraction in words is not read yet: asked again, never guessed
    ("il 5% del mio tempo, su 40 ore", 2.0),
    ("il 10 per cento del mio orario", 4.0),  # of a 40-hour week
    ("martedì due ore, sabato un'ora", 3.0),
])
def test_hours_as_a_share_of_the_week_and_day_by_day(text, hours):
    from bot.answers import plain
    assert parse_hours(plain(text)) == hours


@pytest.mark.parametrize("text, band", [
    ("per il 60% uomini tra i 25 e i 40", "25-40"),
    ("nostalgici della musica anni '90, gente sui 40-55", "40-55"),
])
def test_ages_beside_shares_and_decades(text, band):
    assert read_audience(text) == band


@pytest.mark.parametrize("text, hours", [
    ("due persone a tempo pieno", 76.0),
    ("sei ore, la mattina", 6.0),  # when, not each morning
    ("un'oretta la sera", 7.0),  # an hour or so each evening
])
def test_hours_of_people_full_time_and_when_against_each_day(text, hours):
    assert parse_hours(text) == hours


@pytest.mark.parametrize("text, expected", [
    ("un po' tutti, dai giovani agli anziani", "tutte le età"),
    ("uffici acquisti di aziende sopra i 100 dipendenti", "uffici acquisti di aziende sopra i 100 dipendenti"),
])
def test_everyone_by_its_ends_and_a_company_size_is_no_age(text, expected):
    assert read_audience(text) == expected


@pytest.mark.parametrize("text, hours", [
    ("20 min/gg", 2.3),  # short units: minutes a day, not twenty hours
    ("3h/sett", 3.0),
    ("1,5 h a settimana", 1.5),
    ("10 minuti a sera", 1.2),
    ("un par de ore", 2.0),  # northern "a couple"
])
def test_short_units_and_regional_couple(text, hours):
    assert parse_hours(text) == hours


@pytest.mark.parametrize("text, hours", [
    ("un'ora al giorno dal martedì al venerdì", 4.0),  # the days of a range
    ("tre ore al giorno, solo nel weekend", 6.0),  # two days
    ("mezz'ora al giorno tranne il weekend", 2.5),  # five
    ("sei ore, due al giorno il lunedì mercoledì e venerdì", 6.0),  # the week's total comes first
    ("io tre ore e mia sorella altre due", 5.0),  # people's hours add up
    ("due ore mio marito e io un'altra ora", 3.0),
])
def test_day_ranges_weekends_totals_and_hours_that_add_up(text, hours):
    assert parse_hours(text) == hours


@pytest.mark.parametrize("text, hours", [
    ("l'ufficio marketing ci dedica una risorsa al 50%", 19.0),  # a share of a full-time week
    ("due collaboratori al 25 per cento", 19.0),
])
def test_hours_as_people_at_a_share_of_their_time(text, hours):
    assert parse_hours(text) == hours


@pytest.mark.parametrize("text, hours", [
    ("la domenica dalle 10 alle 12", 2.0),  # clock times: once a week
    ("dalle 8 alle 9 il martedì e il venerdì", 2.0),  # on each day named
    ("dalle 13 alle 13:30 tutti i giorni lavorativi", 2.5),  # every working day
    ("mezz'ora la mattina, diciamo quattro mattine", 2.0),  # a session, then how many
])
def test_hours_from_clock_times_and_sessions_counted_after(text, hours):
    assert parse_hours(text) == hours


def test_a_range_of_hours_said_with_dalle_alle_is_no_clock():
    assert parse_hours("da 5 a 6 ore la sett.") == 5.5
    assert 3 <= parse_hours("dalle 3 alle 4 ore") <= 4
