"""The questions Bussola asks, declared once.

One entry per question: its slot, what kind of answer it takes (which reader of bot/interview.py
reads it), its allowed values, the entity that carries it in a button's payload, its labels for
the user (summary, second person) and for the sales team (brief, third person), and its group for
"cambia …". The interview's order is this tuple's order. Everything else is derived from here
(bot/profile.py, the summary in bot/texts.py, the brief in bot/leads/brief.py) or checked against
it (tests/bot/test_fields.py: domain.yml's slots and form, bot/texts.yml's questions, examples and
third-person questions).

Adding a question: one entry here, its texts in bot/texts.yml (`questions`, `examples`,
`sales_questions`), its slot in domain.yml; the tests say what is missing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

from bot.offerings import OFFERINGS

# What kind of answer a question takes: each has its reader in bot/interview.py (READERS).
CHOICE, TEXT, PLACES, AUDIENCE, OBJECTIVES, PRIORITY, CHANNELS, HOURS, TEAM, YES_NO, BUDGET, SECTOR, OFFERING = (
    "choice", "text", "places", "audience", "objectives", "priority", "channels", "hours", "team", "yes_no",
    "budget", "sector", "offering")
LIST_KINDS = (PLACES, OBJECTIVES, CHANNELS)
BOOLEAN_KINDS = (YES_NO, BUDGET)


@dataclass(frozen=True)
class Question:
    name: str  # the slot, and the key of its texts in bot/texts.yml
    kind: str  # how the answer is read
    label: str  # the user's summary: "Chi sei: …"
    brief_label: str  # the sales brief, about the prospect: "Tipo: …"
    values: Tuple[str, ...] = ()  # a choice's allowed values
    entity: Optional[str] = None  # the NLU entity that carries the value (button payloads, rich messages)
    group: Optional[str] = None  # changed together: "cambia la trasparenza"
    topic: Tuple[str, ...] = ()  # yes/no: word stems of its subject ("ci metto la faccia")


TRANSPARENCY = "transparency"
INTERVIEW: Tuple[Question, ...] = (
    Question("org_kind", CHOICE, "chi sei", "Tipo",
             ("professionista", "azienda", "brand", "startup", "ente"), entity="org_kind"),
    Question("sector", SECTOR, "settore", "Settore", entity="sector"),
    Question("activity", TEXT, "cosa fai", "Attività"),
    # asked only when the description names several offerings ("B&B con ristorante"): bot/profile.py
    Question("offering", OFFERING, "cosa offri soprattutto", "Offre soprattutto", tuple(OFFERINGS),
             entity="offering"),
    Question("segment", CHOICE, "a chi vendi", "Vende a", ("b2b", "b2c", "entrambi"), entity="segment"),
    Question("locations", PLACES, "dove lavori", "Dove lavora", entity="place"),
    Question("audience", AUDIENCE, "pubblico", "Pubblico", entity="age"),
    Question("objectives", OBJECTIVES, "obiettivi", "Obiettivi",
             ("notorieta", "contatti", "vendite", "assistenza", "community", "recruiting", "reputazione",
              "traffico", "prenotazioni", "donazioni", "volontari"), entity="objective"),
    Question("priority", PRIORITY, "obiettivo principale", "Obiettivo principale", entity="objective"),
    Question("channels_used", CHANNELS, "canali già usati", "Canali già usati", entity="channel"),
    Question("weekly_hours", HOURS, "tempo", "Tempo a settimana", entity="hours"),
    Question("team", TEAM, "chi se ne occupa", "Chi se ne occuperebbe", ("da_solo", "team", "agenzia"),
             entity="team"),
    Question("ad_budget", BUDGET, "budget pubblicitario", "Budget pubblicitario", entity="budget"),
    Question("replies_to_messages", YES_NO, "rispondere a commenti e messaggi", "Risponde a commenti e messaggi",
             group=TRANSPARENCY, topic=("rispond", "rispost", "messagg", "comment", "scriv", "chat", "dialog", "riscontr", "richiest",
                                             "entro", "ticket")),
    Question("shows_identity", YES_NO, "mostrare chi c'è dietro l'account", "Mostra chi c'è dietro l'account",
             group=TRANSPARENCY, topic=("faccia", "facce", "mostr", "volt", "nom", "metterci", "mettiamo", "metto",
                                        "present", "nascond", "foto", "visib", "espor", "dietro")),
    Question("handles_criticism", YES_NO, "gestire le critiche in pubblico", "Gestisce le critiche in pubblico",
             group=TRANSPARENCY, topic=("critic", "rispond", "lament", "recension", "calm", "apertamente",
                                        "pubblic", "gestisc", "affront")),
    Question("real_relationships", YES_NO, "trasformare i contatti online in relazioni vere",
             "Vuole relazioni vere con i contatti online", group=TRANSPARENCY,
             topic=("incontr", "telefon", "chiam", "relazion", "collabor", "conosc", "rapport", "vedersi",
                    "vederci", "caff", "person", "di persona", "dal vivo")),
)
GROUP_LABELS = {TRANSPARENCY: "trasparenza e dialogo"}

BY_NAME = {q.name: q for q in INTERVIEW}


def question(name: str) -> Question:
    return BY_NAME[name]
