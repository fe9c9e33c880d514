"""Rasa SDK adapters: tracker slots in, a call into `bot/`, messages and events out."""
from actions import interview, recommend  # noqa: F401  (registers the actions)
