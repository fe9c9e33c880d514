"""Parsers for free Italian answers: hours a week, audience age, free-text descriptions."""
from __future__ import annotations

import re
from typing import Optional

from bot.vocabulary import fold

NUMBER_WORDS = {
    "zero": 0, "un": 1, "uno": 1, "una": 1, "un'": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5,
    "sei": 6, "sette": 7, "otto": 8, "nove": 9, "dieci": 10, "undici": 11, "dodici": 12,
    "tredici": 13, "quattordici": 14, "quindici": 15, "sedici": 16, "diciassette": 17,
    "diciotto": 18, "diciannove": 19, "venti": 20, "venticinque": 25, "trenta": 30,
    "quaranta": 40, "cinquanta": 50, "sessanta": 60, "settanta": 70,
    "paio": 2, "qualche": 3, "poche": 2, "pochissime": 1,
}
MAX_WEEKLY_HOURS = 80

_NUM = r"\d+(?:[.,]\d+)?"


def _numbers(text: str) -> list[float]:
    """Numbers written with digits or Italian words, in order of appearance."""
    values = []
    for token in re.findall(_NUM + r"|[a-z]+'?", text):
        if re.fullmatch(_NUM, token):
            values.append(float(token.replace(",", ".")))
        elif token in NUMBER_WORDS or token.rstrip("'") in NUMBER_WORDS:
            values.append(float(NUMBER_WORDS.get(token, NUMBER_WORDS.get(token.rstrip("'")))))
    return values


def parse_hours(text: str) -> Optional[float]:
    """Hours a week from answers like "3 ore", "un paio d'ore", "mezz'ora al giorno", "2-3 ore"."""
    t = fold(text)
    if re.search(r"\b(nessuna|niente|zero|0)\b(?! ?[.,]\d)", t) and not re.search(r"[1-9]", t):
        return 0.0
    if re.search(r"mezz'? ?ora|mezza ora", t):
        hours = 0.5
    elif re.search(r"\bpaio\b", t) and not re.search(r"\d", t):
        hours = 2.0
    else:
        nums = _numbers(t)
        if not nums:
            return None
        # "2-3 ore", "tra 3 e 5", "una o due": the middle of the range
        if len(nums) >= 2 and nums[0] < nums[1] <= nums[0] * 4:
            hours = (nums[0] + nums[1]) / 2
        else:
            hours = nums[0]
        if re.search(r"\bminut", t):
            hours /= 60
    if re.search(r"al giorno|ogni giorno|giornalier|quotidian", t):
        hours *= 7 if not re.search(r"lavorativ|feriali", t) else 5
    elif re.search(r"al mese|mensil", t):
        hours /= 4.3
    hours = round(hours, 1)
    if hours < 0 or hours > MAX_WEEKLY_HOURS:
        return None
    return hours


_AGE_WORDS = [
    (r"tutt[ei] le eta|qualsiasi eta|ogni eta|di tutte le eta|tutti", "tutte le età"),
    (r"adolescent|teenager|superiori|liceal|13-17", "13-17"),
    (r"universitar|studenti|gen ?z|ventenn|giovanissim", "18-24"),
    (r"giovani|ragazz|millennial", "18-34"),
    (r"trentenn", "30-39"),
    (r"quarantenn", "40-49"),
    (r"cinquantenn", "50-59"),
    (r"famiglie|genitori|mamme|papa\b", "30-50"),
    (r"adulti", "35-54"),
    (r"anzian|pensionat|senior|terza eta", "65+"),
]


def parse_age(text: str) -> Optional[str]:
    """An age range such as "25-40", "50+" or "tutte le età", or None."""
    t = fold(text)
    over = re.search(r"(?:over|sopra i|piu di|oltre i|dai)\s*(\d{2})|(\d{2})\s*\+", t)
    under = re.search(r"(?:under|sotto i|meno di|fino a|fino ai)\s*(\d{2})", t)
    nums = [int(n) for n in re.findall(r"\b(\d{1,2})\b", t) if 10 <= int(n) <= 99]
    if over and not under:
        return f"{over.group(1) or over.group(2)}+"
    if under and not over:
        return f"18-{under.group(1)}"
    if len(nums) >= 2 and nums[0] < nums[1]:
        return f"{nums[0]}-{nums[1]}"
    for pattern, band in _AGE_WORDS:
        if re.search(pattern, t):
            return band
    return None


MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")


def clean_description(text: str, max_len: int = 300) -> Optional[str]:
    """A one-sentence description as the user wrote it, or None if it is not one."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if MARKUP.search(text) or len(text) > max_len:
        return None
    words = re.findall(r"[^\W\d_]{2,}", text)
    if len(words) < 2:
        return None
    return text
