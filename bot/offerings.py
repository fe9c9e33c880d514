"""What a business offers, inferred from what the user wrote and from the sector's ATECO code.

Marketplaces, directories and vertical networks serve some offerings and not others: Subito.it is
for classified ads of goods, cars, homes and jobs, not for booking a hotel; TheFork is for tables
at a restaurant, not for food delivery. The knowledge base declares the offerings each such channel
serves (data/kb/channels.yml, `offerings`), and the engine excludes, with the reason, a channel that
does not serve the profile's offering (bot/recommend.py).

The description's own words decide first ("consegna a domicilio", "usato", "camere"); then the ATECO
code's prefix (data/ateco_sectors.yml, `offerings`). None when neither says: no channel is then
excluded for its offering.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Mapping, Optional, Tuple

from bot import ateco
from bot.vocabulary import fold

# Key -> how the plan names it ("Subito.it è fatto per …, non per {label}").
OFFERINGS: Dict[str, str] = {
    "prodotti": "vendere prodotti",
    "artigianato": "vendere prodotti fatti a mano",
    "usato": "vendere oggetti usati",
    "cibo_sul_posto": "un locale dove mangiare o bere",
    "cibo_a_domicilio": "consegne di cibo a domicilio",
    "alloggio": "prenotare un alloggio",
    "esperienze": "esperienze, tour e attività",
    "eventi": "organizzare eventi",
    "servizi_locali": "servizi in zona, per la casa e la persona",
    "salute": "prestazioni di salute e cura",
    "servizi_professionali": "servizi professionali e consulenze",
    "industriale_b2b": "forniture industriali tra aziende",
    "software": "software e servizi digitali",
    "contenuti": "contenuti, cultura e intrattenimento",
    "cause": "una causa o un'associazione senza scopo di lucro",
    "lavoro": "offerte di lavoro",
}
# What the plan says the business offers ("Ho considerato che offri: …"), so a wrong reading is seen.
NAMES: Dict[str, str] = {
    "prodotti": "prodotti", "artigianato": "prodotti fatti a mano", "usato": "oggetti usati",
    "cibo_sul_posto": "cibo e bevande sul posto", "cibo_a_domicilio": "cibo a domicilio",
    "alloggio": "alloggio", "esperienze": "esperienze, tour e attività", "eventi": "eventi",
    "servizi_locali": "servizi in zona", "salute": "servizi di salute e cura",
    "servizi_professionali": "servizi professionali", "industriale_b2b": "forniture industriali ad aziende",
    "software": "software e servizi digitali", "contenuti": "contenuti e cultura",
    "cause": "una causa senza scopo di lucro", "lavoro": "offerte di lavoro",
}
ANY = "any"

# The description's words, in order: the first offering whose words appear wins. Stems match the
# start of a word, accents folded.
_CUES: Tuple[Tuple[str, str], ...] = (
    ("cibo_a_domicilio", r"consegn\w* a domicilio|delivery|asporto e consegn\w*|app di consegn\w*|dark kitchen|"
                         r"food delivery|(pizz\w*|sushi|poke|pasti|cibo|panini|hamburger|piatti)\b[^.]{0,40}"
                         r"\b(a domicilio|consegn\w*)"),
    # "l'usato", "portatili usati"; not "un gestionale usato da 800 studi" (used by someone, not second-hand)
    ("usato", r"usat[oaie]\b(?!\s+(da|dal|dallo|dalla|dai|dagli|dalle|per|in|ogni|anche|tutti|spesso|molto|"
              r"poco|soprattutto|solo|ormai|ancora)\b)|second[ao] mano|seconda-mano|vintage|ricondizionat\w*|mercatino|svuota ?cantin\w*|"
              r"compro oro|conto vendita|antiquari\w*|antiquariato|modernariato|oggetti d'epoca|mobili d'epoca|"
              r"donat[ioe] (vestiti|oggetti|libri|abiti)|oggetti donati|vestiti donati|charity shop|negozio solidale"),
    # "una RSA da 120 posti letto": care, not a stay
    ("salute", r"(?<!per )(?<!da )(?<!alle )(?<!le )(\brsa\b|residenz\w* sanitari\w*|casa di riposo|case di riposo|"
               r"casa di cura|case di cura|hospice|lungodegenz\w*)"),
    ("alloggio", r"b&b|bed and breakfast|affittacamer\w*|case vacanz\w*|casa vacanz\w*|appartament\w* per vacanz\w*|"
                 r"agriturismo con camer\w*|camere|hotel|albergo|ostello|campeggio|glamping|affitti brevi|"
                 r"affitto per brevi|posti letto|rifugio|pernott\w*"),
    ("esperienze", r"tour|escursion\w*|visite guidat\w*|guida turistic\w*|degustazion\w*|esperienz\w*|"
                   r"corsi di cucina|gite|noleggio (bici|e-?bike|barche|kayak|sup)|escape room|parco avventura|"
                   r"laser tag|bowling|parco divertimenti"),
    ("eventi", r"matrimoni|wedding|organizz\w* eventi|festival|concerti|sagra|fiere|congress\w*|meetup|"
               r"conferenz\w*|catering"),
    ("software", r"\bapp\b|software|saas|piattaforma online|gestional\w*|startup digital\w*|sviluppo web|"
                 r"siti web|videogioc\w*"),
    ("contenuti", r"podcast|newsletter|blog|corsi online|corso online|corsi registrati|videocors\w*|webinar|"
                  r"formazione online|lezioni online|canale youtube|youtuber|rivista|giornale|editor\w*|libri|"
                  r"fumetti|musica|band|teatro|compagnia teatrale|museo|mostre"),
    ("cause", r"associazion\w*|onlus|volontar\w*|no profit|non profit|raccolta fondi|donazion\w*|parrocchi\w*|"
              r"protezione civile|pro loco"),
    ("artigianato", r"fatt[oaie] a mano|artigianal\w*|handmade|su misura|laboratorio artigian\w*|ceramic\w*|"
                    r"gioielli|bottega"),
    ("servizi_locali", r"officina|autofficina|gommist\w*|carrozzeri\w*|elettrauto|riparazion\w*|manutenzion\w*|"
                       r"idraulic\w*|elettricist\w*|imbianchin\w*|pulizie|traslochi|giardinier\w*|"
                       r"parrucchier\w*|barbier\w*|estetist\w*|centro estetico|lavanderi\w*|sartoria per riparazion\w*"),
    ("cibo_sul_posto", r"ristorant\w*|pizzeri\w*|trattori\w*|osteri\w*|\bbar\b|caff[eè]|pub\b|gelateri\w*|"
                       r"pasticceri\w*|enoteca|bistrot|agriturismo"),
)
# a workshop's repairs for people nearby; for businesses only ("officina meccanica di precisione") it is industry
_NOT_FOR_BUSINESSES = ("servizi_locali",)
_CUE_PATTERNS = tuple((key, re.compile(r"(?<!\w)(" + pattern + r")")) for key, pattern in _CUES)


def of_code(code: str, segment: Optional[str] = None) -> Optional[str]:
    """The offering an ATECO code implies, by its longest prefix; goods sold to businesses only are
    industrial supplies."""
    offering = ateco.by_longest_prefix(ateco.table("offerings"), code)
    if offering == "prodotti" and segment == "b2b" and code[:2].isdigit() and 5 <= int(code[:2]) <= 33:
        return "industriale_b2b"
    return offering


def candidates(profile: Mapping[str, Any]) -> List[str]:
    """Every offering the description's words name, the likeliest first: more than one ("B&B con
    ristorante", "noleggio bici e tour guidati") and the interview asks which comes first."""
    activity = profile.get("activity")
    text = fold(activity) if isinstance(activity, str) else ""
    return [key for key, pattern in _CUE_PATTERNS
            if pattern.search(text) and not (key in _NOT_FOR_BUSINESSES and profile.get("segment") == "b2b")]


def infer(profile: Mapping[str, Any]) -> Optional[str]:
    """The profile's offering: from the description's words, else from its ATECO code."""
    named = candidates(profile)
    if named:
        return named[0]
    code = profile.get("ateco")
    if not code and isinstance(profile.get("sector"), str):
        code = ateco.main_code(profile["sector"])
    offering = of_code(str(code), profile.get("segment")) if code else None
    if profile.get("org_kind") == "brand" and offering in ("servizi_locali", "servizi_professionali"):
        return "prodotti"  # a cosmetics brand is in the beauty sector, and sells products, not treatments
    return offering


def label(offering: str) -> str:
    return OFFERINGS.get(offering, offering)
