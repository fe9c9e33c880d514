"""Recognises messages the NLU cannot use, so the bot can say why in Italian.

Problems: empty, too long, markup, no text (only emoji or symbols), another language.
"""
from __future__ import annotations

import re
from typing import Optional

from bot import comuni, vocabulary
from spacy.lang.de.stop_words import STOP_WORDS as DE
from spacy.lang.en.stop_words import STOP_WORDS as EN
from spacy.lang.es.stop_words import STOP_WORDS as ES
from spacy.lang.fr.stop_words import STOP_WORDS as FR
from spacy.lang.it.stop_words import STOP_WORDS as IT

MAX_CHARS = 1000
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|javascript:|on\w+\s*=", re.I)
_WORD = re.compile(r"[^\W\d_]+")
# Words Italians use in business chat that are stop words elsewhere.
_ITALIAN_USE = {"social", "brand", "lead", "business", "marketing", "target", "online", "web", "post",
                "ok", "okay", "community", "customer", "care", "ads", "budget", "team", "manager"}
_EXTRA = {"en": {"hello", "hi", "hey", "please", "want", "need", "help", "company",
                 "customers", "clients", "sell", "yes", "sure", "good", "morning"},
          "de": {"hallo", "danke", "bitte", "ja", "nein", "guten", "tag", "kunden"},
          "fr": {"bonjour", "merci", "oui", "salut", "clients", "entreprise"},
          "es": {"hola", "gracias", "sí", "buenos", "días", "clientes", "empresa"}}
_FOREIGN = {lang: (set(words) | _EXTRA[lang]) - set(IT) - _ITALIAN_USE
            for lang, words in (("en", EN), ("de", DE), ("fr", FR), ("es", ES))}
_ITALIAN = set(IT) | {"ciao", "grazie", "buongiorno", "sì", "si", "vorrei", "clienti", "azienda"}


def foreign_language(text: str) -> Optional[str]:
    """The language a message is written in, when clearly not Italian; else None."""
    words = [w.lower() for w in _WORD.findall(text)]
    # Italian words, also those outside the stop words: "er barista, so' disperato" is Roman, not English
    lexicon = comuni.italian_words()
    italian = sum(w in _ITALIAN or (len(w) > 3 and w in lexicon) for w in words)
    # the places and channels it names are the answer, in any language: "Italia e Svizzera, ja, viele
    # Kunden aus der Schweiz" and "Instagram ja, und Facebook" are read, not refused
    voc = vocabulary.default()
    italian += sum(len(voc.named_in_text(label, text, typos=False)) for label in ("place", "channel"))
    best, hits = None, 0
    for lang, vocab in _FOREIGN.items():
        n = sum(w in vocab for w in words)
        if n > hits:
            best, hits = lang, n
    if best and hits >= 2 and hits > 2 * italian:
        return best
    return None


def problem(text: Optional[str]) -> Optional[str]:
    """Why a message cannot be interpreted, or None when it can."""
    if text is None or not text.strip():
        return "empty"
    if text.startswith("/"):
        return None  # a button payload, handled by Rasa
    if len(text) > MAX_CHARS:
        return "too_long"
    if _MARKUP.search(text):
        return "markup"
    if not re.search(r"[^\W_]", text):
        return "no_text"
    if foreign_language(text):
        return "foreign_language"
    return None
