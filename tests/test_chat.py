"""The terminal chat's buttons (scripts/chat.py)."""
from scripts.chat import button_choice

HOURS = [{"title": "Meno di 2 ore", "payload": "/h1"}, {"title": "2-5 ore", "payload": "/h2"},
         {"title": "5-10 ore", "payload": "/h3"}]
TEAM = [{"title": "Io", "payload": "/io"}, {"title": "Il mio team", "payload": "/team"}]


def test_a_number_presses_a_button_where_the_titles_are_words():
    assert button_choice("2", TEAM)["payload"] == "/team"
    assert button_choice("3", TEAM) is None


def test_a_number_is_an_answer_where_the_titles_are_numbers():
    assert button_choice("3", HOURS) is None  # three hours, not the third button
    assert button_choice("c", HOURS)["payload"] == "/h3"


def test_a_digit_inside_a_word_is_not_a_quantity():
    segment = [{"title": "Ad aziende (B2B)", "payload": "/b2b"}, {"title": "A privati (B2C)", "payload": "/b2c"}]
    assert button_choice("2", segment)["payload"] == "/b2c"
