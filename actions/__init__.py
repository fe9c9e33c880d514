"""Rasa SDK adapters: tracker slots in, a call into `bot/`, messages and events out."""
import logging
import os

from actions import handoff, interview, recommend, sales  # noqa: F401  (registers the actions)

if os.environ.get("BUSSOLA_PRELOAD") == "1":
    # Set by scripts/servers.py for the action server: read the knowledge base and the vocabulary
    # now rather than during the first user's answers (~3 s on 2 cores). Tests import this package
    # without it, so they choose their own database first.
    from bot import ateco, knowledge_base, vocabulary

    try:
        knowledge_base.default()
        vocabulary.default()
        ateco.index()  # ~2 s: ISTAT's titles and notes, for sectors read from a description
    except Exception as error:  # the first plan will try again, and say what is wrong
        logging.getLogger(__name__).warning(f"Bussola: knowledge base not preloaded: {error}")
