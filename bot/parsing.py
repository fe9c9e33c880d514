"""Parsers for free Italian answers: hours a week, audience age, free-text descriptions."""
from __future__ import annotations

import re
from typing import Optional

from bot import answers
from bot.vocabulary import fold

MAX_WEEKLY_HOURS = 200  # a team's hours together ("un centinaio di ore" for three people)

def _numbers(text: str) -> list[float]:
    """Numbers written with digits or Italian words, in order of appearance."""
    return answers.numbers(text)


_NUM_WORD = r"(?:\d+(?:[.,]\d+)?|[a-z]+)"
_HOUR_AMOUNT = re.compile(rf"\b({_NUM_WORD}(?:\s*(?:-|o|oppure|e|a)\s*{_NUM_WORD})?)\s+(?:di\s+)?(?:ore|ora|orette)\b")


_SESSIONS = r"(?:sere|serate|volte|giorni|mattine|pomeriggi)"


def parse_hours(text: str) -> Optional[float]:
    """Hours a week from answers like "3 ore", "un paio d'ore", "mezz'ora al giorno", "2-3 ore"."""
    t = _units_spelled(answers.italian(fold(text)))  # "dui uri", "30 min/gg"
    if re.search(r"\b(nessuna|niente|zero|0|nulla|per niente)\b(?! ?[.,]\d)", t) and not re.search(r"[1-9]", t) \
            and not re.search(r"\b(un|una|due|tre|quattro|cinque|sei|sette|otto|nove|dieci|paio|qualche|mezz)", t):
        return 0.0
    # "il 10% del mio tempo, e lavoro 40 ore": a share of the working week (of 40 hours, unsaid)
    share = re.search(r"(\d+(?:[.,]\d+)?)\s*(?:%|per ?cento)\s*(?:del|dell'|di)\s*(?:mio |nostro |suo )?"
                      r"(?:tempo|orario|settimana|lavoro)", t)
    if share:
        week = re.search(r"\b(\d+)\s*ore\b", t[:share.start()] + " " + t[share.end():])
        total = float(share.group(1).replace(",", ".")) / 100 * (float(week.group(1)) if week else 40)
        return round(total, 1) if 0 < total <= MAX_WEEKLY_HOURS else None
    # "una persona al 50%": a share of someone's full-time week (38 hours, as "tempo pieno" below)
    person = re.search(r"\b(una|un|1|due|2|tre|3)?\s*(person|risors|dipendent|collaborat|figur)\w*\s+"
                       r"(?:\w+\s+)?(?:al|per il|a)\s+(\d{1,3})\s*(?:%|per ?cento)", t)
    if person:
        many = answers.numbers(person.group(1) or "una") or [1]
        total = many[0] * 38 * int(person.group(3)) / 100
        return round(total, 1) if 0 < total <= MAX_WEEKLY_HOURS else None
    # "il sabato dalle 14 alle 16", "dalle 18 alle 19 tutti i giorni feriali": clock times, each
    # session's length times the days it comes back
    clock = _clock_hours(t)
    if clock is not None:
        return clock
    t = re.sub(r"\b(un )?quarto d'? ?ora\b", "0.25 ore", t)
    # spoken forms: "quattr'ore", "n'ora ar giorno"
    t = re.sub(r"\b([a-z]+)'(ore|orette)\b", lambda m: f"{_full_number(m.group(1))} {m.group(2)}", t)
    t = re.sub(r"(?<!\w)n'(ora|oretta)\b", r"un'\1", t)
    t = re.sub(r"\bar (giorno|mese)\b", r"al \1", t)
    # "un'ora la sera, tre sere a settimana", "2 ore per 3 volte a settimana": a session times sessions
    sessions = re.search(rf"\b(\w+) {_SESSIONS}\s+(a|alla|per|in|la|ogni)\s+settimana", t)
    per_session = re.search(r"(\d+(?:[.,]\d+)?|\w+)'? ?(ore|ora|oretta)\b", t)
    # "tre sere da un'ora", "2 giorni x 3 ore", "un'ora per tre sere": so many sessions of so long
    sessions = sessions or re.search(rf"\b(\w+) {_SESSIONS}\s+(da|di|x|per)\s+(\d+(?:[.,]\d+)?|\w+)'? ?(ore|ora|oretta)\b", t) \
        or re.search(rf"\b(?:\d+(?:[.,]\d+)?|\w+)'? ?(?:ore|ora|oretta)\s+(?:per|x)\s+(\w+) {_SESSIONS}\b", t) \
        or re.search(rf"\b(?:\d+(?:[.,]\d+)?|\w+)'? ?(?:ore|ora|oretta)\b[^.;]{{0,25}}?\b(?<!ogni )(\w+) {_SESSIONS}\b", t)
    if sessions and per_session and answers.numbers(sessions.group(1)) and answers.numbers(per_session.group(0)):
        total = answers.numbers(sessions.group(1))[0] * answers.numbers(per_session.group(0))[0]
        return round(total, 1) if 0 < total <= MAX_WEEKLY_HOURS else None
    t = re.sub(r"\b(una |un )?mezz'? ?or(a|etta)\b|\bmezzora\b|\bmezza ora\b", "0.5 ore", t)
    t = re.sub(r"\b(un|una)'? ?(ora|oretta)\b", "1 ora", t)
    # "un'ora il lunedì e un'ora il giovedì", "tre ore il lunedì e tre il giovedì": each day's hours, added up
    days = re.findall(r"(\d+(?:[.,]\d+)?|[a-z]+)'? ?((?:ore|ora|orette)\s+)?(?:il|al|di|la|nel|ogni)?\s*"
                      r"(?:lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica)", t)
    counted = [answers.numbers(amount)[0] for amount, _ in days if answers.numbers(amount)]
    # the day first: "lunedì un'ora, giovedì un'ora"
    day_first = re.findall(r"(?:lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica)\s*[,:]?\s*"
                           r"(\d+(?:[.,]\d+)?|[a-z]+)'? ?(?:ore|ora|orette)\b", t)
    if len(day_first) >= 2 and len(day_first) > len(counted):
        days, counted = [(amount, "ore") for amount in day_first], [answers.numbers(a)[0] for a in day_first
                                                                   if answers.numbers(a)]
    if len(counted) >= 2 and any(unit for _, unit in days):
        total = sum(counted)
        return round(total, 1) if 0 < total <= MAX_WEEKLY_HOURS else None
    # "mio figlio 2 ore e io un'altra ora", "due ore io e altre due lui": the amounts add up
    more = re.search(r"\b(?:un'? ?altr[ao]|altr[ei] \w+)(?: \w+)?\b", t)
    amounts = [answers.numbers(m.group(1)) for m in _HOUR_AMOUNT.finditer(t[:more.start()])] if more else []
    if more and amounts and all(amounts):
        extra = answers.numbers(re.sub(r"\b(un'? ?)?altr[aoei]\b", "1" if more.group(0).startswith("un") else "",
                                       more.group(0)))
        total = sum(a[0] for a in amounts) + (extra[0] if extra else 0)
        return round(total, 1) if 0 < total <= MAX_WEEKLY_HOURS else None
    if re.search(r"\btempo pieno\b|\bfull[- ]?time\b", t) and not _HOUR_AMOUNT.search(t):
        # "quaranta ore, è un tempo pieno": the hours said come first; "tre persone a tempo pieno": each
        people = re.search(r"(\d+|[a-z]+) (persone|dipendenti|collaborator\w+|risorse)\b", t)
        many = answers.numbers(people.group(1)) if people else []
        return 38.0 * many[0] if many and 1 < many[0] <= 4 else 38.0
    # "mezz'ora la mattina e mezz'ora la sera": each part of the day's amount, added up
    daily = r"\W*(la|di|al|alla|nel|ogni|a|in)\s+(mattin\w*|sera|serata|pomeriggio|notte|pausa pranzo|pranzo|cena)"
    parts = [m for m in _HOUR_AMOUNT.finditer(t) if re.match(daily, t[m.end():m.end() + 25])]
    if len(parts) >= 2 and all(answers.numbers(m.group(1)) for m in parts):
        total = round(sum(answers.numbers(m.group(1))[0] for m in parts) * _days_a_week(t), 1)
        return total if 0 < total <= MAX_WEEKLY_HOURS else None
    if re.search(r"\b(un|1) giorno (su|ogni) (\w+ )?settiman[ae]\b", t) and not _HOUR_AMOUNT.search(t):
        return 4.0  # "un giorno ogni due settimane": a working day every other week
    if re.search(r"\b(un|1) giorno (su|ogni) \w+", t) and not _HOUR_AMOUNT.search(t):
        return 8.0  # "un giorno su cinque lavorativi": a working day a week
    # "sulle venti ore", "60-80 ore", "un'ora al giorno": the amount said with its unit comes first
    for m in _HOUR_AMOUNT.finditer(t):
        amount = answers.numbers(m.group(1))
        if not amount:
            continue
        hours = (amount[0] + amount[1]) / 2 if len(amount) >= 2 and amount[0] < amount[1] else amount[0]
        after = t[m.end():m.end() + 30]
        every = re.match(r"\W*(\w+\W+)?ogni (\w+) giorni\b", after)
        if every and answers.numbers(every.group(2)):  # "un'oretta ogni due giorni"
            return round(hours * 7 / max(answers.numbers(every.group(2))[0], 1), 1)
        if re.match(r"\W*(\w+\W+)?(a giorni alterni|un giorno si e (uno|un giorno) no)", after):
            return round(hours * 3.5, 1)
        daily = re.match(r"\W*(\w+\W+)?(al giorno|ogni giorno|al di|quotidian|giornalier|tutti i giorni|ogni (sera|mattina)|"
                         r"la sera|la mattina|di sera|tutte le (sere|mattine))", after)
        # "quattro ore, una al giorno": the day's own amount follows, so the first is the week's
        split = daily and daily.group(1) and answers.numbers(daily.group(1))
        # "sette otto ore, la sera": when, not each evening; every day only when said, or an hour or two
        if daily and not split and (hours <= 3 or not re.match(r"\W*(\w+\W+)?(la sera|la mattina|di sera)", after)):
            hours *= _days_a_week(t)
        elif re.match(r"\W*(\w+\W+)?(al mese|ogni mese|mensil)", after):
            hours /= 4.3
        hours = round(hours, 1)
        return hours if 0 <= hours <= MAX_WEEKLY_HOURS else None
    if re.search(r"\bpart[- ]?time\b", t) and not _numbers(t):
        return 20.0
    if re.search(r"\bmezz[ae] giornat[ae]\b", t):
        hours = 4.0 * (len(_numbers(t)) and _numbers(t)[0] or 1)
    elif re.search(r"\b(il|un|una|ogni) (lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica) "
                   r"(pomeriggio|mattina)\b|\b(un|il) pomeriggio\b|\buna mattina(ta)?\b|"
                   r"\btutt[ao] (la|il) (mattina(ta)?|pomeriggio)\b", t) and not _numbers(t):
        hours = 4.0  # "il venerdì pomeriggio": half a day
    elif re.search(r"\b(una|1) giornata\b|\bun giorno (intero|pieno)\b", t):
        hours = 8.0
    elif re.search(r"\b(pochissimo|il minimo|il meno possibile|poco poco)\b", t) and not _numbers(t):
        hours = 1.0
    elif re.search(r"\bpoco\b", t) and not _numbers(t):
        hours = 1.5
    else:
        nums = _numbers(t)
        if not nums:
            return None
        # "2-3 ore", "tra 3 e 5", "una o due": the middle of the range
        if len(nums) >= 2 and nums[0] < nums[1] <= nums[0] * 4:
            hours = (nums[0] + nums[1]) / 2
        else:
            hours = nums[0]
        if re.search(r"\bminut", t) and not re.search(r"\bor[ae]\b|\boretta", t):
            hours /= 60
        elif re.search(r"\bgiorn[oi]\b.*\b(a|alla|la|per) settimana|\bgiorn[oi] a settimana", t) \
                and not re.search(r"\bor[ae]\b|\boretta", t):
            hours *= 8  # "due giorni a settimana"
        elif (re.search(r"\b(mattin[ae]|pomerigg\w+|ser[ae]|serat[ae])\b.*\b(a|alla|la|per) settimana", t)
              or re.search(r"\b(\d+|un[ao]?|paio|due|tre|quattro|cinque|sei) (di )?"
                         r"(mattin[ae]|mattinat[ae]|pomeriggi|pomeriggio|ser[ae]|serat[ae])\b", t)) \
                and not re.search(r"\bor[ae]\b|\boretta", t):
            hours *= 3  # "due pomeriggi a settimana", "un paio di pomeriggi": parts of a day counted
    if re.search(r"al giorno|ogni giorno|giornalier|quotidian|ogni (sera|mattina)|tutti i giorni|"
                 r"tutte le (sere|mattine)|la sera|di sera\b.*\bogni|al di|\b(a|per) (sera|serata|giornata)\b", t) \
            and not re.search(r"(a|alla|la|per|in) settimana|settimanal", t):
        hours *= _days_a_week(t)
    elif re.search(r"al mese|mensil", t):
        hours /= 4.3
    hours = round(hours, 1)
    if hours < 0 or hours > MAX_WEEKLY_HOURS:
        return None
    return hours


_WEEKDAYS = ("lunedi", "martedi", "mercoledi", "giovedi", "venerdi", "sabato", "domenica")


def _units_spelled(t: str) -> str:
    """Short units as words: "2h/sett" -> "2 ore a settimana", "30 min/gg" -> "30 minuti al giorno"."""
    t = re.sub(r"(\d)\s*h\b", r"\1 ore", t)
    t = re.sub(r"(\d)\s*min\b\.?", r"\1 minuti", t)
    t = re.sub(r"\s*/\s*(?:gg|g|giorno|di|die)\b\.?", " al giorno", t)
    t = re.sub(r"\s*/\s*(?:sett|settimana|sett\.|w|week)\b\.?", " a settimana", t)
    return re.sub(r"\s*/\s*mese\b", " al mese", t)


# ("da 5 a 6 ore" is a range of hours, not a clock)
_CLOCK = re.compile(r"\b(?:dalle|dall')\s*(\d{1,2})(?:[:.](\d{2}))?\s*(?:alle|all')\s*(\d{1,2})(?:[:.](\d{2}))?\b(?!\s*(?:ore|ora|h)\b)")


def _clock_hours(t: str) -> Optional[float]:
    """Weekly hours from clock times ("dalle 9 alle 11 il lunedì e il giovedì" is 4), or None when the
    text gives none. A session comes back on each weekday named, every day when said so ("tutti i
    giorni feriali": 5), else once a week."""
    sessions = [(int(h2) + int(m2 or 0) / 60) - (int(h1) + int(m1 or 0) / 60) for h1, m1, h2, m2 in _CLOCK.findall(t)]
    if not sessions or any(not 0 < length <= 12 for length in sessions):
        return None
    if re.search(r"al giorno|ogni giorno|tutti i giorni|giornalier|quotidian|feriali|lavorativ|dal lunedi al|"
                 r"ogni (sera|mattina|pomeriggio)|tutte le (sere|mattine)|tutti i pomeriggi", t):
        days = _days_a_week(t)
    else:
        days = max(1, len(set(re.findall(r"\b(%s)\b" % "|".join(_WEEKDAYS), t))))
    total = round(sum(sessions) * days, 1)
    return total if 0 < total <= MAX_WEEKLY_HOURS else None


def _days_a_week(t: str) -> int:
    """How many days "al giorno" means: 5 for working days, one or two fewer when some are left out,
    the days of a range ("dal lunedì al giovedì"), two at the weekend."""
    span = re.search(r"\bdal (%s) al (%s)\b" % ("|".join(_WEEKDAYS), "|".join(_WEEKDAYS)), t)
    if span:
        return _WEEKDAYS.index(span.group(2)) - _WEEKDAYS.index(span.group(1)) + 1 \
            if _WEEKDAYS.index(span.group(2)) > _WEEKDAYS.index(span.group(1)) else 7
    if re.search(r"\b(nei|nel|il|al|durante il|solo il|solo nel) (weekend|week end|fine settimana)\b|"
                 r"^\W*(sabato e domenica)|\b(il|solo il|nel) sabato e (la )?domenica\b|"
                 r"\b(sabato e domenica)\W*$", t) and not re.search(r"\b(tranne|escluso|esclusi|meno)\b", t):
        return 2
    if re.search(r"lavorativ|feriali|dal lunedi al venerdi|weekend esclus|escluso il (weekend|fine settimana)|"
                 r"tranne (il )?(weekend|fine settimana|sabato e domenica)", t):
        return 5
    if re.search(r"(domenica|sabato|lunedi) esclus|esclus[oa] (la|il) (domenica|sabato|lunedi)|"
                 r"tranne (la |il )?(domenica|sabato|lunedi)|meno (la|il) (domenica|sabato)", t):
        return 6
    return 7


def _full_number(stem: str) -> str:
    """"quattr" of "quattr'ore" -> "quattro"; any other word as it is."""
    for ending in ("o", "e", "i", "a"):
        if stem + ending in answers.UNITS:
            return stem + ending
    return stem


# "Any age", however it is said: one pattern for the statement test and the reading.
_ANY_AGE = (r"tutt[ei] le (fasce d'? ?)?eta|qualsiasi eta|ogni eta|di tutte le eta|grandi e piccini|dai bambini ai nonni|"
            r"non (c'e|ce sta|ce) (un'|n'|una )?eta|nessuna (fascia d'? ?)?eta|senza eta|senza limiti di eta|"
            r"non (importa|conta) l'? ?eta|l'? ?eta non (importa|conta)|eta indifferente|un po'? tutti|tutti quanti|"
            r"dai giovani (ai|agli) (vecchi|anziani|nonni|meno giovani)|dai piu piccoli ai piu grandi|da 0 a 100|"
            r"da zero a cento")
_AGE_WORDS = [
    (_ANY_AGE + r"|tutti|dagli? \d+ agli? \d{2,}", "tutte le età"),
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


def _ages_in_digits(t: str) -> str:
    """"tra i venti e i trent'anni" -> "tra i 20 e i 30 anni", "ultrasessantacinquenni" -> "over 65":
    ages written in words, with the number words of bot/answers.py."""
    # not ages: shares ("un 70% donne") and decades ("la musica anni '80")
    t = re.sub(r"\d+(?:[.,]\d+)?\s*%|\d+\s*per ?cento\b|\banni\s*'?\s*\d0\b|(?<!\w)'\d0\b", " ", t)
    t = re.sub(r"\b(vent|trent|quarant|cinquant|sessant|settant|ottant|novant)'? ?anni\b",
               lambda m: f"{answers.UNITS[m.group(1) + ('i' if m.group(1) == 'vent' else 'a')]} anni", t)
    t = re.sub(r"\bultra(\w+?)enni\b", lambda m: f"over {_age_word(m.group(1))}" if _age_word(m.group(1)) else m.group(0), t)
    return re.sub(r"\b[a-z]+\b", lambda m: str(answers.UNITS[m.group(0)])
                  if answers.UNITS.get(m.group(0), 0) >= 10 else m.group(0), t)


def _age_word(stem: str) -> Optional[int]:
    """"sessantacinqu" (of "ultrasessantacinquenni") -> 65."""
    for word, value in answers.UNITS.items():
        if value >= 10 and (word == stem or word[:-1] == stem or word == stem + "e"):
            return value
    return None


def parse_age(text: str) -> Optional[str]:
    """An age range such as "25-40", "50+" or "tutte le età", or None."""
    t = fold(text)
    t = _ages_in_digits(t)
    # "bambini dai 6 ai 12 anni": a range said with its years comes first, children's ages included
    years = re.search(r"\b(?:dai|dagli|da|tra i|tra gli|fra i|fra gli)\s*(\d{1,2})\s*(?:ai|agli|a|e i|e gli|-)\s*"
                      r"(\d{1,2})\s*anni\b|\b(\d{1,2})\s*-\s*(\d{1,2})\s*anni\b", t)
    if years:
        low, high = (int(n) for n in (years.group(1, 2) if years.group(1) else years.group(3, 4)))
        if low < high:
            return f"{low}-{high}"
    over = re.search(r"(?:over|sopra i|piu di|oltre i|dai|dagli)\s*(\d{2})(?!\d)(?!\s*(?:ai|agli|a|e|-)\s*\d)"
                     r"|(\d{2})\s*(?:\+|in su|in poi|e oltre|e piu)", t)
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


def stated_ages(text: str) -> Optional[str]:
    """An age band only where the text states ages ("tra i 25 e i 40", "over 50", "tutte le età") or
    is no more than a word or two of age ("giovani", "pensionati"): a longer description such as
    "turisti stranieri e famiglie napoletane" is not turned into ages."""
    t = fold(text)
    t = _ages_in_digits(t)
    t = re.sub(r"\bnun\b", "non", t)
    if re.search(r"\d", t) or re.search(rf"\b(over|under|{_ANY_AGE})\b", t):
        return parse_age(t)
    content = [w for w in re.findall(r"[a-z']+", t) if w not in ("i", "gli", "le", "la", "il", "e", "soprattutto",
                                                                  "principalmente", "direi", "piu", "che", "altro")]
    generation = re.search(r"\b(giovan\w+|giovanissim\w+|adolescent\w+|teenager|anzian\w+|terza eta|"
                           r"millennial\w*|gen ?z|boomer\w*|\w+enni)\b", t)
    return parse_age(t) if generation and len(content) <= 2 else None


def read_audience(text: str) -> Optional[str]:
    """The answer to "che pubblico vuoi raggiungere?": an age band where ages are stated, else the
    description as written."""
    return stated_ages(text) or clean_description(text, max_len=160, min_words=1)


MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")


def clean_description(text: str, max_len: int = 300, min_words: int = 2) -> Optional[str]:
    """A one-sentence description as the user wrote it, or None if it is not one."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if MARKUP.search(text) or len(text) > max_len:
        return None
    words = re.findall(r"[^\W\d_]{2,}", text)
    if len(words) < min_words or not any(len(w) >= 3 for w in words):
        return None
    return text
