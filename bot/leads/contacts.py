"""Contact details typed in a chat: validated and normalised, one field at a time.

`check(field, text)` returns the value to store, or the short key of the problem; the dialogue
(bot/leads/capture.py) asks again with `EXAMPLES[field]`. Call `refusal(text)` first: "no grazie" is
not a name. Emails go through email-validator (syntax only, no network), phone numbers through
phonenumbers (stored E.164).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from bot import comuni
from bot.answers import (after_concession, after_correction, after_question, chosen_option, italian, plain,
                         starred_correction, word_number)
from bot.vocabulary import fold

# How each field is asked again after an answer that could not be used. The lead engineer may move
# these to bot/texts.yml.
EXAMPLES = {
    "name": "Mi basta nome e cognome, solo lettere: per esempio «Giulia Bianchi».",
    "company": "Scrivimi il nome dell'azienda o dell'attività, per esempio «Studio Bianchi» o "
               "«Panificio Rossi srl».",
    "company_size": "Dimmi quante persone ci lavorano, per esempio «solo io», «siamo in 12» o «circa 60».",
    "email": "Scrivimi l'indirizzo email completo, per esempio «giulia.bianchi@gmail.com».",
    "phone": "Scrivimi il numero con tutte le cifre, per esempio «333 123 4567», «02 1234 5678» "
             "o, se è estero, con il prefisso: «+41 44 668 18 00».",
    "call_time": "Dimmi quando ti è più comodo, per esempio «la mattina», «in pausa pranzo», "
                 "«dopo le 18» o «martedì pomeriggio».",
}
FIELDS = tuple(EXAMPLES)
COMPANY_SIZES = ("1", "2-9", "10-49", "50-249", "250+")
CALL_TIMES = ("mattina", "pausa_pranzo", "pomeriggio", "sera", "indifferente")


@dataclass(frozen=True)
class Checked:
    value: Optional[str]  # what to store; None when there is a problem
    problem: Optional[str] = None  # a short key: empty, too_short, too_long, markup, unclear, name_chars,
    # email_invalid, email_unicode, email_typo, phone_invalid, phone_too_short, phone_too_long
    suggestion: Optional[str] = None  # email_typo: the address the user most likely meant


def check(field: str, text: str, region: str = "IT") -> Checked:
    """The value to store for a contact field, or the problem with the answer."""
    if field not in FIELDS:
        raise ValueError(f"unknown contact field {field!r}")
    text = " ".join(plain(text or "").split()).strip(" ,")  # "Lido Aurora 🏖️", "1) cell…": no emoji, no list markers
    text = (starred_correction(text) or (text,))[0]  # "luca@exmaple.com *example.com": the typo set right
    # "Gentile Bussola, mi chiamo …": a letter's salutation is not the answer
    text = _SALUTATION.sub("", text) or text
    # "aspetta che controllo la visura... Officine Brambilla srl": a pause, then the answer
    paused = re.match(r"^[a-zà-ú' ,]{3,80}?(?:\.{3}|…)\s*(?P<answer>\S.*)$", text)
    if paused and field in ("name", "company", "email", "phone") and not chosen_option(text):
        text = paused.group("answer")
    if not text:
        return Checked(None, "empty")
    if not text.isprintable():  # control characters (a NUL byte breaks PostgreSQL text) are never data
        return Checked(None, "unclear")
    if field not in ("email", "phone") and _MARKUP.search(text):  # those two the libraries check
        return Checked(None, "markup")
    read = {"name": _name, "company": _company, "company_size": _company_size, "email": _email,
            "phone": lambda t: _phone(t, region), "call_time": _call_time}[field]
    # "333 555 0198, anzi no, 333 555 0189": what they meant; "ma devo proprio? Va be', Autofficina
    # Cattaneo": the answer after the question; "non è che la mattina non vada, ma il pomeriggio è
    # meglio": the answer after the concession. Each, when it reads as an answer; else the whole.
    for part in (chosen_option(text), after_correction(text), after_question(text), after_concession(text)):
        if part and re.search(r"\w", part):
            checked = read(part)
            if checked.value:
                return checked
    checked = read(text)
    conclusion = re.split(r"[:.!;]\s+", text)[-1]
    if not checked.value and field in ("company_size", "call_time") and conclusion != text \
            and re.search(r"\w", conclusion):
        # "Stamattina un fornitore mi ha chiamato mentre guidavo…: meglio dopo le nove di sera"; only
        # where the answer is one of a few values (a name's last clause may be anything)
        concluded = read(conclusion)
        return concluded if concluded.value else checked
    return checked


_SALUTATION = re.compile(r"^\W*(gentil\w*|spett\.?\w*|egregi\w*|car[oa]|buongiorno|buonasera|salve|ciao)"
                         r"(\s+(bussola|signor\w*|dottor\w*|team|staff))?\s*[,:;!]\s*", re.IGNORECASE)
_GIVE = r"(dar|dir|lasci|fornir|condivider|comunicar|indicar|rispond)"  # verb stems: give, say, leave…
_REFUSAL = re.compile(
    r"^(no|nope|no grazie|grazie no|passo|salta|salto|niente|non mi va|meglio di no|preferisco di no)$"
    rf"|\b(preferisco|preferirei) non {_GIVE}"
    rf"|\bnon (voglio|vorrei|posso|mi va di|intendo) {_GIVE}"
    r"|\bnon (te|ve|glielo|lo) (lo )?(do|dico|darei|direi)\b"
    r"|\b(lascia|lasciamo) (stare|perdere)\b|\bsaltiamo\b|\bsalta (pure|questa|la domanda)\b"
    r"|\bnon ho (un |una |un'|l'|il |la )?(email|e mail|mail|telefono|cellulare|numero|azienda)\b"
    r"(?!.*(:|\bsono io\b|\buso il mio nome\b))")


def refusal(text: str) -> bool:
    """Whether the answer declines to give the detail ("preferisco non dirlo", "no grazie", "salta").
    A preference is not a refusal: "preferirei non essere chiamato la sera" is a call time, and
    "non ho azienda, sono freelance, Laura Gentile" gives the name to use."""
    words = " ".join(re.sub(r"[^\w']+", " ", fold(text or "")).split())
    if re.search(r"[,:;-]\s*[A-ZÀ-Ý][\w'’]+(\s+[A-ZÀ-Ý][\w'’]+)*\s*[.!]?\s*$", text or ""):
        return False
    return bool(_REFUSAL.search(words))


# --- name and company ------------------------------------------------------------------------------

_MARKUP = re.compile(r"<[^>]*>|[<>]|\{\{|\}\}|javascript:", re.IGNORECASE)
_LOOKS_LIKE_URL = re.compile(r"@|://|\bwww\.|\w\.(it|com|net|org|eu|io|info|biz)\b", re.IGNORECASE)
_NAME_INTRO = re.compile(r"^((si|sì|ok|certo|allora|piacere|ciao|salve|buongiorno|ecco)[,!.]?\s+)*"
                         r"((mi|me|me se|a me mi) (chiam+o|ciamo|chiami|chiamu|dicono)|il mio nome (è|e'|e)|io sono|sono|"
                         r"nome e cognome:?|nome:?|io:?|sn|(il |la |io )?sottoscritt[oa]|"
                         r"mi presento,?|piacere,?)\s+", re.IGNORECASE)
# What people add after their name: "Chiara Russo, la titolare", "Marco Bianchi e sono il socio".
_NAME_TAIL = re.compile(r"\s*(,|\be (sono|lavoro|faccio)\b|\b(la|il|lo|l') ?(titolare|"
                        r"responsabile|proprietari[oa]|socio|socia|direttore|direttrice|presidente|segretari[oa]|"
                        r"amministrat\w+|fondat\w+|ceo|referente)\b|\b(titolare|responsabile|socio|socia|ceo|"
                        r"fondat\w+)\b).*$", re.IGNORECASE)
_NAME_PUNCTUATION = " '’-."
# In a sentence, a full name is a run of capitalised words ("eh, sono Bepi... Giuseppe Zanon", "Scrive il
# geom. Roberto Vitali"); these capitalised words open sentences or name places and roles, not people.
_NAME_WORD = re.compile(r"[A-ZÀ-Ý][a-zà-ÿ]+(?:['’][A-ZÀ-Ý][a-zà-ÿ]+)?")
_NAME_PARTICLES = {"de", "di", "da", "del", "della", "dal", "dalla", "van", "von", "d'", "d’", "la", "lo", "le"}
_NOT_NAMES = {"mi", "sono", "io", "il", "la", "lo", "le", "gli", "eh", "ehm", "allora", "ciao", "salve", "buongiorno",
              "buonasera", "scrive", "scrivo", "per", "nome", "cognome", "piacere", "ecco", "certo", "si", "sì", "ok",
              "comunque", "cmq", "ma", "e", "sig", "signor", "signora", "dottor", "dottoressa", "avvocato", "ingegner",
              "geometra", "architetto", "professor", "professoressa", "don", "suor", "padre", "madre", "zio", "zia",
              "mr", "mrs", "ms", "dr", "dott", "titolare", "responsabile", "pizzeria", "studio", "hotel", "bar",
              "ristorante", "comune", "ufficio", "associazione", "srl", "spa", "snc", "sas", "negozio", "macelleria",
              "panificio", "azienda", "ditta", "società", "societa", "agenzia", "cooperativa", "parrocchia", "via",
              "presidente", "direttore", "direttrice", "segretario", "segretaria", "chiamatemi", "chiamami"}


def _name_in_sentence(text: str) -> Optional[str]:
    """The first run of two to four capitalised words in a sentence, or None: "la responsabile è Elena
    Marchetti, cioè io" -> "Elena Marchetti". A text without lower-case words is a name as typed."""
    tokens = re.findall(r"[\w'’]+|[^\w\s]+", text)
    if not any(t[:1].islower() and t.lower() not in _NAME_PARTICLES for t in tokens):
        return None
    runs, run = [], []
    for n, token in enumerate(tokens + [""]):
        following = tokens[n + 1] if n + 1 < len(tokens) else ""
        if _NAME_WORD.fullmatch(token) and token.lower() not in _NOT_NAMES:
            run.append(token)
        elif run and token.lower() in _NAME_PARTICLES and _NAME_WORD.fullmatch(following):
            run.append(token)  # "Maria de Luca"
        else:
            if run:
                runs.append(run)
            run = []
    full = [r for r in runs if 2 <= len(r) <= 4]
    return " ".join(full[0]) if full else None


_TITLES = re.compile(r"^((l'|il |la )?(dott\.?|dottor|dottore|dottoressa|dott\.ssa|ing\.?|ingegner|ingegnere|"
                     r"avv\.?|avvocato|avvocata|avvocatessa|prof\.?|professor|professore|professoressa|"
                     r"geom\.?|geometra|arch\.?|architetto|architetta|rag\.?|ragioniere|sig\.?|sig\.ra|signor|"
                     r"signora|signore|sig\.na|dr\.ssa|dr\.?|don|suor|suora|padre|fra|frate|madre|rev\.?|reverendo|mr\.?|mrs\.?|ms\.?|"
                     r"notaio|notaia|notaro|maestro|maestra|chef)\s+)+",
                     re.IGNORECASE)


def _name(text: str) -> Checked:
    text = re.sub(r"\([^)]*\)", " ", text.strip())  # "Ilaria Costa (sono la figlia del titolare)"
    surname = re.match(r"^(?:mi chiamo|sono|nome:?)\s+(\S+?),?\s+(?:e\s+)?(?:di\s+)?cognome:?\s+(.+)$", text, re.IGNORECASE)
    if surname:  # "Mi chiamo Ahmed, cognome Benali"
        text = f"{surname.group(1)} {surname.group(2)}"
    in_sentence = _name_in_sentence(text)
    if in_sentence:
        return Checked(in_sentence)
    text = re.sub(r"^(ciao|salve|buongiorno|buonasera|ok|si|sì|certo)\s*[!,.]\s*", "", text, flags=re.IGNORECASE)
    split = re.match(r"^\s*nome:?\s+(.+?),?\s+cognome:?\s+(.+)$", text, re.IGNORECASE)
    if split:  # "nome Alessandro, cognome Greco"
        text = f"{split.group(1)} {split.group(2)}"
    split = re.match(r"^\s*cognome:?\s+(.+?),?\s+nome:?\s+(.+)$", text, re.IGNORECASE)
    if split:  # "cognome Greco, nome Alessandro"
        text = f"{split.group(2)} {split.group(1)}"
    registry = re.search(r"\b(all'anagrafe|per l'anagrafe|sui documenti|per esteso|all'anagrafe|ufficialmente|"
                         r"di nome e cognome)\s*(sono|mi chiamo|è|e|:)?\s+(?P<name>.+)$", text, re.IGNORECASE)
    if registry:  # "chiamatemi Tony, ma all'anagrafe sono Antonino Scuderi": the full name
        text = registry.group("name")
    name = _NAME_INTRO.sub("", text.strip()).strip(" ,;:")
    # "Rosaria, Rosaria Esposito", "Giulia, Giulia Marino, da Lecce": the part that is a full name
    parts = [p.strip() for p in name.split(",") if p.strip()]
    full = [p for p in parts if len(_TITLES.sub("", p).split()) >= 2 and not _NAME_TAIL.match(p)]
    name = full[0] if len(parts) > 1 and full else name
    name = _NAME_TAIL.sub("", name).strip(" ,;:.!")
    name = re.sub(r"\s+(detto|detta|per gli amici|alias)\s+.*$", "", name, flags=re.IGNORECASE)  # "… detto Fede"
    # "… da Lecce"; all in lower case, "di pietro" is a surname ("nicola di pietro")
    name = re.sub(r"\s+(da|a)\s+[a-zà-ú]+$|\s+da\s+[A-Z][a-zà-ú]+$" + ("" if name.islower() else r"|\s+di\s+[a-zà-ú]+$"),
                  "", name)
    name = _TITLES.sub("", name).strip()
    if _LOOKS_LIKE_URL.search(name) or any(not (unicodedata.category(c).startswith("L")
                                                or c in _NAME_PUNCTUATION) for c in name):
        return Checked(None, "name_chars")
    if sum(c.isalpha() for c in name) < 2:
        return Checked(None, "too_short")
    if len(name) > 80:
        return Checked(None, "too_long")
    if name.islower() or name.isupper():  # "mario rossi", "MARIO ROSSI" -> "Mario Rossi"
        name = re.sub(r"(^|[ '’.-])(\w)", lambda m: m.group(1) + m.group(2).upper(), name.lower())
    return Checked(name)


# "la mia ditta si chiama Edil Rossi srl", "lavoro per la Panificio Rossi", "è lo Studio Bianchi"
_COMPANY_INTRO = re.compile(
    r"^((si|sì|ok|certo|allora|ecco)[,!.]?\s+)*"
    r"((la mia|il mio|la nostra|il nostro|l'|la|il)\s*)?"
    r"((ditta|azienda|attivita|attività|societ[aà]|impresa|studio|negozio|associazione|ristorante|"
    r"locale|agenzia|startup|cooperativa|bottega|laboratorio|marchio|brand|nome|ragione sociale|denominazione|"
    r"denominazione sociale|insegna|[\w&]{2,})(\s+(giust[oa]|corrett[oa]|esatt[oa]|ver[oa]|complet[oa]|ufficiale))?\s+)?"
    r"(si chiama|è|e'|:|=|ha nome)\s+(?-i:(la |il |lo |l')(?=[A-Z]))?|"
    r"^(spettabile|spett\.le|spett\.)\s+((ditta|azienda|societ[aà]|impresa)\s+)?|"
    r"^((si|sì|ok|certo)[,!.]?\s+)?(lavoro|lavoriamo|sono|siamo) (per|con|presso|da|di|alla|al|nella|nello|della|dello|"
    r"dell'|del|dei) (la |il |lo |l')?|"
    r"^((si|sì|ok|certo)[,!.]?\s+)?(sono (il |la )?(titolare|socio|socia|responsabile|fondat\w+) (di|della|del|dello) "
    r"(la |il |lo |l')?)|^(per conto (della|dello|dell'|del|di)\s*|(per|presso) (la |il |lo |l')?)", re.IGNORECASE)
# "lavoro in proprio, Marco Bianchi": the name after the explanation is the company
_ON_MY_OWN = re.compile(r"^((lavoro |sono )?(in proprio|da sol[oa]|freelance|libero professionista|libera "
                        r"professionista|ditta individuale|per (me stess[oa]|conto mio|conto proprio))|"
                        r"(nessuna|niente) (azienda|ditta|societ[aà])|non ho (un'|una )?(azienda|ditta|societ[aà]))"
                        r"\s*[,:;-]\s*((quindi|cioè|cioe|ovvero|dunque|sono|mi chiamo|metti|scrivi)(\s+pure)?\s+)*", re.IGNORECASE)


def _company(text: str) -> Checked:
    if not text.isprintable() or not any(c.isalnum() for c in text):
        return Checked(None, "unclear")
    stripped = re.sub(r"^(ehm+|allora|dunque|quindi|beh|be'|va be'?|vabb?[eè]'?|ok|si(?! chiama)|sì|certo|metti pure|metti|scrivi pure|"
                      r"scrivi|segna pure|segna|buongiorno|buonasera|salve|ciao)[,.:!…]*\s+", "", text.strip(),
                      flags=re.IGNORECASE)
    # "@fioridilia su instagram, il negozio è Fiori di Lia": a handle first, then the name
    stripped = re.sub(r"^@[\w.]+(\s+(su|on)\s+\w+)?\s*[,;]\s*(?=\S)", "", stripped)
    after_colon = re.match(r"^[^:]{3,60}:\s*(?P<name>[^:]{2,80})$", stripped)
    if after_colon and len(after_colon.group("name").split()) <= 8:
        stripped = after_colon.group("name")  # "è una ditta individuale: Apicoltura Murgia"
    stripped = _ON_MY_OWN.sub("", _ON_MY_OWN.sub("", stripped))  # "non ho azienda, sono freelance, Laura Gentile"
    # "sono io, Giada Santucci", "lavoro col mio nome, Giulia Marchesini Yoga": the name after the comma
    stripped = re.sub(r"^(sono (io|sempre io)|(lavoro|lavoriamo) (col|con il|sotto il) (mio|nostro) nome|"
                      r"uso il mio nome|a nome mio|il mio nome)\s*[,:;-]\s*", "", stripped, flags=re.IGNORECASE)
    stripped = _TITLES.sub("", stripped)
    stripped = re.sub(r"^(quindi|allora|metti pure|metti|mettete|scrivi pure|scrivi|scrivete pure|scrivete|"
                      r"scriva pure|scriva|"
                      r"metta pure|metta|segnate|usate)(\s+(solo|soltanto))?\s+",
                      "", stripped, flags=re.IGNORECASE)
    stripped = _COMPANY_INTRO.sub("", stripped).strip(" ,;:!«»\"'‘’“”")
    # "la Biblioteca Comunale di Sarzana": an article in lower case is the sentence's, not the name's
    stripped = re.sub(r"^(la|il|lo|l'|l’|i|gli|le)\s*(?=[A-ZÀ-Ý])", "", stripped)
    # "sulle fatture trovi Falegnameria Del Bosco", "ci conoscono come Forno Rossi": where the name is read
    found_as = re.match(r"^[a-zà-ú' ]{0,50}\b(trovi|trova|trovate|scritto|leggi|legge|leggete|risult\w*|compar\w*|"
                        r"intestat\w*( a)?|conosc\w*( come)?|chiamano|chiama|registrat\w*( come)?|(?<=\w )(?:è|e'))\s+"
                        r"(?P<name>[A-Z0-9].*)$", stripped)
    if found_as:
        stripped = found_as.group("name")
    # "la nostra startup, Padelgo": the name after a generic opening
    stripped = re.sub(r"^(la|il|lo|l')?\s*(mia|mio|nostra|nostro)\s+\w+\s*[,:]\s*", "", stripped, flags=re.IGNORECASE)
    # "è la pizzeria, Pizzeria Da Totò": a generic opening in lower case, then the name
    stripped = re.sub(r"^((è|e') )?((la|il|lo|l'|una|un|uno) ?)?[a-zà-ú&' ]{2,30},\s*(?=[A-Z0-9])", "", stripped)
    stripped = re.sub(r"\s+(freelance|libero professionista|libera professionista|in proprio)$", "", stripped,
                      flags=re.IGNORECASE)
    # "Edil Rossi srl, siamo in cinque", "Hotel Bellavista, sul lago di Como": the name, not what follows
    stripped = stripped.split(", ")[0].strip()
    stripped = re.sub(r"\s+(di|del|della) (mio|mia|nostro|nostra)\b.*$|\s+(sul|sulla|sullo|nel|nella|vicino|presso|"
                      r"zona|in via)\b.*$|\s+a\s+[A-Z][\wàèéìòù']+$", "", stripped)
    stripped = re.sub(r"\s+(punto|virgola)$", "", stripped, flags=re.IGNORECASE)  # dictated punctuation
    # "Rifugio Stella Alpina (aperto solo d'estate)": an aside about the name is not part of it
    stripped = re.sub(r"\s*\((?=[a-zà-ú])[^)]*\)?\s*$", "", stripped)
    if any(c.isalnum() for c in stripped):
        text = stripped
    if len(text) > 120:
        return Checked(None, "too_long")
    return Checked(text)


# --- company size ----------------------------------------------------------------------------------

_ALONE = re.compile(r"\b(solo io|io solo|soltanto io|solo me|da sol[oa]|io e basta|lavoro solo|persona sola|sono sol[oa]|"
                    r"sol[oa] una persona|"
                    r"freelance|libero professionista|libera professionista|ditta individuale|"
                    r"nessun dipendente|senza dipendenti|lavoro in proprio|sono autonom[oa]|"
                    r"nessuno (a parte|oltre a|oltre|tranne|eccetto|all'infuori di) me(?! e\b)|(a parte|oltre a|tranne) me,? nessuno)\b")
_NUMBER_WORDS = {
    "uno": 1, "una": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7, "otto": 8,
    "nove": 9, "dieci": 10, "undici": 11, "dodici": 12, "tredici": 13, "quattordici": 14, "quindici": 15,
    "sedici": 16, "diciassette": 17, "diciotto": 18, "diciannove": 19, "venti": 20, "trenta": 30,
    "quaranta": 40, "cinquanta": 50, "sessanta": 60, "settanta": 70, "ottanta": 80, "novanta": 90,
    "cento": 100, "duecento": 200, "trecento": 300, "quattrocento": 400, "cinquecento": 500, "mille": 1000,
    # approximations
    "decina": 10, "dozzina": 12, "quindicina": 15, "ventina": 20, "trentina": 30, "quarantina": 40,
    "cinquantina": 50, "sessantina": 60, "settantina": 70, "ottantina": 80, "novantina": 90,
    "centinaio": 100, "decine": 30, "centinaia": 300, "migliaio": 1000, "migliaia": 2000,
}
_NUMBER_WORDS.update({f"{word}mila": value * 1000 for word, value in list(_NUMBER_WORDS.items())
                      if 2 <= value <= 9 and word not in ("una",)})  # "duemila", "tremila"
# a number of people: digits (Italian thousands dots, no decimals) or a number word; not years
_COUNT = re.compile(r"(?<![\w.,])(\d{1,3}(?:\.\d{3})+(?![.,]?\d)|\d+(?![.,]?\d)|(?:"
                    + "|".join(_NUMBER_WORDS) + r")\b)(?!\s*(?:anni|anno|mesi|mese)\b)")


def _size_bucket(people: int) -> str:
    for bucket, lowest in (("250+", 250), ("50-249", 50), ("10-49", 10), ("2-9", 2)):
        if people >= lowest:
            return bucket
    return "1"


def _big_number_as_digits(word: re.Match) -> str:
    """A number word over twenty as digits ("centocinquanta" -> "150"); any other word as it is."""
    value = word_number(word.group(0))
    return str(value) if (value or 0) > 20 else word.group(0)


def _company_size(text: str) -> Checked:
    folded = re.sub(r"\b[a-z]+\b", _big_number_as_digits, italian(fold(text)))  # "ventidue", "sugnu sulu"
    # "solo io più i miei due cani": animals counted are not people ("siamo quattro gatti" are people)
    folded = re.sub(r"\b(i |le )?(miei|mie|nostri|nostre) (\d+|un|una|due|tre|quattro|cinque) (cani|gatti|gatte|"
                    r"cagnolin\w*|animali|cavalli|pappagalli)\b", " ", folded)
    if re.fullmatch(r"(io|solo io|io sol[oa]|io e basta|me|sol[oa])\W*", folded) \
            or re.search(r"\b(io|me) (e basta|soltanto|solamente)\b|\bnessun altro\b|\bsol[oa] (la |il )?"
                         r"(sottoscritt[oa]|titolare)\b",
                         folded):
        return Checked("1")  # "me e basta", "nessun altro, solo la sottoscritta"
    if re.search(r"(^|:)\s*(io|me)\s*(,|e)\s", folded) and not re.search(r"\d|\b(due|tre|quattro|cinque|sei|sette|otto|"
                                                                  r"nove|dieci|decin\w*)\b", folded):
        return Checked("2-9")  # "io, mio marito e una ragazza d'estate", "una famiglia: io, mio padre e…"
    if folded in COMPANY_SIZES:  # a button
        return Checked(folded)
    counts = [(m, int(m.group(1).replace(".", "")) if m.group(1)[0].isdigit() else _NUMBER_WORDS[m.group(1)])
              for m in _COUNT.finditer(folded)]
    # "una" is a number only alone ("siamo in una", "una persona"): not in "una decina", nor before a
    # word it cannot count ("una quindcina" typed in a hurry)
    counts = [(m, n) for m, n in counts if m.group(1) not in ("uno", "una")
              or len(counts) == 1 and not re.match(r"\s+\w+in[ae]\b", folded[m.end():])]
    if counts:
        (first, people), before = counts[0], folded[:counts[0][0].start()]
        if len(counts) > 1:
            second, more = counts[1]
            between = folded[first.end():second.start()]
            if re.fullmatch(r"\s*[-o/]\s*", between) \
                    or (re.search(r"\b(tra|fra|da)\s+$", before) and re.fullmatch(r"\s*[ea]\s*", between)):
                people = (people + more) // 2  # "tra 10 e 20", "5-15": the middle
            elif re.fullmatch(r"\s*(\w+\s+)?(e|piu|con)\s+((noi|altri|altre|anche)\s+)?", between):
                people += more  # "2 soci e 5 dipendenti", "48 dipendenti più noi due soci"
        if re.search(r"\b(piu di|oltre|sopra (i|le)?)\s*$", before) or folded.endswith("+"):
            people += 1
        elif re.search(r"\b(meno di|sotto (i|le)?|quasi|poco meno di|non arriviamo a)\s*$", before):
            people = max(1, people - 1)
        elif re.search(r"\b(io|me) (e|piu) (altri |altre )?$", before):  # "io e altri 3"
            people += 1
        return Checked(_size_bucket(people))
    if _ALONE.search(folded):
        return Checked("1")
    if re.search(r"\b(io|me),? e (un|una|il|la|mio|mia|n'|un'|\w+)\b|\bin due\b|\bcon (un|una) (socio|socia|collabora)"
                 r"|\bio, (mio|mia)\b|^(mio|mia|il|la|i|le) .*\be (io|me)\W*$", folded):  # "mio padre, mia madre e io"
        return Checked("2-9")
    return Checked(None, "unclear")


# --- email -----------------------------------------------------------------------------------------

# Mail providers Italians use, with their usual top-level domain, and their common misspellings.
_PROVIDERS = {"gmail": "com", "hotmail": "it", "libero": "it", "yahoo": "it", "outlook": "it",
              "icloud": "com", "virgilio": "it", "tiscali": "it", "alice": "it", "live": "it",
              "fastwebnet": "it"}
_PROVIDER_TYPOS = {
    "gmial": "gmail", "gmai": "gmail", "gmil": "gmail", "gmal": "gmail", "gamil": "gmail", "gmaill": "gmail",
    "gmali": "gmail", "gnail": "gmail", "gmaik": "gmail", "gmsil": "gmail", "gmail1": "gmail",
    "hotmial": "hotmail", "hotmal": "hotmail", "hotmai": "hotmail", "hotamil": "hotmail", "hotmil": "hotmail",
    "hotmaill": "hotmail", "hormail": "hotmail", "hitmail": "hotmail", "homail": "hotmail",
    "libreo": "libero", "liber": "libero", "lbero": "libero", "liberp": "libero", "libeto": "libero",
    "yaho": "yahoo", "yahooo": "yahoo", "yhoo": "yahoo", "yahho": "yahoo",
    "outlok": "outlook", "otlook": "outlook", "outllok": "outlook", "outook": "outlook",
    "iclod": "icloud", "icoud": "icloud", "icluod": "icloud",
    "virgiglio": "virgilio", "virgillio": "virgilio", "virgilo": "virgilio", "tiscalli": "tiscali",
}
_TLD_TYPOS = {"con": "com", "cpm": "com", "cmo": "com", "ocm": "com", "om": "com", "comm": "com",
              "co": "com", "cm": "com", "vom": "com", "xom": "com", "cim": "com", "itt": "it", "ti": "it",
              "iy": "it"}


_EMAIL_INTRO = {"è", "e'", "email", "e-mail", "mail", "indirizzo", "scrivimi", "scrivetemi", "a", "ecco",
                "si", "sì", "si,", "sì,", "certo", "ok", "allora", "pure", "questa", "usate", "scrivete",
                "all'indirizzo", "su", "mia", "la", "mio", "è:", "mail:", "email:", "ehm", "mah", "boh", "cioè",
                "tipo", "cioe", "dunque", "quindi"}


def _spoken_email(text: str) -> str:
    """"anna punto bianchi chiocciola example punto com" -> "anna.bianchi@example.com"."""
    # "k.oberhofer (at) example.it"
    text = re.sub(r"\s*[(\[{]\s*(?:at|chiocciola|@)\s*[)\]}]\s*", "@", text, flags=re.IGNORECASE)
    folded = fold(text)
    if "chiocciola" not in folded and not re.search(r"\s@|@\s", text) \
            and not re.search(r"[\w.+-] at [\w-]+(\.| punto )\w{2,}", folded):
        return text
    # "riccardo bianco tutto attaccato chiocciola …": the words before it are one
    folded = re.sub(r"([\w.+-]+(?: [\w.+-]+)*) tutto (?:attaccato|unito|insieme)\b",
                    lambda m: m.group(1).split()[-2] + m.group(1).split()[-1] if len(m.group(1).split()) >= 2
                    else m.group(1), folded)
    spoken = re.sub(r"\s*\b(chiocciola|at)\b\s*|\s*@\s*", "@", folded)
    spoken = re.sub(r"\s*\bpunto\b\s*", ".", spoken)
    spoken = re.sub(r"\s*\b(trattino basso|underscore)\b\s*", "_", spoken)
    spoken = re.sub(r"\s*\b(trattino|meno)\b\s*", "-", spoken)
    match = re.search(r"[\w.+-]+@[\w.-]+\.\w{2,}", spoken)
    return match.group(0) if match else text


def _email(text: str) -> Checked:
    text = _spoken_email(text)
    words = text.split()
    # "@elena.sanna su instagram, la mail è elena.sanna@example.it": an address over a handle
    at = next((n for n, word in enumerate(words) if re.search(r"[^@\s]@[^@\s]+\.\w{2,}", word)),
              next((n for n, word in enumerate(words) if "@" in word), None))
    # "la mia email è mario@rossi.it", "Mario <mario@rossi.it>", "per lo yoga uso yoga@luce.it": the
    # address inside the sentence; but in "mario rossi@rossi.it" the space is a mistake, and
    # "rossi@rossi.it" would be someone else
    if at is not None and (at == 0 or at >= 2 or words[at].startswith("<") or words[at - 1][-1] in ":,;!.…"
                           or re.split(r"['’]", words[at - 1].lower())[-1] in _EMAIL_INTRO):  # "l'indirizzo"
        text = words[at]
    address = text.strip(".,;:!?()[]<>«»\"'")
    local, _, domain = address.rpartition("@")
    if local and not local.isascii():
        # deliverable only with SMTPUTF8, which most mailboxes (and many senders) do not support
        return Checked(None, "email_unicode")
    suggestion = _email_typo(local, domain.lower())
    if suggestion:
        return Checked(None, "email_typo", suggestion)
    try:
        valid = validate_email(address, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return Checked(None, "email_invalid")
    return Checked(valid.normalized)


def _email_typo(local: str, domain: str) -> Optional[str]:
    """The address the user most likely meant when the domain is a misspelt common provider."""
    name, dot, tld = domain.partition(".")
    provider = _PROVIDER_TYPOS.get(name, name)
    if not local or provider not in _PROVIDERS:
        return None
    if not dot:  # "mario@gmail"
        tld = _PROVIDERS[provider]
    tld = _TLD_TYPOS.get(tld, tld)
    meant = f"{provider}.{tld}"
    return f"{local}@{meant}" if meant != domain else None


# --- phone -----------------------------------------------------------------------------------------

_DIGIT_WORDS = {"zero": "0", "uno": "1", "una": "1", "due": "2", "tre": "3", "quattro": "4", "cinque": "5",
                "sei": "6", "sette": "7", "otto": "8", "nove": "9", "più": "+", "piu": "+"}


def _phone(text: str, region: str) -> Checked:
    spoken = fold(text).replace(",", " ").split()
    if sum(w in _DIGIT_WORDS for w in spoken) >= 6:  # "tre tre cinque, uno due tre, …"
        text = "".join(_DIGIT_WORDS.get(w, w if w.isdigit() else " ") for w in spoken)
    # the matcher finds a valid number inside a sentence ("il mio numero è 333 1234567, grazie")
    for match in phonenumbers.PhoneNumberMatcher(text, region):
        return Checked(phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164))
    digits = re.sub(r"[^\d+]", "", text)
    if len(re.sub(r"\D", "", digits)) < 3:
        return Checked(None, "phone_invalid")
    try:
        number = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException as error:
        too_long = error.error_type == phonenumbers.NumberParseException.TOO_LONG
        return Checked(None, "phone_too_long" if too_long else "phone_invalid")
    length = phonenumbers.is_possible_number_with_reason(number)
    if digits.startswith("+") and not digits.startswith("+39") \
            and length == phonenumbers.ValidationResult.IS_POSSIBLE:
        # abroad, a number of the right length is kept even when its range is unknown to the
        # library's metadata (new ranges, reserved ones): the consultant will dial it
        return Checked(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    problem = {phonenumbers.ValidationResult.TOO_SHORT: "phone_too_short",
               phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "phone_too_short",
               phonenumbers.ValidationResult.TOO_LONG: "phone_too_long"}.get(length, "phone_invalid")
    return Checked(None, problem)


# --- call time -------------------------------------------------------------------------------------

# Each bucket's words (folded). A bucket is recognised where its words appear, unless negated.
_CALL_WORDS = {
    "indifferente": r"indifferente|quando (vuoi|volete|capita|preferisci|preferite)|sempre|qualsiasi|"
                    r"qualunque|a ogni ora|(in )?ogni momento|non importa|fa lo stesso|tutto il giorno|"
                    r"come capita|capita capita|non ho orari\w*|nessun orario|senza orari\w*|"
                    r"non fa differenza|nessuna differenza|anytime|any time|whenever|"
                    r"va bene tutto|come (vuoi|volete)|(e|fa|per me e) uguale|uguale|non ho preferenz\w*|"
                    r"nessuna preferenza|senza preferenz\w*|(quando|come) (vi|ti) (pare|fa comodo|e comodo|torna comodo|conviene)|"
                    r"a (vostra|tua) scelta|decidete voi|decidi tu|fate voi|fai tu|fate vobis|vedete voi|vedi tu|"
                    r"come vi (viene|capita)|orari? liber\w*|liber[oa] tutto il giorno",
    "pausa_pranzo": r"pausa pranzo|lunch( break)?|(a )?meta giornata|mentre (mangio|pranzo)|(ora|orario) di pranzo|a pranzo|per pranzo|verso pranzo|mezzogiorno|prima di pranzo|"
                    r"tra l'una e le due|fra l'una e le due|verso l'una|all'una|in pausa|(durante|nella) (la )?pausa|"
                    r"(ora|orario) de pranzo",
    "mattina": r"mattin\w*|morning|matin\w*|al mattino|di mattino|domattina|stamattina|appena apro|all'apertura|"
               r"antimeridian\w*|prima di mezzogiorno",
    "pomeriggio": r"pomerig\w*|afternoon|pomeridian\w*|dopo pranzo",
    "sera": r"ser(a|ata|ale)|evening|stasera|dopo cena|dopo il lavoro",
}
_CALL_BUCKET = re.compile("|".join(f"(?P<{bucket}>\\b(?:{words})\\b)"
                                   for bucket, words in _CALL_WORDS.items()))
# "alle 10", "dopo le 18", "verso le 15:30", "ore 9", "18.30", "dalle 14 alle 16"
_HOUR = re.compile(r"\b(?:(?P<before>prima)\s+)?(?:le|alle|dalle|delle|ore|verso le|l')\s*"
                   r"(?P<hour>\d{1,2})(?:[:.]\d{2})?\b|\b(?P<clock>\d{1,2})[:.]\d{2}\b")
# answers that are only the bucket's name: stored as the bucket, without the user's words
_FILLER = {"la", "il", "di", "in", "al", "a", "meglio", "preferibilmente", "va", "bene", "e", "ok", "anche"}


def _hour_bucket(hour: int) -> Optional[str]:
    if 1 <= hour <= 7:  # "alle 3": nobody asks for a 3 am call
        hour += 12
    for bucket, start, end in (("mattina", 8, 12), ("pausa_pranzo", 12, 14), ("pomeriggio", 14, 18),
                               ("sera", 18, 24)):
        if start <= hour < end:
            return bucket
    return None


_HOUR_WORDS = {"una": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7, "otto": 8,
               "nove": 9, "dieci": 10, "undici": 11, "dodici": 12, "tredici": 13, "quattordici": 14,
               "quindici": 15, "sedici": 16, "diciassette": 17, "diciotto": 18, "diciannove": 19, "venti": 20}


def _near_call_word(word: str) -> str:
    """A word one letter from a part of the day, as that part: the phone's autocorrect writes
    "Martina" for "mattina"."""
    return comuni.typo_of(word, _DAY_PARTS, cutoff=0.85, shortest=6) or word


_DAY_PARTS = ("mattina", "mattino", "mattinata", "pomeriggio", "serata", "pranzo")


def _call_time(text: str) -> Checked:
    folded = italian(fold(text))  # "la sira tardu", "quannu vuliti"
    folded = " ".join(_near_call_word(w) for w in folded.split())
    # "prima delle dieci", "verso le cinque": the hour in words, as digits
    folded = re.sub(r"\b(le|alle|dalle|delle|ore|l')\s*(" + "|".join(_HOUR_WORDS) + r")\b",
                    lambda m: f"{m.group(1)} {_HOUR_WORDS[m.group(2)]}", folded)
    if not any(c.isalnum() for c in folded):
        return Checked(None, "unclear")
    if len(text) > 100:
        return Checked(None, "too_long")
    # "di mattina no, di sera no... pomeriggio!": a time of day refused is not the time
    named = [m.lastgroup for m in _CALL_BUCKET.finditer(folded)
             if not re.search(r"\bnon (la |il |di |in )?$", folded[:m.start()])
             and not re.match(r"\W*(no|mai|meglio di no|assolutamente no|proprio no)\b", folded[m.end():])]
    # "sempre la mattina": a time of day says more than "whenever"
    bucket = next((b for b in named if b != "indifferente"), named[0] if named else None)
    hour = _HOUR.search(folded)
    span = re.search(r"\b(\d{1,2})\s*-\s*(\d{1,2})\b", folded)  # "fascia 14-17"
    if span and not hour and bucket in (None, "indifferente") and int(span.group(1)) < int(span.group(2)) <= 24:
        bucket = _hour_bucket(int(span.group(1))) or bucket
    if hour and bucket in (None, "indifferente"):
        value = int(hour.group("hour") or hour.group("clock"))
        bucket = _hour_bucket(value - 1 if hour.group("before") else value) or bucket
    if bucket is None:  # "quando finisco le udienze": the salesperson reads the words
        return Checked(text)
    essential = " ".join(w for w in folded.split() if w not in _FILLER)
    plain = folded == bucket or re.fullmatch(f"(?:{_CALL_WORDS[bucket]})", essential)
    return Checked(bucket if plain else f"{bucket} ({text})")
