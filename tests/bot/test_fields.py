"""The questions' registry (bot/fields.py) is the one declaration of each question: the domain's
slots and form, the texts of every question and the labels are checked against it here."""
from __future__ import annotations

from pathlib import Path

import yaml

from bot import fields as F
from bot import profile as P
from bot import texts
from bot.leads import brief

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
TEXTS = yaml.safe_load((ROOT / "bot" / "texts.yml").read_text(encoding="utf-8"))


def test_the_profile_form_asks_the_registry_in_its_order():
    assert DOMAIN["forms"]["profile_form"]["required_slots"] == [q.name for q in F.INTERVIEW]
    assert P.QUESTIONS == tuple(q.name for q in F.INTERVIEW)


def test_every_question_has_a_slot_filled_only_by_the_form():
    for question in F.INTERVIEW:
        slot = DOMAIN["slots"].get(question.name)
        assert slot, f"domain.yml has no slot {question.name}"
        assert slot["mappings"] == [{"type": "custom"}], f"{question.name}: read by bot/interview.py only"


def test_every_question_has_its_texts():
    for question in F.INTERVIEW:
        assert TEXTS["questions"].get(question.name), f"texts.yml: no question for {question.name}"
        assert TEXTS["examples"].get(question.name), f"texts.yml: no example for {question.name}"
        assert TEXTS["sales_questions"].get(question.name), f"texts.yml: no third-person question for {question.name}"


def test_every_question_has_a_reader_and_its_labels():
    from bot.interview import READERS

    for question in F.INTERVIEW:
        assert question.kind in READERS, f"{question.name}: no reader for {question.kind}"
        assert texts.FIELD_LABELS[question.name] == question.label
        assert brief.FIELD_LABELS[question.name] == question.brief_label
        if question.kind == F.CHOICE:
            assert question.values and question.entity
        if question.kind == F.YES_NO:
            assert question.topic, f"{question.name}: a yes/no question needs the stems of its topic"


def test_button_payloads_carry_allowed_values():
    for question in F.INTERVIEW:
        for button in (TEXTS["questions"][question.name][0].get("buttons") or []):
            payload = button["payload"]
            if question.values and "{" in payload:
                value = yaml.safe_load(payload[payload.index("{"):]).popitem()[1]
                assert value in question.values, f"{question.name}: button {button['title']} gives {value}"
