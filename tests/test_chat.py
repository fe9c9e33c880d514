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


def _scripted(lines):
    lines = iter(lines)

    def read(prompt):
        try:
            return next(lines)
        except StopIteration:
            raise EOFError
    return read


def test_empty_lines_are_not_sent_and_a_pressed_button_is_echoed(capsys):
    from scripts.chat import chat

    sent = []

    def post(url, sender, message):
        sent.append(message)
        return [{"text": "Chi sei?", "buttons": TEAM}]
    chat("http://bussola.invalid", "web-" + "x" * 22, read=_scripted(["", "   ", "2", "esci"]), post=post)
    assert sent == ["ciao", "/team"]
    assert "(hai scelto: Il mio team)" in capsys.readouterr().out


def test_an_unreachable_server_is_said_in_italian_and_enter_tries_again(capsys):
    import urllib.error

    from scripts.chat import chat

    sent = []

    def post(url, sender, message):
        sent.append(message)
        if len(sent) == 1:
            raise urllib.error.URLError(ConnectionRefusedError(111, "Connection refused"))
        return [{"text": "Ciao!"}]
    chat("http://bussola.invalid", "web-" + "x" * 22, read=_scripted(["", "esci"]), post=post)
    out = capsys.readouterr().out
    assert "Non riesco a raggiungere Bussola" in out and "Traceback" not in out
    assert sent == ["ciao", "ciao"] and "Bussola: Ciao!" in out
