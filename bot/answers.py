"""Reading an Italian chat answer against the question that was asked.

The question asked is the strongest evidence of what a message means: "certo, rispondiamo a tutti"
after "sei pronto a rispondere ai messaggi?" is a yes whatever the intent classifier thinks, and
"mio figlio" after "chi se ne occuperebbe?" is the team. These readers decide first; the
classifier's intent decides only what they cannot: an explicit command ("aiuto", "ricominciamo",
"cancella i miei dati") or a real question.

Pure functions of the text (and of data/dialect.yml, the regional forms they read as Italian): no
Rasa; tested in tests/bot/test_answers.py.
"""
from __future__ import annotations

import difflib
import functools
import re
from typing import Dict, Iterable, List, Optional, Tuple

import yaml

from bot import comuni, paths
from bot.vocabulary import fold

DIALECT_FILE = paths.DATA / "dialect.yml"

YES, NO, HEDGE = "yes", "no", "hedge"


@functools.lru_cache(maxsize=4096)  # each reader of a turn asks for the same message's words
def words(text: str) -> str:
    """The folded text with punctuation as spaces, dialect forms in Italian: "Sì, certo!" -> "si
    certo", "nzù, nenti" -> "no niente"."""
    # the regional forms first, while their apostrophes are there ("i' stesso", "c'ho"), then again
    # on the words apart
    return italian(" ".join(re.sub(r"[^\w'+@.-]+|(?<!\w)[.'-]|[.'-](?!\w)", " ", italian(fold(text or ""))).split()))


@functools.lru_cache(maxsize=1)
def _dialect() -> Tuple[Dict[str, str], Optional[re.Pattern]]:
    raw = yaml.safe_load(DIALECT_FILE.read_text(encoding="utf-8")) or {}
    forms = {fold(k): v for k, v in (raw.get("regional_forms") or {}).items()}
    keys = sorted(forms, key=len, reverse=True)
    return forms, re.compile(r"(?<![\w'])(" + "|".join(re.escape(k) for k in keys) + r")(?![\w'])") if keys else None


def italian(folded: str) -> str:
    """A folded text with the regional forms and chat shorthand of data/dialect.yml as Italian words
    ("sugnu sulu" -> "sono solo", "nn so" -> "non so") and stretched words as written once
    ("siamo in quattrooo" -> "quattro"); punctuation and other words untouched."""
    folded = unstretched(folded)
    forms, pattern = _dialect()
    return pattern.sub(lambda m: forms[m.group(1)], folded) if pattern and folded else folded


# Italian never writes a letter three times: "nooo", "tuttte", "quattrooo" are stretched for emphasis.
_STRETCHED = re.compile(r"([a-z])\1{2,}")
# A doubled last vowel is stretched only where the single one makes a word the readers know ("settee",
# "ioo"); "idee", "zii", "zoo" are words as they are.
_STRETCHED_END = re.compile(r"(?<![\w'])([a-z]+?)([aeiou])\2(?![\w'])")


def unstretched(folded: str) -> str:
    folded = _STRETCHED.sub(lambda m: m.group(1) * (1 if m.group(1) in "aeiou" else 2), folded)
    return _STRETCHED_END.sub(lambda m: m.group(1) + m.group(2)
                              if (m.group(1) + m.group(2)) in _SHORT_WORDS else m.group(0), folded)


def _rx(*alternatives: str) -> re.Pattern:
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?![\w])")


# --- what is written around the answer ----------------------------------------------------------------

# Pictographs carry no value a reader stores ("Lido Aurora 🏖️", "📧 marco@…", "dappertutto 🌍"), and a
# numbered list inside one message ("1) io 2) la mia socia") is a list of items, not of numbers.
_PICTOGRAPHS = re.compile("[\u2190-\u21ff\u2300-\u23ff\u2460-\u24ff\u25a0-\u27bf\u2900-\u297f"
                          "\u2b00-\u2bff\u3030\u303d\u3297\u3299\ufe0e\ufe0f\u200d\u20e3"
                          "\U0001f000-\U0001faff\U000e0020-\U000e007f]")
# A numbered list counts from 1 and goes on ("1) io 2) la mia socia"): "(tipo alle 23)" is no list.
_NUMBERED = re.compile(r"(?:(?<=\s)|^)\d{1,2}[)\]](?=\s)")
_BULLET = re.compile(r"[•▪●◦‣]|(?:(?<=\n)|^)-(?=\s)")


# A gesture sent alone is an answer in chat ("👍" to a yes/no question, "🌙" to "when shall we call?"):
# the word it stands for, by what is asked. Skin tones, genders and variation selectors are left out.
_GESTURE_MODIFIERS = re.compile("[\ufe0e\ufe0f\u200d\u2640\u2642\U0001f3fb-\U0001f3ff\s]")
_GESTURE_YES = frozenset("👍👌✅✔☑🆗🤝🙌💯")
_GESTURE_NO = frozenset("👎🙅❌✖🚫⛔📵")
_GESTURES_BY_QUESTION = {
    "team": {"🙋": "io"},
    "channels_used": {"📵": "nessuno", "🚫": "nessuno", "❌": "nessuno"},
    "contact_call_time": {"🌙": "sera", "🌃": "sera", "☀": "mattina", "🌞": "mattina", "🌅": "mattina"},
}


def gesture(text: str, question: Optional[str]) -> Optional[str]:
    """The word a message of one gesture alone stands for at this question, or None."""
    bare = _GESTURE_MODIFIERS.sub("", text or "")
    if not bare or len(set(bare)) != 1:  # one sign, maybe repeated ("👍👍")
        return None
    sign = bare[0]
    by_question = _GESTURES_BY_QUESTION.get(question or "", {})
    if sign in by_question:
        return by_question[sign]
    return "sì" if sign in _GESTURE_YES else "no" if sign in _GESTURE_NO else None


def plain(text: str) -> str:
    """The text with pictographs as spaces and list markers ("1)", "•") as commas, of the same length,
    so that the classifier's entity offsets still point at the same words."""
    if not text or text.startswith("/"):
        return text
    text = _BULLET.sub(",", _PICTOGRAPHS.sub(" ", text))
    numbers = [m.group(0)[:-1] for m in _NUMBERED.finditer(text)]
    if numbers[:2] == ["1", "2"]:
        text = _NUMBERED.sub(lambda m: "," + " " * (len(m.group(0)) - 1), text)
    return text


# --- a person correcting themselves ------------------------------------------------------------------

# "tre ore a setimana *settimana", "luca@exmaple.com\n*example.com": a word after an asterisk, at the
# end, sets right the word of the message it is closest to (the chat habit of correcting a typo)
_STARRED = re.compile(r"(?:(?<=\s)|^)\*(?P<word>[^\W_][\w.'@-]*)\s*$")
_TOKEN = re.compile(r"[^\W_][\w.'-]*")


def starred_correction(text: str) -> Optional[Tuple[str, int]]:
    """The text with its starred correction made, and where it first differs from the text; None
    when there is no such correction or no word close enough to it."""
    star = _STARRED.search(text or "")
    if not star or not text[:star.start()].strip():
        return None
    word, before = star.group("word"), text[:star.start()].rstrip()
    ratio = lambda m: difflib.SequenceMatcher(None, m.group(0).lower(), word.lower()).ratio()
    best = max(_TOKEN.finditer(before), key=lambda m: (ratio(m), m.start()), default=None)
    if best is None or ratio(best) < 0.6 or best.group(0) == word:
        return None
    return before[:best.start()] + word + before[best.end():], best.start()


# "pomeriggio, anzi no, meglio la mattina", "no, cioè sì", "eventi, volevo dire ristorazione": what comes
# after the last of these is what the person means. Plain "cioè" explains rather than corrects ("tutta
# Italia, cioè soprattutto il nord"), so it counts only before a yes or a no.
_SELF_CORRECTION = re.compile(
    r"(?<!\w)(anzi(?:,? (?:meglio|no))?|(?:cio[eè],? )?volevo dire|intendevo(?: dire)?|mi correggo|correggo|rettifico|"
    r"(?:no,? )?aspett[ao](?:,? meglio)?|(?:no,? )?scus(?:a|ate|i),? (?:ho sbagliato|volevo dire|correggo)|ho sbagliato|"
    r"cio[eè](?=,? (?:s[iì]|no)(?!\w)))(?!\w)[\s,:;.!-]*", re.IGNORECASE)


def _after_last(marker: re.Pattern, text: str) -> Optional[Tuple[re.Match, str]]:
    """The last marker in the text and what follows it (stripped), when something comes before the
    first marker; else None."""
    markers = list(marker.finditer(text or ""))
    if not markers or not re.search(r"\w", text[:markers[0].start()]):
        return None
    return markers[-1], text[markers[-1].end():].strip()


def after_correction(text: str, yes_no: bool = False) -> Optional[str]:
    """The part of the message after the person corrected themselves within it, or None when they did
    not. A marker with nothing before it ("scusa, volevo dire Torino") corrects an earlier answer, not
    this one: None. "anzi no" at the very end means no; asked a yes or a no (`yes_no`), so does "anzi
    no" before a detail ("sì... anzi no, solo il logo" -> "no, solo il logo")."""
    found = _after_last(_SELF_CORRECTION, text)
    if found is None:
        return None
    last, tail = found
    if re.search(r"\bno\W*$", last.group(0), re.IGNORECASE) and (yes_no or not re.search(r"\w", tail)):
        return f"no, {tail}" if re.search(r"\w", tail) else "no"  # "sì, anzi no"
    return tail if re.search(r"\w", tail) else None


# "o aziende o privati… diciamo privati", "o io o un'agenzia, direi io": two options, then the one chosen
_TWO_OPTIONS = re.compile(r"(?:^|\W)(?:o|oppure)\s+\w.{0,60}\b(?:o|oppure)\s+\w", re.IGNORECASE | re.DOTALL)
_CHOSEN = re.compile(r"\b(?:diciamo|direi|scelgo|scegliamo|vada per|alla fine|meglio)\s+(?=\w)", re.IGNORECASE)


def chosen_option(text: str) -> Optional[str]:
    """After two options offered ("o X o Y"), the one said last as the choice; None otherwise."""
    if not _TWO_OPTIONS.search(text or ""):
        return None
    # the first choice said after the options: what follows it may go on ("diciamo startup, facciamo software")
    choice = _CHOSEN.search(text, _TWO_OPTIONS.search(text).end() - 1)
    if not choice:
        return None
    tail = text[choice.end():].strip(" .,;!…")
    return tail or None


def before_correction(text: str) -> str:
    """What the message said before the person corrected themselves ("privati" in "privati... anzi no,
    anche aziende")."""
    first = _SELF_CORRECTION.search(text or "")
    return text[:first.start()].strip(" ,.;:!-…") if first else text


# "anche aziende", "pure all'estero": a correction that adds to what came before it
ADDS_TO = re.compile(r"^\W*(no\W+)?(anche|pure|e anche|oltre a)\b", re.IGNORECASE)


# "non è che la mattina non vada bene, ma il pomeriggio è meglio": granted first, then the answer
_CONCESSION = re.compile(r"^\W*non (?:e|è|e')\s*che\b(?P<granted>.*?)(?:,\s*|\s+)(?:ma|pero|però)\b\W*(?P<answer>.+)$",
                         re.IGNORECASE | re.DOTALL)


def after_concession(text: str) -> Optional[str]:
    """The answer after a concession ("non è che …, ma il pomeriggio è meglio" -> "il pomeriggio è
    meglio"), or None when the message makes none. For a question of one value only: a double
    negative grants the first part ("non è che non lavoriamo con le aziende, ma…": with them too)."""
    match = _CONCESSION.match(text or "")
    return match.group("answer").strip() if match else None


def granted(text: str) -> Optional[str]:
    """The message with its double negative said plainly ("non è che non voglia vendere online, ma
    soprattutto…" -> "voglia vendere online, ma soprattutto…"), or None without one."""
    opening = re.match(r"^\W*non (?:e|è|e')\s*che\s+", text or "", re.IGNORECASE)
    rest = text[opening.end():] if opening else ""
    negation = re.search(r"(?<!\w)non\s+", rest)
    if not negation or len(rest[:negation.start()].split()) > 3:
        return None
    return rest[:negation.start()] + rest[negation.end():]


# "L'anno scorso avevamo un'agenzia e non è andata bene, quindi adesso faccio io": a story, then the
# answer it leads to. Read first for questions of one value only: in a list ("farmi conoscere, quindi
# più contatti") what comes before counts too.
_CONCLUSION = re.compile(r"(?<!\w)(quindi|per cui|perci[oò]|per questo|insomma|in conclusione|morale|alla fine|"
                         r"in fin dei conti|tutto sommato|ecco perch[eé])(?!\w)[\s,:;.!-]*", re.IGNORECASE)


def conclusion(text: str) -> Optional[str]:
    """The part of the message after its last "quindi", "insomma", "alla fine"…, when something comes
    before it; else None."""
    found = _after_last(_CONCLUSION, text)
    return found[1] if found and re.search(r"\w", found[1]) else None


# "l'anno scorso spendevamo 50 € al mese su Facebook, ora no": a past told first, then what holds now
_PAST = re.compile(r"\b(l'anno scorso|l'anno passato|in passato|una volta|anni fa|mesi fa|prima|fino a poco fa|"
                   r"\w{3,}(avamo|evamo|ivamo|avano|evano|ivano)|avevo|facevo|usavo|spendevo|passavo|pagavo|"
                   r"lavoravo|dedicavo|vendevo|ero|eravamo|c'era|c'erano)\b", re.IGNORECASE)
_NOW = re.compile(r"(?:[,;.]|\b(?:ma|per[oò]|e|mentre))\s*(?:(?:ma|per[oò]|invece)\s+)?"
                  r"(ora|adesso|oggi|attualmente|ormai|da quest'anno|quest'anno|oggi come oggi)\b"
                  r"(?!\s*(?:come|come ora)\b)",
                  re.IGNORECASE)


# "sarebbe bello dedicarci 10 ore, ma realisticamente 3": a wish, then what will be
_WISH = re.compile(r"\b(sarebbe|sarebbero|se potess\w+|se avess\w+|mi piacerebbe|ci piacerebbe|idealmente|"
                   r"in un mondo ideale|vorrei|vorremmo)\b", re.IGNORECASE)
_FACT = re.compile(r"(?:[,;.]|\b(?:ma|per[oò]))\s*(?:(?:ma|per[oò])\s+)?(realisticamente|in realt[aà]|in pratica|"
                   r"di fatto|concretamente|per ora|per adesso|al momento|onestamente|sinceramente|"
                   r"a dire il vero|in verit[aà])\b", re.IGNORECASE)


def as_of_now(text: str) -> Optional[str]:
    """What holds now, after a past told first ("l'anno scorso ci passavo 8 ore, ora al massimo 4" ->
    "al massimo 4") or after a wish ("sarebbe bello 10 ore, ma realisticamente 3" -> "3"), or None
    when the message tells neither before a "now"."""
    for turn, before in ((_FACT, _WISH), (_NOW, _PAST)):
        for marker in turn.finditer(text or ""):
            rest = text[marker.end():].strip(" ,;:.")
            if before.search(text[:marker.start()]) and re.search(r"\w", rest):
                said = fold(text[marker.start(1):]).strip()
                return said if _NOT_NOW.match(said) else rest  # "per ora no" keeps its "per ora"
    return None


_QUESTION_WORDS = {"cosa", "che", "chi", "come", "quanto", "quanta", "quanti", "quante", "quale", "quali", "dove",
                   "quando"}
_ASKING_WHY = re.compile(r"\b(serve|servono|perche|significa|vuol dire|intendi|intende|senso|scusa|capito)\b")
_ECHO_FILLER = {"per", "con", "una", "uno", "del", "della", "dei", "che", "non", "gli", "le", "la", "il", "lo"}


def after_echo(text: str, question: str) -> Optional[str]:
    """The answer after the question asked, repeated first ("quante persone? sette", "cosa faccio?
    taglio capelli e barba"), or None when the message does not open by echoing it. The echo is a
    few words before a question mark sharing a word with the question (by its first five letters)."""
    head, mark, tail = (text or "").partition("?")
    words_ = re.findall(r"[a-z]+", fold(head))
    if not mark or not re.search(r"\w", tail) or not words_ or len(words_) > 6 or _ASKING_WHY.search(fold(head)):
        return None
    asked_words = re.findall(r"[a-z]+", fold(question or ""))
    asked = {w[:5] for w in asked_words if len(w) >= 4 and w not in _QUESTION_WORDS}
    shared = any(w[:5] in asked for w in words_ if len(w) >= 4 and w not in _ECHO_FILLER | _QUESTION_WORDS)
    # "cosa faccio?", "quante persone?": a question word of the question, and a word or two
    short = len(words_) <= 3 and words_[0] in _QUESTION_WORDS and words_[0] in asked_words
    return tail.strip(" .,:;!-") if shared or short else None


def after_question(text: str) -> str:
    """What follows the last question mark ("ma devo proprio? Va be', Autofficina Cattaneo" ->
    "Va be', Autofficina Cattaneo"), stripped; "" when there is none or nothing follows it."""
    return text.rsplit("?", 1)[1].strip() if "?" in (text or "") else ""


# --- yes, no, or "it depends" -----------------------------------------------------------------------

# When, not whether: "sì, ma non la domenica" is a yes with a time to respect.
_WHEN = (r"prima|dopo|durante|alle|oltre|di (mattina|sera|notte|domenica|sabato)|la (mattina|sera|domenica)|"
         r"il (weekend|sabato|fine settimana)|nel (weekend|fine settimana)")

# Uncertainty wins over a yes or a no in the same answer: "sì, ma non sempre" must be asked again.
_HEDGE = _rx(r"dipende", r"dipendera", r"forse", r"magari", r"se avess\w+", r"se potess\w+",
             r"(credo|penso) di si", r"non sempre", r"a volte", r"qualche volta",
             r"ogni tanto", r"non so", r"non lo so", r"non saprei", r"boh+", r"mah+", r"bah",
             r"vediamo", r"vedremo", r"vedro", r"ci penso(?! (nemmeno|neanche|proprio|io))", r"ci devo pensare", r"devo pensarci",
             r"ci penseremo", r"ci pensero", r"chissa", r"in teoria", r"piu o meno", r"cosi cosi",
             r"si e no", r"ni", r"insomma", r"non sono sicur\w", r"non ne sono sicur\w", r"non (lo )?escludo",
             r"spero", r"speriamo", r"difficile", r"se (si )?puo", r"se (posso|possiamo|riesco|riusciamo|ce la faccio)",
             r"se possibile", r"(tempo|budget|soldi) permettendo", r"con (molta |tanta |un po'? di )?(cautela|prudenza)", r"(posso|possiamo|devo|dobbiamo) imparare", r"un po'?\s*$",
             r"si,? (\w+'? ){1,5}(meno|un po'? meno|di meno|poco)\s*$",  # "ai commenti sì, ai messaggi meno"
             r"solo (il|la|lo|i|le|gli|l') ?\w+,? (ma )?(il|la|lo|i|le|gli|l') ?\w+ no",  # "solo il nome, la faccia no"
             r"dovrei", r"dovremmo", r"potrei", r"potremmo", r"probabilmente",
             r"in parte", r"fino a un certo punto", r"entro certi limiti", r"se serve", r"se capita",
             r"quando (posso|possiamo|riesco|riusciamo|capita|ho tempo)", r"non ci (ho|abbiamo) (mai |ancora )?pensato",
             r"teoricamente", r"in linea (di massima|teorica|di principio)", r"sulla carta", r"solo se",
             r"da valutare", r"valuteremo", r"valuto", r"non ancora deciso", r"indecis\w", r"50 e 50",
             r"a seconda", r"tendenzialmente", r"ci prov\w*", r"proviamoci", r"posso provarci", r"diciamo di si", r"non tanto", r"un po'? si,? (e )?un po'? no",
             r"(si|certo|ok|va bene)\b.{0,40}\bma non\b(?! (troppo presto|troppo tardi|subito|immediatamente|a caldo|di getto|"
             + _WHEN + r"|(\w+ ){0,2}(spam|pubblicita|newsletter)))", r"non con regolarita", r"non proprio",
             # a condition or something to do first: "sì, se ne vale la pena", "devo leggere prima"
             r"se (ne vale|vale|serve davvero|conviene|funziona|rende|ce la faccio|riesco|posso|non sono|"
             r"non siamo|non ho|non abbiamo)\b", r"(prima )?devo (prima )?(leggere|capire|vedere|"
             r"sentire|chiedere|parlarne|valutare|informarmi|rifletterci|decidere)", r"prima (voglio|vorrei) "
             r"(leggere|capire|vedere|sapere)", r"non (lo )?(garantisco|garantiamo|prometto|posso garantire)",
             r"non (te |ve |glie)?(lo )?(posso |possiamo )?(garantire|promettere|garantirl\w*|prometterl\w*)", r"ci (devo|dobbiamo) (ancora )?riflettere",
             r"non molto", r"poco poco", r"un po'? si", r"abbastanza",
             # not decided yet, or someone to hear first: "sto valutando", "previa consultazione del legale"
             r"sto (ancora )?(valutando|pensando|decidendo|riflettendo)", r"valutando",
             r"(nessuna|alcuna) decisione", r"non (e|sono) stat\w (ancora )?(pres\w|assunt\w)",
             r"non (ho|abbiamo) (ancora )?deciso", r"ho un (attimo|momento)", r"(mi|ci|si) riserv\w*",
             r"previ[ao]", r"ne (devo )?parl\w+ con", r"prima (ne )?(parlo|sento|chiedo|consulto)",
             r"dopo aver\w* (sentito|consultato|parlato|letto|chiesto)",
             # someone else must agree first: "sì, però lo deve autorizzare il presidente"
             r"(deve|devono|dovrebbe|dovrebbero) (prima |ancora |solo |pure |anche )?(autorizzar\w*|approvar\w*|dare l'ok|"
             r"dar\w* il via libera|decider\w*|firmar\w*|confermar\w*)",
             # one part yes, another no: "nome sì, faccia no", "telefonate no, incontri sì"
             r"(?!(si|no|ma|che|e|ok|certo|io|di)\b)\w+ si,? (?!(no|non)\b)(\w+ ){0,2}no\s*$",
             r"(?!(si|no|ma|che|e|ok|certo|io|di)\b)\w+ no,? (\w+ ){0,2}si\s*$",
             r"il resto (dell'anno|del tempo|della settimana|dei giorni) si", r"tranne (durante|in|a|nei|nel|la|il)\b(?! (domenica|sabato|weekend|fine settimana|festivi|feste|ferie|notte|"
             r"agosto|giorno di chiusura)\b)",
             # one of us yes, the other less: "il mio socio sì, io meno"
             r"si,? (ma |mentre |invece )?(io|lui|lei|noi|loro|l'altr\w) (un po'? |molto )?(no|meno|poco|mica)",
             r"(io|lui|lei) (un po'? )?meno", r"non tutt[ie]",
             # someone else's yes, not the speaker's: "mio marito dice di sì, io non sono convinta"
             r"(dice|dicono|direbbe|direbbero|vorrebbe|vorrebbero) (di )?si\b.*\b(io|noi) (non|no|meno|mica)\b")
# A "no" phrased with a negation that means yes.
_NEGATED_YES = _rx(r"non vedo l'ora", r"non (c'e|ci sono) problem\w*", r"nessun problema",
                   r"non ho problem\w*", r"non abbiamo problem\w*", r"non mi (spaventa|spaventano|pesa|"
                   r"pesano|dispiace|fa paura|fanno paura|crea problemi)", r"perche no", r"come no",
                   r"non chiedo di meglio", r"non aspetto altro", r"non (potrei|potremmo) fare altrimenti",
                   r"non ci nascondiamo", r"non mi nascondo", r"non mi tiro indietro",
                   r"non ci tiriamo indietro", r"senza (problemi|paura|dubbio|dubbi)", r"non manca",
                   r"com[eu]m?m?e? no", r"comu no", r"non vedo (alcun|nessun|il) problem\w*",
                   r"(non (ho|abbiamo) )?(nulla|niente) da nascondere", r"(nulla|niente) (lo |la )?sostituisce",
                   r"non (c'e|esiste) (niente|nulla) di meglio", r"non chiedo altro", r"non chiediamo altro",
                   r"no problem\w*", r"(nulla|niente) in contrario")
_YES = _rx(r"si+", r"s", r"sii+", r"certo", r"certamente", r"certissimo", r"ma certo", r"assolutamente(?! no)",
           r"ovvio", r"ovviamente", r"esatto", r"esattamente", r"va bene?", r"va benissimo", r"d'accordo",
           r"daccordo", r"ok", r"okay", r"okk?", r"volentieri", r"sicuro", r"sicuramente", r"senz'altro",
           r"senzaltro", r"ci mancherebbe", r"eccome", r"affermativo", r"yes", r"yep", r"giusto",
           r"confermo", r"direi di si", r"penso di si", r"credo di si", r"decisamente", r"ci sto",
           r"contaci", r"contateci", r"per forza", r"naturalmente", r"of course", r"sempre",
           r"gia lo facciamo", r"lo facciamo gia", r"lo faccio gia", r"gia lo faccio", r"acconsento",
           r"accetto", r"autorizzo", r"do il consenso", r"do il mio consenso", r"procedi", r"procediamo",
           r"fatelo", r"fallo", r"ci puoi contare", r"ci potete contare", r"con piacere", r"altroche",
           r"altro che", r"di sicuro", r"eccerto", r"sine", r"ja", r"jawohl", r"eja", r"certu", r"oui",
           r"sisi", r"si si", r"ok+e[iy]+", r"okey", r"sissignor\w*", r"ya",
           # the formal consent: "si presta il consenso", "la scrivente autorizza", "consento"
           r"consent(o|iamo)", r"autorizz(a|ano|iamo)", r"(prest|rilasc|conferisc|esprim|dat)\w* (il )?(proprio |mio |nostro )?consenso",
           r"(tenete|conservate|salvate)(lo|li|la|le)?", r"fate pure", r"fai pure", r"ben venga", r"benvenga",
           r"sarebbe (il|un) sogno", r"(si )?puo fare", r"lo (fa|fanno) gia",
           r"(e )?(proprio |esattamente )?quello che (voglio|vogliamo|cerco|cerchiamo|serve)",
           r"(e )?(il|l') (mio|nostro) obiettivo", r"lo (faccio|facciamo) (gia|sempre|volentieri)",
           r"e il (mio|nostro) lavoro", r"fa parte del (mio|nostro) lavoro", r"ovvio che si",
           r"(il mio|il nostro) auspicio", r"(e )?(proprio )?(il motivo|la ragione) per cui", r"me lo auspico", r"ce lo auspichiamo", r"auspicabil\w*",
           r"sarebbe (bello|bellissimo|il massimo|l'ideale|ideale|ottimo|perfetto|fantastico)(?!.*\b(ma|pero)\b)", r"ci tengo", r"ci teniamo",
           r"sarei (ben |molto )?(lieto|lieta|felice|content[oa])", r"saremmo (ben |molto )?(lieti|liete|felici|contenti)",
           r"mi farebbe (molto )?piacere", r"ci farebbe (molto )?piacere")
_NO = _rx(r"no+", r"nope", r"nah", r"mai", r"per niente", r"per nulla", r"niente", r"nulla", r"mica",
          r"manco", r"neanche", r"nemmeno", r"neppure", r"macche", r"assolutamente no", r"mica tanto", r"per carita",
          r"prefer\w+ (\w+ ){0,3}in privato",  # not in public
          r"neanche per (sogno|idea)", r"scordatelo", r"meglio di no", r"preferisco di no",
          r"preferirei di no", r"direi di no", r"penso di no", r"credo di no", r"non credo",
          r"negativo", r"lascia(mo|r)? (stare|perdere)", r"nisba", r"giammai", r"gnente", r"niet", r"none",
          r"manco morto", r"manco per idea", r"lasci(amo)? (stare|perdere)", r"zero",
          r"nessun\w*", r"non mi va", r"non me la sento", r"non ce la sento", r"non fa per me",
          r"non fa per noi", r"evit\w+", r"rifiuto", r"non acconsento", r"non accetto", r"nego",
          r"non (voglio|vogliamo|vorrei|vorremmo|posso|possiamo|intendo)", r"meglio evitare",
          r"lasciamo perdere", r"passo", r"no grazie", r"non grazie", r"grazie no", r"anonim\w*",
          r"dietro le quinte", r"preferisco (restare|rimanere|stare|evitare)", r"preferirei (restare|rimanere|evitare)",
          r"ignor\w+", r"lascio perdere", r"lasciamo correre", r"lascio correre", r"non rispondo",
          r"non rispondiamo", r"cancell\w+ (i commenti|le critiche)", r"nein", r"nossignor\w*", r"ma quale",
          r"(li|le|lo|la) (blocco|blocchiamo|cancello|cancelliamo|elimino|eliminiamo|banno)",
          r"neg(a|ano|ato|ata|hiamo)", r"rifiut(a|ano|iamo|ato|ata)", r"nada", r"col cavolo", r"(e )?chi ce li ha",
          r"meglio (restare|rimanere|stare) (solo )?online", r"impossibile",
          r"non (credo|penso) (sia|che sia) (opportuno|il caso|adatto)")
# Words that say yes only when the answer begins with them: "bene", "perfetto!" are a yes, but
# "devo leggere bene prima" is not, nor "sempre che…" in a longer sentence.
_WEAK_YES = re.compile(r"^(bene|benissimo|perfetto|vai|chiaro|chiaramente|tranquill[oaie]|tranquillamente|"
                       r"anzi|consenso|ecco)\b")
# Dialect forms of the negation: "nun tengo 'o tiempo" is "non ho tempo".
_DIALECT_NOT = re.compile(r"(?<!\w)(nun|nen|nn)(?!\w)")  # and the chat's "nn"
# A plain negation in a statement: "non rispondiamo ai commenti", "i volti non li mostriamo".
_NEGATION = _rx(r"non", r"ne \w+ ne", r"senza")  # "né … né"; the folded "ne" alone is the pronoun ("se ne occupa")
_STARTS_WITH_YES = re.compile(r"^(si+|s|ok+e[iy]+|okey|sissignor\w*|ya|certo|certamente|assolutamente|ovvio|ovviamente|esatto|ok|okay|va ben|"
                              r"va bene|d'accordo|sicuro|sicuramente|volentieri|eccome|yes|giusto|"
                              r"ma certo|ci mancherebbe|perche no|come no|sempre|sine|eccerto|eja|certu|ja|"
                              r"jawohl|oui|sisi|acconsento|consento|autorizzo)\b")
_STARTS_WITH_NO = re.compile(r"^(no+|nope|mai|macche|assolutamente no|per niente|per nulla|"
                             r"neanche per sogno|manco per sogno|niente|nessun\w*|nein|nossignor\w*|"
                             r"ma quale|ma che|nisba|giammai|gnente|niet)\b")
# The impersonal "si" before its verb ("di cosa si tratta", "se si può") is not a yes.
_IMPERSONAL_VERBS = (r"tratt|puo|fa|fann|ved|dic|sa|dev|capisc|parl|us|trov|chiam|pag|poss|potr|dovr|lavor|"
                     r"guadagn|perd|rischi|intend|legg|scriv|"
                     # the bureaucratic register: "si nega il consenso", "si comunica", "si preferisce"
                     r"neg|preg|comunic|indic|precis|prefer|dichiar|specific|segnal|inform|rappresent|chied|"
                     r"richied|riten|oper|provved|valut|preved|rest|riman|riserv|present|allega|trasmett|"
                     r"rifiut|attest|evidenz|sottolin|ribad|desider|propon|proced|conced|manifest|ringrazi")
# "nome sì, faccia no"; "si può fare" is a yes; "se si può" is a condition, read as a doubt
_IMPERSONAL_SI = re.compile(r"(?<=\w )(?<!\bse )si (?!facc|puo fare)(" + _IMPERSONAL_VERBS + r")\w*")
# At the start, an unaccented "Si" before such a verb is impersonal too: "Si nega il consenso".
_IMPERSONAL_START = re.compile(r"^si (" + _IMPERSONAL_VERBS + r")\w*")
# A condition first: "se è educata sì", "se vedo risultati sì".
# One part yes, another no: the question asked is answered both ways, so it is asked again.
_ARTICLE = r"(a|ai|alle|agli|al|allo|le|la|il|i|gli|lo|l'|per|su|sui|sulle|coi|con)\s?"
# ("gli allenatori sì, i ragazzi minorenni ovviamente no": an exception that goes without saying is a yes)
_SPLIT_ANSWER = re.compile(rf"^{_ARTICLE}[\w' ]{{1,30}}? si,? (ma )?{_ARTICLE}(?![\w' ]*\b(ovviamente|naturalmente|chiaramente)\b)"
                           r"[\w' ]{1,30}? (no|mai|preferirei di no|meglio di no|non)\b")
# "per ora no, magari più avanti": a no today; later is another conversation
_FOR_NOW = r"(per ora|per adesso|adesso|ora|al momento|per il momento|oggi come oggi)"
_NOT_NOW = re.compile(_FOR_NOW + r" no\b")
# "al momento niente", "per ora zero": nothing, for now (a whole clause)
_NOTHING_NOW = re.compile(_FOR_NOW + r" (no|niente|nulla|zero)")
# ("se proprio devo, sì", "se serve, sì": reluctant, not a condition)
_CONDITION_FIRST = re.compile(r"^(solo )?se (?!(proprio )?(devo|dobbiamo|serve|bisogna|tocca|e necessario|c'e bisogno)\b)"
                              r"(\w+ ){1,6}(si|certo|ok|va bene)\b")


def yes_no(text: str) -> Optional[str]:
    """YES, NO or HEDGE for an answer to a yes/no question, or None when it says neither.

    A sentence that starts with an answer and adds detail is that answer ("sì, rispondiamo sempre,
    anche su WhatsApp"); a hedge anywhere makes it uncertain ("sì, ma non sempre", "dipende");
    a statement with a plain negation is a no ("le critiche non le gestisco").
    """
    t = " ".join(_IMPERSONAL_SI.sub(" ", _DIALECT_NOT.sub("non", words(text))).split())
    if re.match(r"\s*si\s+\w", (text or "").lower()) and _IMPERSONAL_START.match(t):
        t = t[3:]  # "Si nega il consenso" is not "Sì, …": no accent and no comma after it
    if not t:
        return None
    if re.fullmatch(r"(non so|non lo so|non saprei|boh+|mah+|bo)", t):
        return HEDGE
    # "ehm... sì", "allora, no": a hesitation before the answer; "mah, per ora no": a doubt settled as no
    # ("uffa... vabbè sì", "guardi, sì": a sigh or a courtesy before it)
    opener = re.match(r"(ehm+|eh+|uhm+|mmm+|allora|dunque|cioe|beh+|bah|mah+|boh+|uffa+|vabbe|vabbuo|"
                      r"guard[ai]|sent[ai]|ecco)\s+(?=\w)", t)
    if opener and (not opener.group(1).startswith(("mah", "boh")) or _NOT_NOW.match(t[opener.end():])
                   or re.match(r"no\b", t[opener.end():])):
        rest = yes_no(text.split(None, 1)[1]) if len(text.split()) > 1 else None
        # "ecco fatto", "vabbè": a courtesy or a sigh whose rest says nothing is read whole below
        if rest is not None or not opener.group(1).startswith(("ecco", "guard", "sent", "vabb", "uff")):
            return rest
    # "se è giusta sì, se è un troll no": the answer depends on the case
    if re.match(r"(solo )?se\b.*\b(si|no)\b.*\bse\b.*\b(si|no)\b", t):
        return HEDGE
    if _CONDITION_FIRST.match(t):
        return HEDGE
    # "magari… al momento niente": a wish, then the verdict for now in the last clause
    if _NOT_NOW.match(t) or _NOTHING_NOW.fullmatch(words(re.split(r"[,;.…!]+", text.strip(" .!…"))[-1])):
        return NO
    if re.match(r"(solo )?se\b(?! (ne|la|lo|li|le|l)\b)", t) and not re.search(r"\b(si|no|certo|certamente)\b", t):
        return HEDGE  # "se qualcuno del team ha tempo": a condition, and no answer ("se ne occupa" is no "if")
    concession = _CONCESSION.match(text or "")
    if concession and re.search(r"\bnon\b", fold(concession.group("granted"))):
        # "non è che non voglia, ma in stagione non ho un minuto": willing, and not able; unless the
        # answer after it is plain ("non è che non mi fidi, ma per ora no")
        verdict = words(concession.group("answer"))
        plain_answer = _STARTS_WITH_YES.match(verdict) or _STARTS_WITH_NO.match(verdict) or _NOT_NOW.match(verdict)
        return yes_no(concession.group("answer")) if plain_answer else HEDGE
    if ":" in (text or "") and not (_STARTS_WITH_YES.match(t) or _STARTS_WITH_NO.match(t)):
        after = text.rsplit(":", 1)[1]
        if _STARTS_WITH_YES.match(words(after)) or _STARTS_WITH_NO.match(words(after)):
            return yes_no(after)  # "col tempo ho imparato: sì, rispondo e chiedo scusa"
    if re.search(r"\b(non mi piace|non mi va|non amo|odio|non mi entusiasma|non mi fa impazzire|non ci tengo)\b.*\b(ma|pero)\b(?!.*\bnon\b)"
                 r"(.*\b(lo|la|li|le|ci) (faccio|facciamo|faro|faremo|metto|mettiamo)\b|.*\bmi adeguo\b)", t):
        return YES  # "nn mi piace apparire, ma per il laboratorio lo faccio": disliked, and done
    if re.search(r"\bin pubblico (no|mai|non)\b", t):
        return NO  # "in privato sì, in pubblico no": asked about answering in public
    if _SPLIT_ANSWER.match(t) and not re.search(r"\bsi,? anche se\b", t):  # "…sì, anche se…" grants, not splits
        return HEDGE  # "ai messaggi sì, ai commenti pubblici no", "le mani sì, la faccia preferirei di no"
    if "?" in (text or "") and not (_STARTS_WITH_YES.match(t) or _STARTS_WITH_NO.match(t) or _NEGATED_YES.search(t)):
        after = after_question(text)
        if words(after):  # "pubblicità? manco morto": the question echoed, then the answer
            return yes_no(after)
        return None  # a question back ("mi dite prima di cosa si tratta?")
    if re.search(r"\b(pero|ma|comunque|alla fine|in fin dei conti|tutto sommato) (si|certo|no)$", t) and "?" not in text:
        # "mah, con calma è difficile, però sì": the doubt first, then the verdict
        return YES if t.endswith(("si", "certo")) else NO
    if re.fullmatch(r"(ma )?magari\s*!+.*", fold(text).strip()):
        return YES  # "magari!": a wish, not a doubt
    starts_yes = bool(_STARTS_WITH_YES.match(t))
    if starts_yes and re.search(r"\bmagari (con|per|anche|a|ai|alle|in|di)\b|\b(e|che|dove) magari\b", t) \
            and not _HEDGE.search(re.sub(r"\bmagari\b", " ", t)):
        # "sì, magari con negozi e B&B", "sì, … clienti che mi ordinano e magari vengono in laboratorio":
        # a yes, and a detail of how
        return YES
    if re.match(r"(certo|certamente|sicuramente|assolutamente|ovviamente|proprio) (che )?no\b", t):
        return NO  # "certo che no": the yes word makes the no stronger
    if _ENOUGH_ALREADY.search(t) and not starts_yes:
        return NO  # "i contatti veri ce li ho già anche troppi": no need of more
    if starts_yes and re.search(r"\b(ma|pero) (se|su certe|in certi|non su tutto)\b", t):
        return HEDGE  # "sì, ma se è gente che parla a vanvera…": a yes with an exception left open
    # "ai messaggi sì, anche se…": a yes said of one part of the question, before anything else
    yes_of_a_part = bool(re.match(r"(a|ai|alle|agli|al|sui|sulle|con i|con le) \w+ (si|certo),? anche se\b", t))
    # "sì, anche se a volte ci vuole pazienza", "sì, se serve": a yes, granted something; "sì, ci
    # proviamo tutti i giorni", "sì, abbastanza consistente": a yes, and how much
    hedged = re.sub(r"\banche se\b.*$|\b(se|quando) (serve|capita|c'e bisogno|necessario)\b|"
                    r"\bci prov\w* (tutti i giorni|ogni giorno|sempre|seriamente|davvero|con impegno|con costanza)\b|"
                    r"\babbastanza (consistente|buono|grande|alto|ampio|importante|spesso)\b", " ", t) \
        if starts_yes or yes_of_a_part else t
    hedge = bool(_HEDGE.search(hedged))
    negated_yes = bool(_NEGATED_YES.search(t))
    if _STARTS_WITH_NO.match(t) and not negated_yes and not re.match(r"^no( no)*,? (anzi|scherzo)", t):
        if re.match(r"^no\b.*\b(ma|pero)\b", t) and _YES.search(t.split(" ", 1)[1]) and hedge:
            return HEDGE
        return HEDGE if hedge and not re.match(r"^(no+|mai|macche|per niente|per nulla)\s*$", t) \
            and _HEDGE.search(t).group(0) not in ("non so", "non lo so") else NO
    if hedge and not re.fullmatch(r"(sicuramente|assolutamente|decisamente|certo) (si|no)", t):
        return HEDGE
    if negated_yes or starts_yes or _WEAK_YES.match(t):
        return YES
    # "io al telefono non ci sto: no": a yes word negated is a no
    # ("certo che no", "assolutamente no": the yes word only makes the no stronger)
    said = list(_YES.finditer(t))
    negated = [m for m in said if re.search(r"\b(non|mica|manco)\s+(\w+\s+)?$", t[:m.start()])
               or re.match(r"\s+(che )?(no|non)\b", t[m.end():])]
    yeses = [m for m in said if m not in negated]
    has_yes, has_no = bool(yeses), bool(_NO.search(t) or negated)
    if has_no and not has_yes:
        return NO
    if has_yes and not has_no:
        return NO if _NEGATION.search(t) and not re.search(r"\bsi\b", t) else YES
    if has_yes and has_no:
        first_yes = yeses[0].start()
        first_no = min([m.start() for m in negated] + [m.start() for m in _NO.finditer(t)][:1])
        return YES if first_yes < first_no else NO
    if _NEGATION.search(t):
        return NO
    return None


_ENOUGH_ALREADY = re.compile(r"\bgia (anche |fin |pure )?(abbastanza|troppi|troppe|troppo|a sufficienza|a bizzeffe)\b")


def clear_yes(text: str) -> bool:
    """A yes with nothing against it: no negation left in the sentence unless it is one that means
    yes ("nessun problema"). A consent is only ever this (bot/leads/capture.py)."""
    if yes_no(text) != YES:
        return False
    t = _NOT_THEN.sub(" ", _DIALECT_NOT.sub("non", words(text)))  # "sì, ma non troppo presto": when, not whether
    return not (_NEGATION.search(t) or _NO.search(t)) or bool(_NEGATED_YES.search(t))


# "sì, ma non troppo presto": when, not whether; "sì ma chiamate mio padre, non me": whom, not whether;
# "sì però non mandatemi spam": a request beside the consent, not against it
_NOT_THEN = re.compile(r"\bnon (troppo )?(presto|tardi|" + _WHEN + r")\b|\bnon (a )?me$|"
                       r"\b(non|niente|no|nessun\w*|zero)\b( \w+){0,2} (spam|pubblicita|newsletter|catene)\b")


def starts_with_answer(text: str) -> bool:
    """Whether a message opens with a clear yes or no ("sì grazie, mi serve una mano"): an answer to
    a yes/no question, whatever command words follow."""
    t = _DIALECT_NOT.sub("non", words(text))
    return bool(_STARTS_WITH_YES.match(t) or _STARTS_WITH_NO.match(t))


def statement_yes_no(text: str, topic: Iterable[str]) -> Optional[str]:
    """A yes/no question answered by a statement about its topic, without "sì" or "no": "io e mio
    figlio ci mettiamo la faccia" (yes), "alle critiche non rispondo" (no). `topic` are word stems
    of the question ("faccia", "mostr", ...)."""
    t = words(text)
    if not any(re.search(r"(?<!\w)" + re.escape(stem), t) for stem in topic):
        return None
    if _HEDGE.search(t):
        return HEDGE
    return NO if _NEGATION.search(t) and not _NEGATED_YES.search(t) else YES


# --- numbers in words -------------------------------------------------------------------------------

UNITS = {"zero": 0, "un": 1, "uno": 1, "una": 1, "due": 2, "du": 2, "tre": 3, "quattro": 4, "cinque": 5,
         "sei": 6, "sette": 7, "otto": 8, "nove": 9, "dieci": 10, "undici": 11, "dodici": 12,
         "tredici": 13, "quattordici": 14, "quindici": 15, "sedici": 16, "diciassette": 17,
         "diciotto": 18, "diciannove": 19, "venti": 20, "ventuno": 21, "ventidue": 22, "venticinque": 25,
         "trenta": 30, "trentacinque": 35, "quaranta": 40, "quarantacinque": 45, "cinquanta": 50,
         "sessanta": 60, "settanta": 70, "ottanta": 80, "novanta": 90, "cento": 100,
         "duecento": 200, "trecento": 300, "quattrocento": 400, "cinquecento": 500, "mille": 1000}
_TENS = {"venti": 20, "trenta": 30, "quaranta": 40, "cinquanta": 50, "sessanta": 60, "settanta": 70,
         "ottanta": 80, "novanta": 90}
_UNITS_AFTER_TENS = {"uno": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7, "otto": 8,
                     "nove": 9}
for _ten, _ten_value in _TENS.items():  # "ventidue", "trentacinque", "ventotto" (the vowel drops)
    for _unit, _unit_value in _UNITS_AFTER_TENS.items():
        _word = (_ten[:-1] if _unit[0] in "uo" else _ten) + _unit
        UNITS.setdefault(_word, _ten_value + _unit_value)
# Words a stretched last vowel is taken back to ("settee ore", "ioo"): numbers and the short answers.
_SHORT_WORDS = set(UNITS) | {"io", "noi", "si", "no", "mai", "tutte", "tutti", "tutto", "ciao", "ok", "bene", "vero",
                              "niente", "nulla", "sempre", "certo", "forse", "boh", "grazie", "sera", "mattina"}
# "una decina", "un paio": approximate quantities.
APPROXIMATE = {"paio": 2, "coppia": 2, "cinquina": 5, "decina": 10, "dozzina": 12, "quindicina": 15, "ventina": 20,
               "trentina": 30, "quarantina": 40, "cinquantina": 50, "sessantina": 60, "centinaio": 100,
               "centinaia": 300, "migliaio": 1000, "qualche": 3, "poche": 2, "pochissime": 1,
               "alcune": 3, "diverse": 5, "parecchie": 8, "tante": 10, "molte": 10}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?|[a-z]+")


def numbers(text: str) -> List[float]:
    """The numbers of a text, written with digits or in words, in order: "tre o quattro" -> [3, 4],
    "una decina" -> [10], "un'ora e mezza" -> [1.5]."""
    t = fold(text).replace("'", " ")
    t = re.sub(r"\b(un|una)\s+(ora|oretta)\s+e\s+mezz[ao]\b", "1.5", t)
    t = re.sub(r"\b(\d+|[a-z]+)\s+(ore|ora)\s+e\s+mezz[ao]\b",
               lambda m: f"{_value(m.group(1)) + 0.5:g}" if _value(m.group(1)) is not None else m.group(0), t)
    t = re.sub(r"\bmezz[ao]?\s*(ora|oretta)\b|\bmezzora\b", "0.5", t)
    t = re.sub(r"\btre quarti d?\s*(ora|oretta)\b", "0.75", t)
    t = re.sub(r"\bun quarto d?\s*(ora|oretta)\b", "0.25", t)
    out: List[float] = []
    tokens = _NUMBER.findall(t)
    for n, token in enumerate(tokens):
        value = _value(token)
        if value is None:
            continue
        if token in ("un", "una", "uno"):
            following = tokens[n + 1] if n + 1 < len(tokens) else ""
            if following in APPROXIMATE or re.fullmatch(r"\d+(?:[.,]\d+)?", following):
                continue  # "una decina", "una mezz'oretta" (0.5): the article of a number
            if following not in ("ora", "oretta", "ore", "giorno", "giornata", "mattina", "pomeriggio",
                                 "sera", "serata", "volta", "persona", "o", "e", "oppure") \
                    and _value(following) is None and len(tokens) > 2:
                continue  # "un sito", "una persona in più": an article, not a number
        out.append(value)
    return out


def _value(token: str) -> Optional[float]:
    if re.fullmatch(r"\d+(?:[.,]\d+)?", token):
        return float(token.replace(",", "."))
    if token in APPROXIMATE:
        return float(APPROXIMATE[token])
    whole = word_number(token)
    return float(whole) if whole is not None else None


_COMPOUND = re.compile(r"(?:(?P<thousands>mille|(?P<k>[a-z]+?)mila))?(?:(?P<hundreds>(?P<h>[a-z]+?)?cento?))?"
                       r"(?P<rest>[a-z]*)")


def word_number(token: str) -> Optional[int]:
    """A whole number written as one Italian word: "tre", "ventotto", "centocinquanta", "duemilatrecento"."""
    if token in UNITS:
        return UNITS[token]
    match = _COMPOUND.fullmatch(token)
    if not match or not (match.group("thousands") or match.group("hundreds")) \
            or ((match.group("hundreds") or "").endswith("cent") and not match.group("rest")):
        return None
    value = 0
    if match.group("thousands"):
        times = UNITS.get(match.group("k")) if match.group("k") else 1
        if times is None or not 1 <= times <= 999:
            return None
        value += times * 1000
    if match.group("hundreds"):
        times = UNITS.get(match.group("h")) if match.group("h") else 1
        if times is None or not 1 <= times <= 9:
            return None
        value += times * 100
    rest = match.group("rest")
    if rest and rest not in UNITS and match.group("hundreds") and "o" + rest in UNITS:
        rest = "o" + rest  # "centottanta": the o of "cento" dropped before "ottanta"
    if rest:
        if UNITS.get(rest) is None or not 1 <= UNITS[rest] <= 99:
            return None
        value += UNITS[rest]
    return value


# --- who does the work -------------------------------------------------------------------------------

# Outside people paid for the work; then the people of the business; then the user alone.
_TEAM_OUTSIDE = _rx(r"agenzi\w*", r"web agency", r"estern[oia]", r"freelance\w*", r"consulent\w*",
                    r"professionista", r"un professionista", r"studio di comunicazione", r"da fuori",
                    r"esternalizz\w*", r"affid\w*", r"pagher\w*", r"paghiamo", r"incaric\w*",
                    r"social media manager", r"smm", r"uno bravo", r"qualcuno di bravo",
                    r"un ragazzo che (lo )?fa di mestiere", r"outsourc\w*", r"virtual assistant", r"che pag(o|hiamo)", r"(dar|daremmo|diamo|do|darei|"
                    r"mandar|passar)\w* fuori", r"all'esterno", r"fuori (casa|azienda)",
                    r"(una|la|na|n'|un'|un) ?(societa|ditta|azienda|impresa) (che|di|specializzat\w*)",
                    r"(lo|uno|allo|a uno) studio (che|grafico|web|di grafica|di comunicazione|di marketing)",
                    # paid: "a qualcuno fuori, pagando", "un'amica grafica, la pago a lavoro"
                    r"pagand\w*", r"qualcuno (di )?fuori", r"(la|lo|li|le) pag(o|hiamo|herei|heremmo)",
                    r"(ci|mi|che) (fa|fanno|manda|mandano|emette|emettono) (la |le |regolare )?fattur\w*",
                    r"fattur\w* a parte", r"a pagamento",
                    # "un amico grafico, gli do qualcosa ogni mese": paid, so from outside
                    r"(gli|le) (do|diamo|darei|daremmo|passo|passiamo) (qualcosa|qualche soldo|un compenso|un fisso|\d+|"
                    r"dei soldi|un tot)")
_TEAM_INSIDE = _rx(r"io e (?!chi\b|basta\b|nessun)\w+", r"noi", r"insieme", r"a turno", r"tutti", r"tutte", r"ce ne occupiamo",
                   r"lo facciamo", r"team", r"squadra", r"staff", r"ufficio", r"reparto", r"gruppo",
                   r"collaborat\w+", r"dipendent\w+", r"impiegat\w+", r"assistent\w*", r"segretari\w",
                   r"stagist\w", r"tirocinant\w", r"praticant\w", r"apprendist\w", r"soci[oa]?", r"socie", r"colleg\w+",
                   r"figli\w*", r"moglie", r"marito", r"compagn[oa]", r"fidanzat[oa]", r"padre", r"madre",
                   r"papa", r"mamma", r"fratell\w+", r"sorell\w+", r"cugin\w", r"nipot\w", r"cognat\w",
                   r"zi[oa]", r"genero", r"nuora", r"volontar\w+", r"fij\w+", r"fiol\w*", r"istruttor\w+", r"animator\w+", r"venditor\w+",
                   r"batterist\w+", r"chitarrist\w+", r"bassist\w+", r"cantant\w+",
                   r"(mie|miei|nostre|nostri) (ragazz\w+|collaborator\w+|allievi|soci\w*)", r"marketing manager", r"community manager",
                   r"responsabile( marketing| comunicazione)?", r"addett\w", r"commess\w",
                   r"ragazz\w (del|della|che lavora|in)", r"(i|le|dei|delle|due|tre|miei|mie) ragazz\w", r"un ragazzo", r"una ragazza", r"la titolare",
                   r"il titolare", r"titolari", r"famiglia", r"parenti", r"amministrazione",
                   r"consiglio direttivo", r"direttiv\w", r"redazione", r"maestr\w", r"insegnant\w",
                   r"docent\w", r"dottorand\w", r"ricercator\w", r"persone", r"dipende da noi",
                   r"receptionist", r"portier\w", r"concierge", r"centralinist\w", r"camerier\w", r"barist\w",
                   r"allenator\w", r"presidente", r"vicepresident\w", r"personale", r"parroco", r"sacrestan\w",
                   r"catechist\w", r"don [a-z]+", r"suor[ae]? [a-z]+", r"diacon\w", r"parrocchian\w",
                   # a role of the place: "l'allenatore dei pulcini", "la coordinatrice del centro"
                   r"(il|la|l'|lo) \w+(tore|trice|ista|iere|iera) (del|della|dei|delle|dell'|degli|dello) \w+",
                   # anyone of our own place: "la receptionist dell'hotel", "il ragazzo del negozio"
                   r"\w+ (\w+ )?(dell'|del |della |dello |in )(hotel|albergo|negozio|studio|ditta|azienda|ristorante|ufficio|"
                   r"agriturismo|associazione|parrocchia|comune|bottega|laboratorio|cantina|b&b|officina|farmacia|palestra|"
                   r"scuola|club|cooperativa|fattoria)", r"in stage", r"tirocin\w+")
_TEAM_SELF = _rx(r"io", r"me", r"io stess[oa]", r"da sol[oa]", r"personalmente", r"in prima persona",
                 r"lavoro in proprio", r"chi altri", r"e chi se no", r"chi senno",
                 r"me ne occupo", r"ci penso io", r"lo faccio io", r"faccio io", r"sottoscritt[oa]",
                 r"solo io", r"io e basta", r"mi arrangio", r"mi occupo io", r"di persona")


def team(text: str) -> Optional[str]:
    """da_solo, team or agenzia for "chi se ne occuperebbe?", or None."""
    t = words(text)
    if not t:
        return None
    if re.match(r"^(solo )?(io|me)( stess[oa])? e (basta|nessun altro|nessuno|solo io)\b", t):
        return "da_solo"  # "io e basta": nobody else
    alone = re.match(r"^(io|me)( stess[oa])?\b(?! e )(?P<rest>.*)$", t)
    if alone and re.search(r"\b(non|manco|negat\w*|ho provato|abbiamo provato|solo (le|i|per)|mi fa solo)\b",
                           alone.group("rest")):
        return "da_solo"  # "io, mio marito col computer è negato": a person named and left out
    titles = re.match(r"^\W*(io|me|il sottoscritto|la sottoscritta|sempre io|solo io)\s*[:(]\s*(?P<rest>.*)$", fold(text))
    if titles and not re.search(r"\b(e|con|insieme|aiut\w*|mi da|ci da|paghiamo|pago)\b\s+(un|una|il|la|mio|mia|"
                                r"l'|un'|i miei|le mie|altri|altre)\b", titles.group("rest")):
        return "da_solo"  # "il sottoscritto: capo, magazziniere e social media manager": all of them me
    outside = _TEAM_OUTSIDE.search(t)
    if outside and re.search(r"(?<!nessuno )(?<!nessuno di )(?<!niente di )(?<!non )\b(intern[oai]|in casa|dipendent\w|"
                             r"assunt[oa]|personale|ufficio|staff)\b", t):
        return "team"  # "una social media manager interna", "affidata al personale dell'ufficio"
    if outside and not re.search(r"\b(non|niente|nessun\w*|senza)\s+(\w+\s+)?" + re.escape(outside.group(0)), t):
        return "agenzia"
    if re.search(r"(?<!non )(?<!non lo faccio )\b(da sol[oa]|l'unic[oa]|sono sol[oa]|cioe io|nessun altro)\b", t):
        return "da_solo"  # "il presidente dell'associazione, cioè io, da solo"
    # "l'estetista che lavora con me", "la farmacista più giovane, la dottoressa Piras": someone of the
    # business, by their role
    # "lo fa Giorgio, il ragazzo del banco": someone named by first name, not me
    if re.match(r"\W*(lo|la|li) (fa|farebbe|fanno|segue|seguirebbe|gestisce|gestirebbe)\s+[A-ZÀ-Ý][a-zà-ÿ]+\b|"
                r"\W*(se ne occupa|se ne occuperebbe|ci pensa|ci penserebbe)\s+[A-ZÀ-Ý][a-zà-ÿ]+\b", text or "") \
            and not re.search(r"\b(cioe|ovvero|sarei|sono) io\b", t):
        return "team"
    if re.search(r"\bche (lavora|lavorano|sta|stanno|e|sono) (\w+ ){0,3}(con|per|da) (me|noi)\b", t) \
            or re.match(r"(il|la|l'|lo|i|le|gli) ?((?!commercialist|consulent)\w{3,}(ista|isti|iste|trice|trici|tore|tori)|"
                        r"dottor\w*|dott|"
                        r"commess\w|banconier\w|cassier\w|magazzinier\w|cuoc\w|camerier\w)\b", t):
        return "team"
    inside = [m for m in _TEAM_INSIDE.finditer(t)
              if not re.search(r"\b(non ho|non abbiamo|niente|nessun\w*|senza)\s+(\w+\s+)?$", t[:m.start()])]
    if inside:  # "solo io, non ho dipendenti": the negated staff is nobody
        return "team"
    if _TEAM_SELF.search(t):
        return "da_solo"
    return None


# --- who the customers are ------------------------------------------------------------------------------

# Customers that are businesses or organisations, and customers that are people.
_BUSINESS_CUSTOMERS = _rx(r"b2b", r"b2g", r"enterprise", r"mid ?-?market", r"smb", r"corporate", r"aziend\w*", r"impres\w*", r"pmi", r"societa", r"ditte", r"negoz\w*",
                          r"ristorant\w*", r"alberg\w*", r"hotel", r"bar", r"supermercat\w*", r"grande distribuzione",
                          r"gdo", r"ingrosso", r"grossist\w*", r"rivendit\w*", r"distribut\w*", r"studi \w+", r"studio (professional|medic|legal|tecnic|dentistic)\w*",
                          r"professionist\w*", r"enti", r"comuni", r"scuole", r"pubblica amministrazione",
                          r"industri\w*", r"fabbric\w+", r"officin\w+", r"artigian\w*", r"farmaci\w+",
                          r"cantine", r"clinich\w+", r"condomin\w*", r"amministrator\w*", r"commercialist\w*",
                          r"partite iva", r"partita iva", r"uffic\w*", r"catene", r"franchising", r"business", r"clienti aziendali",
                          r"costruttor\w*", r"produttor\w*", r"rivenditor\w*", r"agenzie", r"associazioni")
_BUSINESS_CUSTOMERS_MORE = _rx(r"palestr\w*", r"botteg\w*", r"ditt\w+", r"marchi", r"brand", r"locali",
                               r"armator\w*", r"cantieri( navali)?", r"flott\w+", r"compagnie( \w+)?",
                               r"concessionar\w*", r"b&b", r"strutture", r"cooperative", r"terzist\w*",
                               r"feste aziendali", r"eventi aziendali", r"enoteche", r"erboristerie", r"ospedali",
                               r"asl", r"architett\w*", r"imprese edili", r"costruttori", r"installatori",
                               r"librerie", r"pub", r"importator\w*", r"location", r"wedding planner", r"hotel",
                               r"tour operator", r"agenzie di viaggio", r"catering", r"centri (?!storic)\w+", r"circoli",
                               # a shop or workshop by its trade: "a qualche falegnameria", "alle macellerie"
                               r"(?!materi|criteri)\w{3,}eri[ae]")
_PEOPLE_CUSTOMERS = _rx(r"b2c", r"d2c", r"dtc", r"direct to consumer", r"consumer\w*",
                        r"(?<!aziende )(?<!imprese )(?<!societa )(?<!strutture )(?<!scuole )privat\w*", r"consumator\w*", r"famigli\w*", r"persone", r"gente",
                        r"genitori", r"mamme", r"papa", r"bambin\w*", r"ragazz\w*", r"giovan\w*", r"turist\w*",
                        r"pazient\w*", r"clienti finali", r"cliente finale", r"cittadin\w*", r"sposi",
                        r"coppie", r"student\w*", r"anzian\w*", r"donne", r"uomini", r"appassionat\w*",
                        r"singol\w+ person\w*", r"al dettaglio", r"dettaglio", r"utenti", r"fedeli",
                        r"visitatori", r"ospiti", r"spettator\w*", r"lettori", r"atleti", r"sportivi",
                        r"proprietari di casa", r"chiunque", r"pubblico", r"proprietari di (animali|cani|gatti|auto\w*)",
                        r"padron\w* di (cani|gatti|animali)", r"signor[ei]", r"clienti privati", r"individui",
                        r"singol[ie] \w+", r"lettori", r"fan", r"tifosi", r"pazienti", r"abitanti", r"paesani",
                        r"compaesani", r"residenti", r"foresti", r"villeggianti", r"passanti", r"vicini",
                        # members: "ai soci del circolo", "agli iscritti", "a chi desidera iscriversi"
                        r"(ai|i|dei|nostri|ai nostri|per i) soci", r"iscritt\w*", r"tesserat\w*", r"associati",
                        r"membri", r"chi (desidera|vuole|cerca|ama|vuol|ha voglia|passa|viene)")
_BOTH = _rx(r"entramb\w*", r"ambedue", r"ambo i \w+", r"tutti e (due|2)", r"tutte e (due|2)", r"sia .{1,60} (sia|che)", r"un po' tutti",
            r"un po tutti", r"di tutto", r"misto", r"met[aà] e met[aà]", r"b2b e b2c", r"b2c e b2b",
            r"un po'? e un po'?", r"tutte e due le cose", r"l'uno e l'altro", r"gli uni e gli altri",
            r"mix", r"mista", r"50 e 50", r"50 50", r"fifty fifty")


# The customers' words a typo is taken back to ("priavti", "aizende", "imprsee").
_CUSTOMER_WORDS = ("privati", "aziende", "azienda", "imprese", "negozi", "rivenditori", "distributori", "artigiani",
                   "professionisti", "famiglie", "turisti", "consumatori", "importatori", "librerie", "ristoranti",
                   "alberghi", "entrambi", "persone", "studenti", "uffici", "architetti", "agenzie", "associazioni",
                   "scuole", "grossisti", "aziendali", "clienti", "pazienti")


def _customer_word(word: str) -> str:
    """A word within a typo of one of the customers' words, as that word; any other word as it is."""
    if _BUSINESS_CUSTOMERS.fullmatch(word) or _BUSINESS_CUSTOMERS_MORE.fullmatch(word) \
            or _PEOPLE_CUSTOMERS.fullmatch(word) or _BOTH.fullmatch(word):
        return word
    return comuni.typo_of(word, _CUSTOMER_WORDS, cutoff=0.85, shortest=6) or word


def _qualifies_business(t: str, people: "re.Match[str]") -> bool:
    """"cliniche private", "scuole private", "centri sportivi": the adjective of a business or place named
    just before, not private persons."""
    before = t[:people.start()].split()
    if not before:
        return False
    # "centri sportivi", "circoli sportivi": a place's adjective, whatever the word
    if before[-1] in ("centri", "centro", "circoli", "circolo", "impianti", "club", "strutture", "gruppi"):
        return True
    return people.group(0).startswith("privat") and bool(
        _BUSINESS_CUSTOMERS.fullmatch(before[-1]) or _BUSINESS_CUSTOMERS_MORE.fullmatch(before[-1]))


# Stems of the customers a negation may be said of ("mai privati", "ditte, mai consumatori").
_CUSTOMER_STEMS = r"privat|aziend|ditt|consumat|famigl|client|impres"


def segment(text: str) -> Optional[str]:
    """b2b, b2c or entrambi for "a chi vendi?", from who the customers are."""
    # "solo business, no consumer": a "no" after a comma is the negation of what follows ("privati no,
    # aziende sì" keeps its "no" for the privati)
    text = re.sub(r"([,;]\s*)no\s+(?=\w)", r"\1non ", text or "")
    t = re.sub(r"\b(?:b|bi) ?(?:to|2|tu) ?(b|c|bi|ci)\b", lambda m: "b2" + m.group(1)[0], words(text))  # "B to C", "bi tu bi"
    if not t:
        return None
    t = " ".join(_customer_word(w) for w in t.split())  # "priavti e aizende", typed in a hurry
    if _BOTH.search(t):
        return "entrambi"
    said = {m.group(0) for m in re.finditer(r"\bb2[bc]\b", t)}
    # "non ai privati", "no privati", "noi no vende al pubblico"; "non solo ai privati" negates nothing
    # (the words between are not customers of their own: in "mai privati, solo ditte" the "mai" is the privati's)
    negated = r"(\b(non|niente|mai|mica|manco|neanche|nemmeno|tranne|nessun[oa]?|nessun')|^no|\bnoi no)(?! solo| soltanto)" \
              rf"\s*((?!{_CUSTOMER_STEMS})\w+\s+){{0,2}}$"
    # "vendita diretta in negozio", "siamo una bottega": where one sells, or what one is, not the customer
    # ("a un ristorante" is a customer)
    own_place = r"(?<!\ba )(?<!\bad )(?<!\bper )\b(in|nel|nella|nello|nei|nelle|dal|dalla|dallo|un|una|uno|un'|mio|" \
                r"mia|nostro|nostra|nostri)\s*$"
    # "alle aziende ci pensa la sede": customers someone else serves
    elsewhere = r"^\s*(ci|ne) (pensa|pensano|si occupa|si occupano)\b"
    # "agli alberghi, che lo danno ai loro ospiti": the customers' customers are not the customers
    theirs = r"\b(loro|dei loro|ai loro|alle loro|per i loro|per le loro)\s*$"
    # "aziende no, privati sì"; not "ditte, mai privati", where the "mai" is for the customers after it
    refused = rf"^\s*(no\b|(mai|nemmeno|neanche)\b(?!\s+(\w+\s+)?({_CUSTOMER_STEMS}|negoz|pubblic)))"
    business = [m for m in [*_BUSINESS_CUSTOMERS.finditer(t), *_BUSINESS_CUSTOMERS_MORE.finditer(t)]
                if not re.search(negated, t[:m.start()]) and not re.search(own_place, t[:m.start()])
                and not re.match(refused, t[m.end():]) and not re.match(elsewhere, t[m.end():])]
    people = [m for m in _PEOPLE_CUSTOMERS.finditer(t)
              if not re.search(negated, t[:m.start()]) and not re.search(theirs, t[:m.start()])
              and not re.match(refused, t[m.end():]) and not _qualifies_business(t, m)
              and not re.match(elsewhere, t[m.end():])]
    if len(said) == 1:
        # "b2c ovviamente, siamo un negozio": the term of the trade says it all, unless customers of the
        # other kind are named beside it ("B2C, con qualche rivenditore")
        term = said.pop()
        others = [m for m in (people if term == "b2b" else business) if not re.fullmatch(r"b2[bc]", m.group(0))]
        return "entrambi" if others else term
    only = r"(?<!non )\b(solo|soltanto|esclusivamente|unicamente|solamente)\s+((a|ai|agli|alle|alla|al|per|con)\s+)?(i |le |gli )?$"
    if people and not any(re.search(only, t[:m.start()]) for m in business) \
            and any(re.search(only, t[:m.start()]) for m in people):
        return "b2c"  # "soltanto ai privati che entrano in bottega"
    if business and not any(re.search(only, t[:m.start()]) for m in people) \
            and any(re.search(only, t[:m.start()]) for m in business):
        return "b2b"
    if business and people:
        return "entrambi"
    if business:
        return "b2b"
    if people:
        return "b2c"
    return None


# --- advertising budget ------------------------------------------------------------------------------

_BUDGET_NONE = _rx(r"zero", r"niente", r"nulla", r"nessun\w*", r"non (ho|abbiamo|c'e|ce)", r"manco",
                   r"neanche", r"nemmeno", r"neppure", r"gratis", r"senza budget", r"no budget",
                   r"budget zero", r"solo organico", r"non spend\w*", r"non pagh\w*", r"non investiamo",
                   r"non investo", r"non (voglio|vogliamo) (spendere|pagare)", r"non ci sono soldi",
                   r"soldi non ce ne sono", r"per ora no")
_BUDGET_SOME = _rx(r"piccol\w*", r"poco", r"pochi", r"pochino", r"qualcosa", r"qualcosina", r"un po'?",
                   r"qualche", r"modest\w", r"limitat\w", r"ridott\w", r"minim\w", r"contenut\w",
                   r"qualche centinaio", r"centinaia", r"migliaia", r"euro", r"eur", r"€", r"k",
                   r"al mese", r"all'anno", r"l'anno", r"annu\w+", r"mensil\w+", r"sponsorizz\w*",
                   r"investiamo", r"investo", r"possiamo spendere", r"posso spendere", r"budget (c'e|ce)",
                   r"abbiamo un budget", r"ho un budget", r"stanziat\w", r"previst\w",
                   r"(lo|li|ce li|ce lo|ce ne|qualcosa) mett\w+", r"(vent|trent|quarant|cinquant|cent)in[oa]",
                   r"c'?e gia", r"gia (c'?e|previst\w|stanziat\w)", r"ads su \w+", r"campagne",
                   # money from elsewhere set aside for it: "un bando regionale, una parte va in comunicazione"
                   r"(una )?parte (va|andra|la mettiamo|lo mettiamo|e destinat\w*|sara destinat\w*) (in|nella|alla|per la|per) "
                   r"(comunicazione|pubblicita|promozione|marketing|social)", r"(vinto|ottenuto|preso) un bando")
# Small amounts: a yes to a budget ("sì, ma poco poco"), not the doubt they are in other answers.
_SMALL = re.compile(r"\b(proprio )?(poco poco|pochissim\w|poco|pochino|un po'?|non molto|non tanto)\b")


def budget(text: str) -> Optional[str]:
    """YES, NO or HEDGE for "hai un budget per la pubblicità online?", or None."""
    t = words(text)
    if not t:
        return None
    answer = yes_no(text)  # the text as written: "sì, facciamo già…" is a yes, "si fa" would not be
    if answer == HEDGE and _SMALL.search(t) and yes_no(_SMALL.sub(" ", t)) == YES:
        answer = YES  # "si ma poco poco": a small budget is a budget
    amounts = [n for n in numbers(t) if n > 0]
    if answer == HEDGE and (not amounts or re.match(r"^(forse|magari|boh|dipende|non so|vedremo|vediamo)\b", t)):
        return HEDGE  # "forse una cinquantina": an amount only perhaps
    if answer != NO and re.search(r"\b(devo|dobbiamo) (ancora )?(vedere|valutare|capire|decidere)\b|"
                                  r"\bda (vedere|valutare|decidere)\b|\bci (devo|dobbiamo) (ancora )?pensare\b", t):
        return HEDGE  # "una cinquantina, devo vedere": an amount not decided yet
    if _BUDGET_NONE.search(t) and not amounts and not re.match(r"^(si|certo)\b", t):
        return NO
    if answer == NO and not amounts:
        return NO
    if amounts or _BUDGET_SOME.search(t) or answer == YES:
        return YES
    return None


# --- typed button titles -------------------------------------------------------------------------------

@functools.lru_cache(maxsize=512)
def _title_keys(title: str) -> Tuple[str, ...]:
    """The ways a button's title can be typed: "Ad aziende (B2B)" -> "ad aziende b2b", "ad aziende",
    "b2b"."""
    whole = words(title)
    keys = [whole]
    outside = words(re.sub(r"\(.*?\)", " ", title))
    inside = re.findall(r"\((.*?)\)", title)
    if outside and outside != whole:
        keys.append(outside)
    keys += [words(i) for i in inside if words(i)]
    return tuple(keys)


def pressed_button(text: str, buttons: Iterable[dict]) -> Optional[dict]:
    """The button whose title the message repeats ("Azienda o PMI", "2-5 ore", "più di 10 ore"), or
    None. A typed title counts as pressing the button."""
    typed = words(text)
    if not typed:
        return None
    for button in buttons:
        if typed in _title_keys(str(button.get("title", ""))):
            return button
    return None


# --- commands and questions -------------------------------------------------------------------------

# An intent the classifier gives is taken as a command only when the message says it: a profession
# ("sono un agente di viaggio") is not sales mode, "un consulente esterno" answering "chi se ne
# occuperebbe?" is not a request to be called.
COMMAND_CUES = {
    "help": _rx(r"^(aiuto|help|sos|istruzioni|aiutami|aiutatemi)$", r"(mi )?(puoi|potresti|potete) aiutar\w*",
                r"ho bisogno di aiuto", r"serve aiuto", r"mi serve (una mano|aiuto)", r"istruzioni (per|su|d'uso)",
                r"come funziona", r"cosa (posso|devo) (fare|dire|scrivere)",
                r"che (posso|devo) (fare|dire|scrivere)", r"non (ho capito|capisco) (cosa|come|che)",
                r"come (si fa|faccio|procedo|funzion\w+)", r"sos", r"cosa sai fare", r"che sai fare",
                r"come si usa", r"a che serve", r"cosa fai\b.*\?"),
    "start_over": _rx(r"ricomin\w*", r"da capo", r"daccapo", r"reset\w*", r"restart", r"ripart\w*",
                      r"rifa\w* tutto", r"rifacciamo", r"ricominciare", r"azzer\w*", r"nuova intervista",
                      r"da zero", r"torna all'inizio", r"dall'inizio"),
    "erase_my_data": _rx(r"cancell\w*", r"elimin\w*", r"rimuov\w*", r"dimentica\w*", r"oblio", r"canc\w*",
                         r"distrugg\w*", r"togli\w* (i miei|tutti i) dati"),
    "show_my_data": _rx(r"(quali|che|cosa|quanti) (\w+ )?dati", r"i miei dati", r"dati (su|di) me",
                        r"cosa sapete", r"cosa sai di me", r"che sai di me", r"accesso ai (miei )?dati",
                        r"dati personali", r"cosa avete (salvato|registrato)", r"cosa hai (salvato|registrato)"),
    "request_human": _rx(r"(?<!aspettavo di )(?<!prima di )(?<!prima di )(parlare|parlo|sentire|sento) con", r"(voglio|vorrei|posso|potrei|fammi|mi fai|"
                         r"passami|mettimi|mi metti|potete|puoi) (\w+ ){0,3}(parlare|sentire|chiamare|"
                         r"contattare|richiamare|in contatto)", r"(chiamatemi|richiamatemi|contattatemi|"
                         r"ricontattatemi|chiamami|richiamami|contattami)", r"persona (vera|reale|umana|in carne)",
                         r"essere umano", r"operatore", r"un umano", r"assistenza umana"),
    "start_sales_mode": _rx(r"modalit\w* vendit\w*", r"sales mode", r"modo vendit\w*", r"codice",
                            r"modalita commerciale", r"/vendite", r"team vendite", r"per conto (di un|del) cliente"),
    "continue_on_telegram": _rx(r"telegram"),
}
# "qual", not "qual\w*": "qualcuno che ci dia una mano" is no question
QUESTION_WORDS = re.compile(r"^\s*(che|cosa|cos|come|qual|quale|quali|quant[oaie]|dove|perche|chi|quando|sai|sapete|"
                            r"conviene|vale la pena|ha senso|mi (dici|spieghi|consigli)|dimmi|parlami|"
                            r"spiegami|e se|ma (che|cosa|come|qual|quale|quali|quant[oaie]|dove|perche)|posso|potete|"
                            r"puoi|funziona|esiste|meglio)\b")


_REQUEST = re.compile(r"^\s*(mi (dici|spieghi|consigli|parli)|dimmi|parlami|spiegami|raccontami|che cos|cos'e|"
                      r"cosa (e|sono|significa|vuol dire)|sai dirmi|sapresti)\b")


def asks_plainly(text: str) -> bool:
    """A question even without its question mark: a request to be told something ("parlami di
    Instagram", "cos'è XING"). "chi ama le cose fatte a mano" starts with a question word and is not."""
    return "?" in (text or "") or bool(_REQUEST.search(fold(text or "")))


def asks(text: str) -> bool:
    """Whether the message asks something: a question mark or an opening question word."""
    return "?" in (text or "") or bool(QUESTION_WORDS.search(fold(text or "")))


def is_command(intent: Optional[str], text: str) -> bool:
    """Whether a message the classifier gave a command intent says that command. A button payload
    ("/help") always does."""
    if intent not in COMMAND_CUES:
        return False
    if (text or "").startswith("/"):
        return True
    t = words(text)
    if intent == "continue_on_telegram":  # "uso Telegram" names a channel; "continuiamo su Telegram" moves
        return bool(re.search(r"(continu|prosegu|pass|spost|link|sposti|andiamo|vado|riprend)\w*.*telegram"
                              r"|telegram.*(continu|link|prosegu)", t))
    return bool(COMMAND_CUES[intent].search(t))


_SOCIAL = re.compile(r"^(ciao|salve|buongiorno|buonasera|buon pomeriggio|hey|ehi|hola|hello|hi|grazie|"
                     r"grazie mille|molte grazie|ti ringrazio|arrivederci|a presto|alla prossima|buona giornata|"
                     r"buona serata|buonanotte|bye|addio|ci sentiamo|come stai|come va|tutto bene|"
                     r"sei un bot|sei un robot|sei umano|sei una persona|chi sei|ok grazie|perfetto grazie)"
                     r"( (a te|a voi|tante|mille|di tutto|bussola|allora|e tu|tu))*$")


def is_social(text: str) -> bool:
    """A message that is only a greeting, thanks, a leave-taking or small talk."""
    return bool(_SOCIAL.match(words(text)))


# --- describing oneself -------------------------------------------------------------------------------

_DESCRIBES = re.compile(
    r"\b(sono (un|una|un'|uno|il|la|l'|titolare|proprietari\w|socio|socia|freelance|libero|libera|"
    r"medico|avvocat\w|architett\w|ingegner\w|fotograf\w|commercialista|consulente|insegnante|artigian\w)"
    r"|siamo (un|una|un'|uno|l'|il|la|due|tre|quattro|cinque|una piccola|un piccolo|in)"
    r"|(ho|abbiamo|tengo|teniamo|gestisco|gestiamo|possiedo|apro|apriamo|ho aperto|abbiamo aperto|ho preso|mando avanti|porto avanti) (in mano )?(un|una|un'|uno|il|la|l'|"
    r"due|tre|\d+)"
    r"|(lavoro|lavoriamo|opero|operiamo) (come|in|nel|nella|nei|nelle|per|a|da|con|su)"
    r"|mi occupo|ci occupiamo|faccio (il|la|l'|lo)|facciamo|produc\w+|vend(o|iamo)|fabbric\w+|coltiv\w+|"
    r"allev\w+|organizz(o|iamo)|offr(o|iamo)|insegno|progett(o|iamo)|realizz(o|iamo)|ripar(o|iamo)|"
    r"install(o|iamo)|costruisc\w+|distribu\w+|import\w+|esport\w+|gestisc\w+|rappresent\w+|"
    r"la mia (attivita|azienda|ditta|impresa|associazione|societa|startup|bottega|agenzia|pizzeria)|"
    r"il mio (negozio|studio|ristorante|locale|bar|hotel|albergo|b&b|agriturismo|laboratorio|marchio|brand))\b")


_DOES = re.compile(
    r"\b(mi occupo|ci occupiamo|faccio|facciamo|produc\w+|vend(o|iamo)|fabbric\w+|coltiv\w+|allev\w+|"
    r"organizz(o|iamo)|offr(o|iamo)|insegn(o|iamo)|progett(o|iamo)|realizz(o|iamo)|ripar(o|iamo)|"
    r"install(o|iamo)|costruisc\w+|distribu(isco|iamo)|import(o|iamo)|esport(o|iamo)|cre(o|iamo)|"
    r"curo|curiamo|assist(o|iamo)|aiut(o|iamo)|accompagn(o|iamo)|port(o|iamo) in giro|affitt(o|iamo)|"
    r"prepar(o|iamo)|cucin(o|iamo)|serv(o|iamo)|gestisc(o|ono)|sviluppiamo|sviluppo|tengo corsi|"
    r"teniamo corsi|restaur(o|iamo)|trasport(o|iamo)|consegn(o|iamo)|noleggi(o|amo))\b")


def says_what_one_does(text: str) -> bool:
    """A statement of the work itself ("costruisco violini a mano", "facciamo pizza a legna"), not
    only who one is ("sono un'avvocata a Milano"): it answers "cosa fai?"."""
    return bool(_DOES.search(fold(text or "")))


# "sono guida turistica", "sono fotografa": a trade without its article
_SONO_TRADE = re.compile(r"\bsono (\w+(ista|ore|ice|iere|iera|aio|aia|ologo|ologa|ante|ente)|guida|medico|cuoca|cuoco)\b")


def describes_oneself(text: str) -> bool:
    """A first-person statement about one's work or business ("ho una pizzeria a Napoli", "vendo
    gioielli fatti a mano", "sono un agente di viaggio", "sono guida turistica"): information for the
    interview, never off topic, whatever the classifier thought."""
    t = fold(text or "")
    return not asks(text) and bool(_DESCRIBES.search(t) or _SONO_TRADE.search(t) or _DOES.search(t))
