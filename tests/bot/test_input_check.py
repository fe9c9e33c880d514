import pytest

from bot.input_check import MAX_CHARS, problem


@pytest.mark.parametrize("text, expected", [
    ("", "empty"), ("   \n\t", "empty"), (None, "empty"),
    ("a" * (MAX_CHARS + 1), "too_long"),
    ("😀😀🎉", "no_text"), ("!!! ???", "no_text"),
    ("<script>alert('x')</script>", "markup"), ('<img src=x onerror=alert(1)>', "markup"),
    ("hello, I want more customers", "foreign_language"), ("can you help me please", "foreign_language"),
    ("Hallo, ich brauche neue Kunden für mein Geschäft", "foreign_language"),
    ("Bonjour, je cherche des clients pour mon entreprise", "foreign_language"),
])
def test_problems(text, expected):
    assert problem(text) == expected


@pytest.mark.parametrize("text", [
    "ciao", "sì", "no", "ok", "B2B", "lead e brand awareness per il nostro e-commerce",
    "sono un avvocato a Milano", "'; DROP TABLE users; --", '/inform{"org_kind":"azienda"}',
    "social media manager", "3 ore", "perche no",
])
def test_usable(text):
    assert problem(text) is None


def test_no_training_example_is_one_the_guard_rejects():
    """InputGuard answers such a message before the classifier's intent counts: an example it
    rejects would be dead training data, and counted wrong in cross-validation."""
    from rasa.shared.nlu.training_data.loading import load_data

    examples = load_data("data/nlu").intent_examples
    assert len(examples) > 1000
    rejected = [(m.get("text"), m.get("intent")) for m in examples if problem(m.get("text"))]
    assert rejected == []


@pytest.mark.parametrize("text", ["Trento e Austria, ja, viele Gäste aus Wien", "Facebook und Instagram"])
def test_an_answer_naming_places_or_channels_is_read_in_any_language(text):
    assert problem(text) is None
