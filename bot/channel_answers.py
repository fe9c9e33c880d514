"""Answers to questions about channels ("cos'è XING?", "LinkedIn funziona in Germania?",
"quanti utenti ha TikTok in Italia?", "meglio Instagram o TikTok?", "perché non Facebook?"),
from the knowledge base and, where there is one, the user's profile. No Rasa import."""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from bot import texts
from bot.knowledge_base import KnowledgeBase
from bot.recommend import markets_of, recommend, score_channel
from bot.vocabulary import Vocabulary

KIND_LABELS = {"social": "è un social network", "professional": "è un social professionale",
               "business": "serve al marketing", "directory": "è una directory con recensioni",
               "news": "è un aggregatore di notizie", "vertical": "è una comunità verticale",
               "messaging": "è un servizio di messaggistica", "marketplace": "è un marketplace",
               "publishing": "è una piattaforma di pubblicazione"}


def _t(key: str, **values: Any) -> str:
    return texts.render("channel_answers", key, **values)


def _has_profile(profile: Mapping[str, Any]) -> bool:
    return bool(profile.get("objectives")) and profile.get("objectives") != "non_indicato"


def answer(intent: str, channel_ids: Sequence[str], place_ids: Sequence[str],
           profile: Mapping[str, Any], kb: KnowledgeBase, voc: Vocabulary) -> str:
    channels = [kb.get(c) for c in channel_ids if kb.get(c)]
    if not channels:
        return _t("unknown_channel") if channel_ids else _t("which_channel")
    channel = channels[0]
    markets = markets_of({"locations": list(place_ids)}, voc) if place_ids else None

    if intent == "ask_channel_country":
        market_list = markets or markets_of(profile, voc)
        return " ".join(_t("strength", name=channel.name, market=texts.MARKET_NAMES.get(m, m),
                           level=_t(f"level_{channel.strength_in(m)}")) for m in market_list)

    if intent == "ask_channel_users":
        regions = [*(markets or ("IT",)), "world"]
        for region in regions:
            figure = channel.figure(region)
            if figure:
                return _t("users", name=channel.name, text=figure.text, source=figure.source, year=figure.year)
        where = f" in {texts.markets(markets)}" if markets else ""
        return _t("users_unknown", name=channel.name, where=where)

    if intent == "ask_channel_compare":
        if len(channels) < 2:
            return _t("compare_needs_two")
        first, second = channels[:2]
        if not _has_profile(profile):
            return _t("compare_no_profile", first=first.name, second=second.name,
                      first_kind=KIND_LABELS[first.kinds[0]], second_kind=KIND_LABELS[second.kinds[0]])
        market_list = markets_of(profile, voc)
        fits = sorted((score_channel(c, profile, market_list, voc) for c in (first, second)),
                      key=lambda f: (bool(f.excluded), -f.score, f.channel.id))
        best, other = fits
        why = _t("compare_excluded", name=other.channel.name, reasons="; ".join(other.excluded)) \
            if other.excluded else ("; ".join(best.reasons) + "." if best.reasons else "")
        return _t("compare_profile", first=best.channel.name, first_score=round(best.score),
                  second=other.channel.name, second_score=round(other.score), why=why)

    if intent == "ask_channel_why_not":
        if not _has_profile(profile):
            return _t("why_not_no_profile")
        plan = recommend({**profile, "channels_named": [channel.id]}, kb, voc)
        if channel.id in {c.id for c in plan.channels}:
            return _t("why_not_in_plan", name=channel.name)
        reasons = next((n.reasons for n in plan.not_a_fit if n.id == channel.id), [])
        return _t("why_not", name=channel.name, reasons="; ".join(reasons))

    # ask_channel_info and anything else: what it is, and a figure if one is known
    parts = [_t("info", name=channel.name, description=channel.description)]
    for region in ("IT", "world"):
        figure = channel.figure(region)
        if figure:
            parts.append(_t("figure", text=figure.text, source=figure.source, year=figure.year))
            break
    return " ".join(parts)
