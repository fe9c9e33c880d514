"""The sales brief: what a salesperson needs before calling a lead, as data (the webhook's payload,
the console) and as Italian plain text (an email, a chat message).

The input is a lead as `LeadStore.get()` returns it, or as actions/sales.py builds it from the
conversation: lead columns plus `profile`, `plan`, `consents`, `history`. Any part may be missing:
without a profile consent there is no profile nor plan, without a contact consent no contact.
The output holds only JSON types (dates as ISO strings): it travels through the outbox.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Mapping, Optional

import phonenumbers

from bot import fields as F
from bot import profile as P
from bot import offerings, texts, vocabulary
from bot.leads.qualification import OBJECTIVE_WORDS, qualify

# Profile fields as the sales team reads them (third person, unlike bot.texts which speaks to the user).
FIELD_LABELS = {q.name: q.brief_label for q in F.INTERVIEW}  # the questions' registry, third person
TEAM_WORDS = {"da_solo": "in prima persona", "team": "il suo team", "agenzia": "un'agenzia o un esterno"}
CONTACT_LABELS = {"name": "Nome", "company": "Azienda", "company_size": "Dimensione", "email": "Email",
                  "phone": "Telefono", "call_time": "Quando chiamare"}
SIZE_WORDS = {"1": "lavora da solo", "2-9": "2-9 persone", "10-49": "10-49 persone",
              "50-249": "50-249 persone", "250+": "250 o più persone"}
CALL_TIME_WORDS = {"mattina": "di mattina", "pausa_pranzo": "in pausa pranzo", "pomeriggio": "di pomeriggio",
                   "sera": "di sera", "indifferente": "in qualsiasi momento"}
CONSENT_WORDS = {"profile": "Conservare profilo e piano", "contact": "Essere ricontattato"}


def brief(lead: Mapping[str, Any], transcript_url: str) -> Dict[str, Any]:
    """The brief of one lead as data."""
    profile = lead.get("profile") or None
    plan = lead.get("plan") or None
    contact = {field: lead[field] for field in CONTACT_LABELS if lead.get(field) not in (None, "", P.SKIPPED)}
    qualification = lead.get("qualification") or (
        qualify(profile, contact, plan).to_dict() if profile else None)
    return {
        "public_id": lead.get("public_id"),
        "headline": _headline(profile, contact),
        "contact": contact,
        "profile": _profile(profile) if profile else None,
        "plan": _plan(plan) if plan else None,
        "specialist_reasons": [r["text"] for r in (plan or {}).get("specialist_reasons") or ()
                               if r.get("text")],
        "grade": (qualification or {}).get("grade") or lead.get("grade"),
        "grade_reason": (qualification or {}).get("grade_reason"),
        "fit": (qualification or {}).get("fit"),
        "readiness": (qualification or {}).get("readiness"),
        "consents": [{"kind": c.get("kind"), "granted": bool(c.get("granted")),
                      "given_at": _iso(c.get("given_at")), "notice_version": c.get("notice_version"),
                      "channel": c.get("channel")} for c in lead.get("consents") or ()],
        "entered_by": lead.get("entered_by") or "visitor",
        "salesperson": lead.get("salesperson"),
        "channel": lead.get("channel"),
        "created_at": _iso(lead.get("created_at")),
        "transcript_url": transcript_url,
    }


def brief_text(data: Mapping[str, Any]) -> str:
    """The brief as Italian plain text, sections separated by a blank line."""
    grade = data.get("grade")
    sections = [[f"Lead {grade or 'non qualificato'}: {data.get('headline')}"]]

    contact = data.get("contact") or {}
    granted = {c["kind"] for c in data.get("consents") or () if c.get("granted")}
    sections.append(["Contatto"] + [f"• {label}: {_contact_words(field, contact[field])}"
                                    for field, label in CONTACT_LABELS.items() if field in contact]
                    if contact else ["Nessun recapito lasciato." if "contact" in granted
                                     else "Nessun recapito: non ha acconsentito a essere ricontattato."])

    if data.get("profile"):
        sections.append(["Profilo"] + [f"• {item['label']}: {item['value']}" for item in data["profile"]])
    else:
        sections.append(["Profilo e piano non ancora salvati." if "profile" in granted
                         else "Profilo e piano non conservati: manca il consenso."])

    plan = data.get("plan")
    if plan and plan.get("channels"):
        specialist = plan.get("specialist_advised")
        title = "Canali da discutere con lo specialista" if specialist else "Piano proposto"
        sections.append([title] + [_channel_line(n, c) for n, c in enumerate(plan["channels"], 1)])
    if data.get("specialist_reasons"):
        sections.append(["Perché serve uno specialista"] + [f"• {r}" for r in data["specialist_reasons"]])

    if data.get("fit") and data.get("readiness"):
        sections.append([data.get("grade_reason") or f"Grado {grade}."])
        for title, score in (("Affinità", data["fit"]), ("Prontezza", data["readiness"])):
            sections.append([f"{title} {score['points']}/100"]
                            + [f"• {r}" for r in score.get("reasons") or ()])
    else:
        sections.append(["Qualificazione non disponibile: senza profilo non c'è un punteggio."])

    consents = data.get("consents") or []
    sections.append(["Consensi"] + [_consent_line(c) for c in consents] if consents
                    else ["Consensi: nessuno registrato."])

    who = "dal visitatore in chat" if data.get("entered_by") != "sales" \
        else "dal team vendite" + (f" ({data['salesperson']})" if data.get("salesperson") else "")
    where = f" (canale {data['channel']})" if data.get("channel") else ""
    when = f" il {_when(data['created_at'])}" if data.get("created_at") else ""
    sections.append([f"Inserito {who}{where}{when}.", f"Conversazione: {data.get('transcript_url')}"])
    return "\n\n".join("\n".join(lines) for lines in sections)


def _headline(profile: Optional[Mapping[str, Any]], contact: Mapping[str, Any]) -> str:
    """Who the prospect is, in one line: "Giulia Bianchi, Studio Bianchi — professionista (avvocato),
    servizi legali: «assistenza legale alle imprese»"."""
    who = ", ".join(contact[f] for f in ("name", "company") if contact.get(f)) or "Visitatore anonimo"
    if not profile:
        return who
    sector = _value("sector", profile)
    if sector and profile.get("ateco"):
        sector += f" (ATECO {profile['ateco']})"
    offers = offerings.NAMES.get(profile.get("offering") or "")
    parts = [_value("org_kind", profile), sector, f"offre {offers}" if offers else None]
    what = ", ".join(p for p in parts if p)
    if _value("activity", profile):
        what += f"{': ' if what else ''}«{profile['activity']}»"
    return f"{who} — {what}" if what else who


def _value(field: str, profile: Mapping[str, Any]) -> Optional[str]:
    """A profile answer in words, None when missing or skipped."""
    value = profile.get(field)
    if value in (None, "", P.SKIPPED):
        return None
    if field == "objectives":
        return "; ".join(OBJECTIVE_WORDS.get(o, o) for o in value)
    if field == "priority":
        return OBJECTIVE_WORDS.get(value, value)
    if field == "team":
        return TEAM_WORDS.get(value, value)
    return texts.value_label(field, value, profile, vocabulary.default())


def _profile(profile: Mapping[str, Any]) -> List[Dict[str, str]]:
    """Every question of the interview with its answer in words ("non indicato" when skipped)."""
    return [{"field": field, "label": FIELD_LABELS[field], "value": _value(field, profile) or texts.NOT_GIVEN}
            for field in P.QUESTIONS if P.asked(field, profile) or profile.get(field) is not None]


def _plan(plan: Mapping[str, Any]) -> Dict[str, Any]:
    """The recommended channels, each with its first (strongest) reason."""
    return {"specialist_advised": bool(plan.get("specialist_advised")),
            "channels": [{"name": c.get("name") or c.get("id"), "score": c.get("score"),
                          "reason": (c.get("reasons") or [None])[0]} for c in plan.get("channels") or ()]}


def _channel_line(rank: int, channel: Mapping[str, Any]) -> str:
    score = f" ({round(channel['score'])}/100)" if channel.get("score") is not None else ""
    reason = f": {channel['reason']}" if channel.get("reason") else ""
    return f"{rank}. {channel['name']}{score}{reason}"


def _contact_words(field: str, value: str) -> str:
    if field == "phone":  # stored E.164, read out grouped: "+39 333 123 4567"
        try:
            number = phonenumbers.parse(value)
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        except phonenumbers.NumberParseException:
            return value
    if field == "company_size":
        return SIZE_WORDS.get(value, value)
    if field == "call_time":  # "sera (dopo le 18)": the bucket in words, the user's own words kept
        bucket, _, words = value.partition(" ")
        return f"{CALL_TIME_WORDS[bucket]} {words}".strip() if bucket in CALL_TIME_WORDS else value
    return value


def _consent_line(consent: Mapping[str, Any]) -> str:
    kind = CONSENT_WORDS.get(consent.get("kind"), str(consent.get("kind")))
    answer = "sì" if consent.get("granted") else "no"
    when = f", il {_when(consent['given_at'])}" if consent.get("given_at") else ""
    version = f" (informativa versione {consent['notice_version']})" if consent.get("notice_version") else ""
    return f"• {kind}: {answer}{when}{version}"


def _iso(value: Any) -> Optional[str]:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value) if value is not None else None


def _when(iso: str) -> str:
    """"26/11/2026 alle 10:32 UTC" from an ISO time (naive times are taken as UTC, as the store does)."""
    try:
        moment = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))  # Python 3.10 does not read "Z"
    except ValueError:
        return iso
    utc = dt.timezone.utc
    moment = moment.replace(tzinfo=utc) if moment.tzinfo is None else moment.astimezone(utc)
    return f"{moment:%d/%m/%Y} alle {moment:%H:%M} UTC"
