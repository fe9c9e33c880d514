"""Questions about channels, answered from the knowledge base and the profile."""
from __future__ import annotations

import pytest

from bot import knowledge_base, personas
from bot.channel_answers import answer


@pytest.fixture(scope="module")
def kb():
    return knowledge_base.from_file()


@pytest.fixture(scope="module")
def lawyer():
    return next(p.profile for p in personas.load() if p.name.startswith("lawyer"))


def test_what_is_a_channel(kb, voc):
    text = answer("ask_channel_info", ["xing"], [], {}, kb, voc)
    assert text.startswith("XING:") and kb.get("xing").description in text


def test_does_it_work_in_a_country(kb, voc):
    assert "Germania" in answer("ask_channel_country", ["linkedin"], ["germania"], {}, kb, voc)
    assert "assente o bloccato" in answer("ask_channel_country", ["facebook"], ["cina"], {}, kb, voc)


def test_users_with_source_and_year_or_not_available(kb, voc):
    text = answer("ask_channel_users", ["tiktok"], ["italia"], {}, kb, voc)
    assert "Audicom" in text and "2024" in text
    assert "non disponibile" in answer("ask_channel_users", ["houzz"], [], {}, kb, voc)


def test_compare_uses_the_profile(kb, voc, lawyer):
    text = answer("ask_channel_compare", ["tiktok", "linkedin"], [], lawyer, kb, voc)
    assert text.startswith("Per il tuo profilo: LinkedIn è più adatto")
    assert "TikTok non fa per te" in text


def test_compare_without_a_profile_says_it_depends(kb, voc):
    assert "Dipende" in answer("ask_channel_compare", ["instagram", "tiktok"], [], {}, kb, voc)


def test_why_not(kb, voc, lawyer):
    assert "Perché non TikTok" in answer("ask_channel_why_not", ["tiktok"], [], lawyer, kb, voc)
    assert "già tra i canali" in answer("ask_channel_why_not", ["linkedin"], [], lawyer, kb, voc)


def test_unknown_channel_is_said_plainly(kb, voc):
    assert "Non trovo" in answer("ask_channel_info", ["myspace"], [], {}, kb, voc)
    assert "Di quale canale" in answer("ask_channel_info", [], [], {}, kb, voc)
