"""One normal form of Italian text for every lookup: lower case, no accents, one apostrophe."""
from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Lower-case, strip accents, unify apostrophes and whitespace: the key every lookup uses."""
    text = text.replace("\u2019", "'").replace("`", "'").lower()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip()
