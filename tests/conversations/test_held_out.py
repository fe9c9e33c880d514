"""The held-out corpus stays held out: none of its lines is in the training data, and it is whole.

The corpus (tests/conversations/, written blind: README.md) measures the bot on phrasings it never
trained on. A line that also appears in data/nlu/ — exactly, or after normalising case, accents and
punctuation — would be measured on its own training example, so any overlap fails here. Fix an
overlap by rewording the training example, never by moving a corpus line into the training data.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

from scripts import converse

ROOT = Path(__file__).resolve().parents[2]
ANNOTATION = re.compile(r"\[([^\]]*)\](\([^)]*\)|\{[^}]*\})")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w@]+", " ", text).split())


def training_lines() -> set:
    lines = set()
    for path in sorted((ROOT / "data").rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            if not isinstance(block, dict) or "intent" not in block:
                continue  # synonyms, regexes and lookups are vocabulary (data/vocabulary.yml), not phrasings
            examples = block.get("examples")
            for line in (examples or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    lines.add(normalise(ANNOTATION.sub(r"\1", line[2:])))
    lines.discard("")
    return lines


def test_no_corpus_line_is_in_the_training_data():
    """Single words ("sì", "LinkedIn", "B2C", "Io") are the vocabulary of the answers, which both
    sides must have; every phrasing of two words or more is checked."""
    training = training_lines()
    assert len(training) > 1000, "the training data was not read"
    overlap = sorted({line for line in converse.corpus_lines()
                      if len(normalise(line).split()) >= 2 and normalise(line) in training})
    assert not overlap, f"{len(overlap)} corpus lines are training examples: {overlap[:20]}"


def test_the_training_never_reads_the_corpus():
    """Nothing Rasa trains on lives under tests/; the config and the data name no corpus file."""
    for path in [ROOT / "config.yml", ROOT / "domain.yml", *sorted((ROOT / "data").rglob("*.yml"))]:
        assert "tests/conversations" not in path.read_text(encoding="utf-8"), path


def test_the_corpus_is_whole():
    personas = converse.load_personas()
    assert len(personas) >= 120, f"{len(personas)} personas, at least 120 wanted"
    assert len({p["id"] for p in personas}) == len(personas), "persona ids repeat"
    for persona in personas:
        missing = [q for q in (*converse.INTERVIEW, *converse.CONTACTS)
                   if q not in persona["answers"] and q != "priority"]
        assert not missing, f"{persona['id']} has no answer to {missing}"
        if len(persona["answers"]["objectives"].get("expect") or []) > 1:
            assert "priority" in persona["answers"], f"{persona['id']}: several objectives, no priority"
    for which in converse.variant_sets():
        variants = converse.load_variants(which)
        for question in (*converse.INTERVIEW, *converse.CONTACTS):
            assert len(variants.get(question, [])) >= 15, f"set {which}: fewer than 15 variants for {question}"


def test_the_simulated_user_confirms_a_guess_by_what_it_knows():
    guess = {"org_kind": "azienda", "sector": "tourism", "ateco": "55.10", "title": ""}
    # a persona knows both answers: yes only when both are right
    assert converse.confirmation(guess, {"org_kind": "azienda", "sector": "tourism"}) == "sì"
    assert converse.confirmation(guess, {"org_kind": "azienda", "sector": "food_service"}) == "no"
    # a variant of "chi sei?" knows the kind only: the sector is measured at its own question
    assert converse.confirmation(guess, {"org_kind": "azienda"}) == "sì"
    assert converse.confirmation(guess, {"org_kind": "ente"}) == "no"
