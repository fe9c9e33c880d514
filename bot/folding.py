"""One normal form of Italian text for every lookup: lower case, no accents, one apostrophe."""
from __future__ import annotations

import functools
import re
import unicodedata


@functools.lru_cache(maxsize=16384)  # the same words and answers are folded many times in a turn
def fold(text: str) -> str:
    """Lower-case, strip accents, unify apostrophes and whitespace: the key every lookup uses."""
    text = text.replace("\u2019", "'").replace("`", "'").lower()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip()
