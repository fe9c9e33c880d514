"""Italian texts the actions send: fixed ones from texts.yml, and ones built from data
(summaries, acknowledgements, progress). Fixed replies sent by rules live in domain.yml.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping

import yaml

from bot import fields as F
from bot import offerings
from bot import profile as P
from bot import special_cases
from bot import vocabulary
from bot.vocabulary import Vocabulary

_TEXTS = yaml.safe_load(Path(__file__).with_name("texts.yml").read_text(encoding="utf-8"))


def message(key: str) -> Dict[str, Any]:
    """A fixed message: {"text": ..., "buttons": [...]} (buttons may be absent)."""
    return dict(_TEXTS["messages"][key][0])


def greeting(key: str, privacy_url: str) -> str:
    """The greeting ("greet", or "welcome" after a first message), with the privacy page's link."""
    return " ".join(message(key)["text"].split()).format(url=privacy_url)


def example(question: str) -> str:
    return _TEXTS["examples"][question][0]["text"]


def problem(kind: str) -> str:
    return _TEXTS["problems"].get(kind, _TEXTS["messages"]["default"])[0]["text"]


def render(section: str, key: str, **values: Any) -> str:
    """A text of texts.yml on one line, with its {placeholders} filled."""
    return " ".join(str(_TEXTS[section][key]).split()).format(**values)


def plan_text(key: str, **values: Any) -> str:
    return render("plan", key, **values)


MARKET_NAMES = {"IT": "Italia", "FR": "Francia", "DE": "Germania", "AT": "Austria", "CH": "Svizzera",
                "ES": "Spagna", "GB": "Regno Unito", "US": "Stati Uniti", "CN": "Cina", "RU": "Russia",
                "JP": "Giappone", "KR": "Corea del Sud", "TW": "Taiwan", "TH": "Thailandia",
                "IN": "India", "BR": "Brasile", "other": "altri paesi"}


def markets(keys: Iterable[str]) -> str:
    return join(MARKET_NAMES.get(k, k) for k in keys)


# The customers read from an earlier message, as the segment question says them back.
CUSTOMERS_SAID = {"b2b": "ad aziende (B2B)", "b2c": "a privati (B2C)", "entrambi": "sia ad aziende sia a privati"}


def question(name: str, slots: Mapping[str, Any], offer_skip: bool = False) -> Dict[str, Any]:
    """The question for a slot, with its quick-reply buttons; in sales mode, in the third person.
    Asked again after an answer it could not use (`offer_skip`), it also offers «Salta»."""
    asked = dict(_TEXTS["questions"][name][0])
    later = asked.pop("later", None)
    if later and slots.get("sector") is not None:  # "Per cominciare" is for the start only
        asked["text"] = later
    if name == "locations" and slots.get("places_named") and slots.get("mode") != SALES_MODE:
        asked = dict(_TEXTS["questions"]["locations_known"][0])
        asked["text"] = " ".join(asked["text"].split()).format(places=join(
            _place_names(slots["places_named"])))
    if name == "channels_used" and slots.get("channels_used_named") and slots.get("mode") != SALES_MODE:
        asked = dict(_TEXTS["questions"]["channels_known"][0])
        asked["text"] = " ".join(asked["text"].split()).format(channels=join(
            vocabulary.default().channel_name(c) for c in slots["channels_used_named"]))
    if name == "segment" and slots.get("segment_named") in CUSTOMERS_SAID and slots.get("mode") != SALES_MODE:
        asked = dict(_TEXTS["questions"]["segment_known"][0])
        asked["text"] = " ".join(asked["text"].split()).format(customers=CUSTOMERS_SAID[slots["segment_named"]])
    guess = slots.get("identity_guess") or {}
    # who the user is, read from a description (kind and sector) or a sector from ATECO's notes: said back
    guessing = (name == "org_kind" and "org_kind" in guess) or (name == "sector" and "sector" in guess)
    if guessing and name == "org_kind":
        asked = dict(_TEXTS["questions"]["identity_described"][0])
        sector = f", settore «{vocabulary.default().sector_name(guess['sector'])}»" if guess.get("sector") else ""
        asked["text"] = " ".join(asked["text"].split()).format(kind=KIND_LABELS[guess["org_kind"]], sector=sector)
    elif guessing:
        asked = dict(_TEXTS["questions"]["sector_guess" if guess.get("title") else "sector_described"][0])
        asked["text"] = " ".join(asked["text"].split()).format(
            sector=vocabulary.default().sector_name(guess["sector"]), code=guess.get("ateco"), title=guess.get("title"))
    if name == "objectives" and slots.get("objectives_named") and slots.get("mode") != SALES_MODE:
        asked = dict(_TEXTS["questions"]["objectives_known"][0])
        asked["text"] = " ".join(asked["text"].split()).format(objectives=join(
            OBJECTIVE_LABELS.get(o, o) for o in slots["objectives_named"]))
    if slots.get("mode") == SALES_MODE and name in _TEXTS["sales_questions"] and not guessing:
        asked["text"] = " ".join(_TEXTS["sales_questions"][name].split())
    if name == "offering" and len(slots.get("offering_choices") or []) < 2:
        asked = dict(_TEXTS["questions"]["offering_any"][0])  # "cambia cosa offri": in the user's words
    elif name == "offering":  # one button per offering the description named, then «Non so»
        asked["buttons"] = [{"title": offerings.NAMES[o][0].upper() + offerings.NAMES[o][1:],
                             "payload": f'/inform{{"offering":"{o}"}}'}
                            for o in slots.get("offering_choices") or [] if o in offerings.NAMES] \
            + [{"title": _TEXTS["messages"]["dont_know_button"][0]["text"], "payload": "/dont_know"}]
    if name == "priority":  # one button per objective the user chose
        asked["buttons"] = [{"title": OBJECTIVE_LABELS[o][0].upper() + OBJECTIVE_LABELS[o][1:],
                             "payload": f'/inform{{"objective":"{o}"}}'}
                            for o in slots.get("objectives") or [] if o in OBJECTIVE_LABELS]
    if any("when" in b for b in asked.get("buttons") or []):
        asked["buttons"] = [_without_when(b) for b in asked["buttons"]
                            if all(slots.get(k) in allowed for k, allowed in b.get("when", {}).items())]
    if offer_skip:
        skip = {"title": _TEXTS["messages"]["skip_button"][0]["text"], "payload": "/dont_know"}
        buttons = [b for b in asked.get("buttons") or [] if b.get("payload") != "/dont_know"]
        asked["buttons"] = buttons + [skip]
    return asked

def _without_when(button: Mapping[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in button.items() if k != "when"}


SALES_MODE = "vendite"  # the `mode` slot when a salesperson answers for a prospect


def _place_names(ids) -> List[str]:
    voc = vocabulary.default()
    return [voc.place_name(p) for p in ids]


def lead_question(name: str, slots: Mapping[str, Any], privacy) -> Dict[str, Any]:
    """A question of the lead form (consents, contact details), with the privacy notice of
    data/sales/settings.yml where it asks for consent."""
    asked = dict(_TEXTS["lead_questions"][name])
    notice = {"consent_profile": privacy.profile, "consent_contact": privacy.contact}.get(name, "")
    if slots.get("mode") == SALES_MODE:
        asked["text"] = _TEXTS["sales_lead_questions"][name]
    asked["text"] = " ".join(asked["text"].split()).format(notice=notice, url=privacy.url)
    return asked


def lead_text(key: str, **values: Any) -> str:
    return render("leads", key, **values)


KIND_LABELS = {"professionista": "professionista o freelance", "azienda": "azienda o PMI",
               "brand": "brand o prodotto", "startup": "startup",
               "ente": "associazione o ente pubblico"}
SEGMENT_LABELS = {"b2b": "aziende (B2B)", "b2c": "privati (B2C)",
                  "entrambi": "aziende e privati (B2B e B2C)"}
OBJECTIVE_LABELS = {"notorieta": "farti conoscere", "contatti": "trovare contatti e clienti",
                    "vendite": "vendere online", "assistenza": "assistere i clienti",
                    "community": "fidelizzare e creare una community", "recruiting": "trovare personale",
                    "reputazione": "curare reputazione e recensioni", "traffico": "portare traffico al sito",
                    "prenotazioni": "ricevere prenotazioni e appuntamenti",
                    "donazioni": "raccogliere fondi e donazioni", "volontari": "trovare volontari"}
TEAM_LABELS = {"da_solo": "tu in prima persona", "team": "il tuo team",
               "agenzia": "un'agenzia o un professionista esterno"}
# The summary's labels, from the questions' registry (bot/fields.py).
FIELD_LABELS = {**{q.name: q.label for q in F.INTERVIEW}, **F.GROUP_LABELS}
NOT_GIVEN = "non indicato"


def join(items: Iterable[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " e " + items[-1]


def number(value: float) -> str:
    """Italian decimals: 97.0 -> "97", 87.5 -> "87,5"."""
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def percent_with_article(value: float) -> str:
    """"al 95%", "all'87%", "all'11%": the article elides before a number said with a vowel."""
    whole = int(round(value))
    vowel = whole in (1, 8, 11) or 80 <= whole <= 89  # uno, otto, undici, ottanta…
    return f"{'all' + chr(39) if vowel else 'al '}{whole}%"


def hours(value: float) -> str:
    if value == 0:
        return "nessuna ora"
    if value < 1:
        return f"{int(round(value * 60))} minuti a settimana"
    shown = f"{value:g}".replace(".", ",")
    return f"{shown} {'ora' if value == 1 else 'ore'} a settimana"


def value_label(field: str, value: Any, slots: Mapping[str, Any], voc: Vocabulary) -> str:
    if value is None or value == P.SKIPPED:
        return NOT_GIVEN
    if field == "org_kind":
        label = KIND_LABELS.get(value, str(value))
        profession = slots.get("profession")
        return f"{label} ({profession.replace('_', ' ')})" if profession else label
    if field == "sector":
        return voc.sector_name(value)
    if field == "segment":
        return SEGMENT_LABELS.get(value, str(value))
    if field == "locations":
        return join(voc.place_name(p) for p in value)
    if field == "audience":
        return value if not value[:1].isdigit() else f"{value} anni"
    if field == "objectives":  # labels contain "e": a semicolon keeps the list readable
        return "; ".join(OBJECTIVE_LABELS.get(o, o) for o in value)
    if field == "priority":
        return OBJECTIVE_LABELS.get(value, str(value))
    if field == "channels_used":
        return join(voc.channel_name(c) for c in value) if value else "nessuno"
    if field == "weekly_hours":
        return hours(float(value))
    if field == "team":
        return TEAM_LABELS.get(value, str(value))
    if field == "offering":
        return offerings.NAMES.get(value, str(value))
    if isinstance(value, bool):
        return "sì" if value else "no"
    return str(value)


def summary(slots: Mapping[str, Any], voc: Vocabulary) -> str:
    lines = ["Ecco il tuo profilo:"]
    for field in P.QUESTIONS:
        if not P.asked(field, slots) and slots.get(field) is None:
            continue  # a question this interview did not need (the offering is shown when read)
        label = FIELD_LABELS[field]
        lines.append(f"• {label[0].upper() + label[1:]}: {value_label(field, slots.get(field), slots, voc)}")
    return "\n".join(lines)


def noted(updates: Mapping[str, Any], slots: Mapping[str, Any], voc: Vocabulary) -> str:
    """A short acknowledgement of what one message told us."""
    parts: List[str] = []
    for field in P.QUESTIONS:
        if field in updates and updates[field] not in (None, P.SKIPPED):
            parts.append(f"{FIELD_LABELS[field]}: {value_label(field, updates[field], slots, voc)}")
    if updates.get("places_named"):  # places said in passing (the markets are asked, with these offered)
        parts.append(f"luoghi nominati: {join(voc.place_name(p) for p in updates['places_named'])}")
    if updates.get("objectives_named"):  # what the user wants, so far (the question asks for more)
        parts.append(f"vuoi: {join(OBJECTIVE_LABELS.get(o, o) for o in updates['objectives_named'])}")
    return "Ho preso nota:\n" + "\n".join(f"• {p}" for p in parts) if parts else ""


def understood(field: str, value: Any, slots: Mapping[str, Any], voc: Vocabulary) -> str:
    """Says back a value read from a description ("Ho capito: settore ristorazione"), so that a wrong
    guess is seen in the same turn."""
    label = value_label(field, value, slots, voc)
    what = {"org_kind": label, "sector": f"settore {label}"}.get(field, f"{FIELD_LABELS[field]}: {label}")
    return " ".join(_TEXTS["messages"]["understood"][0]["text"].split()).format(what=what)


def progress(slots: Mapping[str, Any]) -> str:
    done, total = P.answered(slots)
    if done == 0:
        return "Non abbiamo ancora iniziato l'intervista."
    if done >= total:
        return "Abbiamo completato tutte le domande."
    return f"Finora hai risposto a {done} {'domanda' if done == 1 else 'domande'} su {total}."


def plan_messages(plan) -> List[str]:
    """The plan as the messages the user reads (the `custom` payload carries the data): the saved
    profile with the plan's opening, one message per channel, one for the notes (time, why not,
    cautions) and the closing. Few messages on purpose: each is an event Rasa stores and replays on
    every later turn of the conversation."""
    def t(key: str, **values: Any) -> str:
        return render("plan_messages", key, **values)

    if plan.specialist_advised:
        out = [t("saved") + "\n\n" + t("specialist_intro") + "\n"
               + "\n".join(f"• {r['text']}" for r in plan.specialist_reasons),
               t("specialist_help", help="; ".join(dict.fromkeys(plan.specialist_help)))]
        # where a specialist still works with standard channels, name them as a starting point only
        if plan.channels and {r["code"] for r in plan.specialist_reasons} <= {
                "local_entity", "sanctions", "multi_brand_multi_country", "large_organisation",
                *(rule.code for rule in special_cases.rules())}:
            out.append(t("specialist_start", channels=join(c.name for c in plan.channels)))
        codes = {r["code"] for r in plan.specialist_reasons}
        held = [" ".join(rule.avoid_why.split()) for rule in special_cases.rules() if rule.avoid_all and rule.code in codes]
        if held:
            named = ", nemmeno quelli che mi hai nominato" if plan.not_a_fit else ""
            out.append(t("specialist_hold", named=named, why="; ".join(held)))
        return out
    intro = t("intro")
    if plan.offering in offerings.NAMES:  # said, so that a wrong reading of the business is seen
        intro = t("offering_read", offering=offerings.NAMES[plan.offering]) + "\n" + intro
    out = [t("saved") + "\n\n" + intro]
    for rank, channel in enumerate(plan.channels, 1):
        out.append(t("channel", rank=rank, name=channel.name, score=percent_with_article(channel.score),
                     reasons="; ".join(channel.reasons)) + "\n" + t("first_step", step=channel.first_step)
                   + ("\n" + t("site", url=channel.url) if channel.url else ""))
    notes = ([plan.time_note] if plan.time_note else []) + [
        t("why_not", name=rejected.name, reasons="; ".join(rejected.reasons)) for rejected in plan.not_a_fit
    ] + list(plan.caution_notes)
    if notes:
        out.append("\n".join(notes))
    out.append(t("closing"))
    return out
