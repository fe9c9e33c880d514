"""The recommendation engine: a profile in, a ranked and explained plan out (no Rasa import).

Deterministic and explainable: each channel's score is the sum of named parts computed from the
knowledge base, ties are broken by channel id, and every reason names the data behind it. Hard
constraints (market, B2B/B2C, sector, the main objective) exclude a channel before it is ranked.
When no standard recipe fits, the plan says `specialist_advised` with the reasons.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from bot import offerings
from bot import profile as P
from bot import special_cases
from bot import texts
from bot.knowledge_base import Channel, KnowledgeBase
from bot.vocabulary import Vocabulary, fold

# Weights of the score's parts (sum 100). Objectives matter most: start from what you want.
WEIGHTS = {"objectives": 45.0, "market": 25.0, "segment": 15.0, "audience": 10.0, "sector": 5.0}
MIN_PLAN, MAX_PLAN = 2, 4
# The most a channel can get before scaling to 100: every weight, the B2B/B2C specialisation (2.5
# per point of difference, at most 3), the vertical community of one's sector (3x its weight), ads.
MAX_RAW = sum(WEIGHTS.values()) + 7.5 + 2 * WEIGHTS["sector"] + 2.0
# At most this many listings (marketplaces, directories) in one plan: the rest of it builds an audience.
LISTING_KINDS, MAX_OF_A_KIND = ("marketplace", "directory"), 3
GOOD_ENOUGH = 55.0        # below this best score, no channel fits well enough
MIN_STRENGTH = 2          # "present" in at least one target market
MIN_SEGMENT_FIT = 1
MIN_PRIORITY_FIT = 2      # the main objective must be something the channel is good at
DIGITAL_OFFERINGS = ("software", "contenuti")  # sold online without a shop window
MAX_USED_KEPT = 2         # channels already in use that fit are kept first, up to this many
DEFAULT_MARKETS = ("IT",)
MULTI_BRAND = re.compile(r"\b(multi-?brand|multimarca|piu marchi|diversi marchi|vari marchi|"
                         r"piu brand|diversi brand|vari brand|gruppo di aziende|holding)\b")
AGE_BANDS = ((13, 17, "13-17"), (18, 24, "18-24"), (25, 34, "25-34"), (35, 44, "35-44"),
             (45, 54, "45-54"), (55, 64, "55-64"), (65, 120, "65+"))


@dataclass
class Recommendation:
    id: str
    name: str
    score: float
    breakdown: Dict[str, float]
    reasons: List[str]
    first_step: str
    weekly_hours: float
    url: str = ""  # the channel's site, from the knowledge base ("" when it has none)


@dataclass
class NotAFit:
    id: str
    name: str
    reasons: List[str]


@dataclass
class Plan:
    channels: List[Recommendation]
    not_a_fit: List[NotAFit]
    specialist_advised: bool
    specialist_reasons: List[Dict[str, str]]   # {"code", "text"}
    specialist_help: List[str]
    time_note: Optional[str]
    caution_notes: List[str]
    markets: List[str]
    kb_version: str
    offering: Optional[str] = None  # what the business offers, as the plan read it (bot/offerings.py)

    def payload(self) -> Dict[str, Any]:
        """The machine-readable plan sent as the recommendation turn's `custom` message."""
        return {"type": "bussola.plan", "schema_version": 1, "kb_version": self.kb_version,
                "markets": self.markets, "offering": self.offering,
                "channels": [asdict(c) for c in self.channels],
                "not_a_fit": [asdict(n) for n in self.not_a_fit],
                "specialist_advised": self.specialist_advised,
                "specialist_reasons": self.specialist_reasons,
                "specialist_help": self.specialist_help,
                "time_note": self.time_note, "caution_notes": self.caution_notes}


# --- reading the profile -------------------------------------------------------------------

def _given(value: Any) -> bool:
    return value is not None and value != P.SKIPPED


# What customers come to: the business's own place stays its market whoever the customers are.
VISITED_OFFERINGS = ("alloggio", "esperienze", "eventi", "cibo_sul_posto", "servizi_locali", "salute")


def markets_of(profile: Mapping[str, Any], voc: Vocabulary) -> Tuple[str, ...]:
    """Knowledge-base markets for the profile's places; Italy when none was given. A B2B business
    that names its own town or region and foreign countries, not Italy as a whole, is looking for
    customers in those countries (an exporter: "valvole da Lumezzane, distributori in Cina"): its
    markets are the foreign ones. So are those whose audience names a foreign country of theirs
    ("famiglie russe" for a hotel in Rimini), or whose description does when what it offers travels to
    the customer ("promuoverci tra i consumatori russi" for a dairy near Reggio Emilia): its customers
    are reached where they live. A place people come to (a wedding planner in Puglia "per coppie
    americane") keeps its home market too, where its listings and reviews are read."""
    places = [voc.places[p] for p in (profile.get("locations") or [] if _given(profile.get("locations")) else [])
              if p in voc.places]
    foreign = [p for p in places if p.kind == "country" and "IT" not in p.markets]
    home_and_abroad = bool(foreign) and all(p.kind in ("city", "region") or p in foreign for p in places)
    offering = profile.get("offering") or offerings.infer(profile)
    fields = ("audience",) if offering in VISITED_OFFERINGS else ("audience", "activity")
    said = " ".join(profile[k] for k in fields if isinstance(profile.get(k), str))
    # "famiglie russe" for a hotel in Rimini: the customers are reached where they live
    named = voc.places_in_text(said) if home_and_abroad and said else []
    theirs = [p for p in foreign if p.id in named]
    if theirs:
        places = theirs
    elif profile.get("segment") == "b2b" and home_and_abroad:
        places = foreign
    found: List[str] = []
    for info in places:
        for market in info.markets:
            if market not in found:
                found.append(market)
    return tuple(found) or DEFAULT_MARKETS


def local_presence(profile: Mapping[str, Any], voc: Vocabulary) -> bool:
    """Whether the user named a city or a region: a place people can walk into or call nearby."""
    locations = profile.get("locations") if _given(profile.get("locations")) else []
    return any(voc.places[p].kind in ("city", "region") for p in locations or [] if p in voc.places)


def age_bands(audience: Any) -> Tuple[str, ...]:
    """The knowledge base's age bands that overlap an audience like "25-40" or "65+"."""
    if not _given(audience) or not isinstance(audience, str):
        return ()
    match = re.fullmatch(r"(\d{1,2})(?:-(\d{1,3})|\+)", audience.strip())
    if not match:
        return ()
    low = int(match.group(1))
    high = int(match.group(2)) if match.group(2) else 120
    return tuple(band for lo, hi, band in AGE_BANDS if lo <= high and hi >= low)


def _objectives(profile: Mapping[str, Any]) -> Tuple[List[str], Optional[str]]:
    objectives = [o for o in profile.get("objectives") or [] if o in P.OBJECTIVES] \
        if _given(profile.get("objectives")) else []
    priority = profile.get("priority")
    if priority not in objectives:
        priority = objectives[0] if len(objectives) == 1 else None
    return objectives, priority


# --- scoring ------------------------------------------------------------------------------

@dataclass
class _Fit:
    channel: Channel
    score: float
    breakdown: Dict[str, float]
    excluded: List[str] = field(default_factory=list)   # Italian reasons it cannot be recommended
    made_for: Optional[str] = None  # the word of the description this channel is built for
    reasons: List[str] = field(default_factory=list)    # Italian reasons it fits


def score_channel(channel: Channel, profile: Mapping[str, Any], markets: Sequence[str],
                  voc: Vocabulary, cases: Optional[Sequence[special_cases.Rule]] = None) -> _Fit:
    """One channel against the profile. `cases`: the profile's special cases, when the caller has
    read them already (a plan scores every channel against the same ones)."""
    objectives, priority = _objectives(profile)
    segment = profile.get("segment") if _given(profile.get("segment")) else None
    sector = profile.get("sector") if _given(profile.get("sector")) else None
    breakdown: Dict[str, float] = {}
    fit = _Fit(channel, 0.0, breakdown)
    t = texts.plan_text

    # market: present in at least one target market (hard), scored on the average over all of them
    # so that a channel strong in Italy only ranks lower for a worldwide audience
    strengths = {m: channel.strength_in(m) for m in markets}
    best_market = max(strengths.values())
    market_share = sum(strengths.values()) / (3 * len(strengths))
    if channel.local and not local_presence(profile, voc):
        market_share *= 0.4  # maps and local listings matter to people nearby, not to a national audience
    breakdown["market"] = round(WEIGHTS["market"] * market_share, 1)
    # a tool to publish what the user already makes (a newsletter on Substack) reaches readers the
    # user brings, by email or feed: its weak presence in the market lowers the score, rules nothing out
    open_to_sector = channel.is_generalist() or sector in channel.sectors  # an unknown sector opens no vertical
    made_for = channel.made_for_in(profile["activity"]) \
        if open_to_sector and isinstance(profile.get("activity"), str) else None
    own_readers = bool(made_for) and set(channel.kinds) == {"publishing"}
    if best_market < MIN_STRENGTH and not (own_readers and best_market >= 1):
        fit.excluded.append(t("weak_market", markets=texts.markets(markets)))
    elif best_market == 3:
        fit.reasons.append(t("strong_market", markets=texts.markets(
            [m for m, s in strengths.items() if s == 3])))

    # B2B / B2C
    if segment:
        seg_fit = max(channel.b2b, channel.b2c) if segment == "entrambi" else getattr(channel, segment)
        breakdown["segment"] = round(WEIGHTS["segment"] * seg_fit / 3, 1)
        if segment in ("b2b", "b2c"):
            # a channel made for your kind of customer beats one that merely reaches them too
            other = channel.b2c if segment == "b2b" else channel.b2b
            breakdown["specialisation"] = round(2.5 * max(0, seg_fit - other), 1)
        if seg_fit < MIN_SEGMENT_FIT:
            fit.excluded.append(t("wrong_segment_" + segment))
        elif seg_fit == 3:
            fit.reasons.append(t("segment_" + segment))
    else:
        breakdown["segment"] = round(WEIGHTS["segment"] * max(channel.b2b, channel.b2c) / 6, 1)

    # sector: verticals only for their own sectors; among the channels open to the sector, one built
    # for what the user makes ("un podcast", "consegne a domicilio") counts as their sector's community
    if made_for:
        fit.made_for = made_for
        breakdown["sector"] = WEIGHTS["sector"] * 3
        fit.reasons.append(t("made_for", what=made_for))
    elif channel.is_generalist():
        breakdown["sector"] = round(WEIGHTS["sector"] / 2, 1)
    elif sector in channel.sectors and "vertical" in channel.kinds:
        breakdown["sector"] = WEIGHTS["sector"] * 3  # the community of your sector: worth a lot
        fit.reasons.append(t("vertical_match", sector=voc.sector_name(sector)))
    elif sector in channel.sectors:
        breakdown["sector"] = WEIGHTS["sector"]  # limited to some sectors, yours among them
    else:
        breakdown["sector"] = 0.0
        fit.excluded.append(t("other_sectors", sectors=", ".join(voc.sector_name(s) for s in channel.sectors)))
    if "verified_professionals" in channel.requirements and sector not in channel.sectors:
        fit.excluded.append(t("verified_only"))
    unfit = channel.not_for_in(profile["activity"]) if profile.get("activity") else None
    if unfit:  # "clinica veterinaria": health, but not the patients of a portal of doctors
        fit.excluded.append(t("not_for", what=unfit, serves=channel.serves or channel.description))
    # a special case that rules the channel out (no social pages for betting; no adult platforms for children)
    for case in special_cases.matching(profile, markets) if cases is None else cases:
        if case.rules_out(channel.kinds, channel.ages, channel.id):
            fit.excluded.append(case.avoid_why)
    # tried for a month after the plan, without a conversation or a contact (bot/coaching.py)
    if channel.id in (profile.get("channels_dropped") or ()):
        fit.excluded.append(t("tried_without_results"))
    # a channel made for conversation, for someone who said they will not answer messages
    if profile.get("replies_to_messages") is False and "messaging" in channel.kinds:
        fit.excluded.append(t("no_replies"))
    # what the business offers: a marketplace, directory or vertical serves some offerings only
    offering = profile.get("offering")
    hiring = "recruiting" in objectives and "lavoro" in channel.offerings  # job ads serve any employer
    # a channel of job ads and other listings (Subito.it: goods and jobs), open to this business only for
    # its job ads: its objective figures describe the other listings
    serves = channel.serves_offering(offering)
    as_employer_only = hiring and not serves and set(channel.offerings) != {"lavoro"}
    if not serves and not hiring:
        fit.excluded.append(t("wrong_offering", name=channel.name, serves=channel.serves,
                              offering=offerings.label(offering)))

    # objectives: the main one counts double; a channel open only for its job ads serves recruiting alone
    if objectives:
        weights = {o: (2.0 if o == priority else 1.0) for o in objectives}
        reach_of = {o: (0 if as_employer_only and o != "recruiting" else channel.objectives[o])
                    for o in objectives}
        got = sum(weights[o] * reach_of[o] for o in objectives)
        breakdown["objectives"] = round(WEIGHTS["objectives"] * got / (3 * sum(weights.values())), 1)
        main = priority or max(objectives, key=lambda o: (reach_of[o], o))
        # selling something digital (subscriptions, apps, courses) online is won by an audience first:
        # a channel good at making one known serves that sale too
        reach = max(reach_of[main], channel.objectives["notorieta"]) \
            if main == "vendite" and offering in DIGITAL_OFFERINGS and not as_employer_only \
            else reach_of[main]
        if reach < MIN_PRIORITY_FIT:
            fit.excluded.append(t("weak_objective", objective=texts.OBJECTIVE_LABELS[main]))
        good = [o for o in objectives if reach_of[o] == 3]
        if good:
            fit.reasons.append(t("objectives", objectives=texts.join(texts.OBJECTIVE_LABELS[o] for o in good)))
    else:
        breakdown["objectives"] = round(WEIGHTS["objectives"] * sum(channel.objectives.values())
                                        / (6 * len(P.OBJECTIVES)), 1)  # half weight: no objective given

    # audience age
    bands = age_bands(profile.get("audience"))
    if bands:
        overlap = len(set(bands) & set(channel.ages)) / len(bands)
        breakdown["audience"] = round(WEIGHTS["audience"] * overlap, 1)
        if overlap >= 0.5:
            fit.reasons.append(t("audience", ages=profile["audience"]))
    else:
        breakdown["audience"] = round(WEIGHTS["audience"] / 2, 1)

    if profile.get("ad_budget") is True and channel.ads:
        breakdown["ads"] = 2.0
    # a percentage of the best a channel could get, not a sum capped at 100: two channels are no
    # longer "al 100%" together because both passed the cap
    raw = sum(breakdown.values())
    for part in breakdown:
        breakdown[part] = round(breakdown[part] * 100 / MAX_RAW, 1)
    fit.score = round(min(100.0, raw * 100 / MAX_RAW), 1)  # scaled once: rounded parts may sum to 100.2
    return fit


def _figure_reason(channel: Channel, markets: Sequence[str]) -> Optional[str]:
    for region in (*markets, "world"):
        figure = channel.figure(region)
        if figure:
            return texts.plan_text("figure", text=figure.text, source=figure.source, year=figure.year)
    return None


def _rank(fits: List[_Fit]) -> List[_Fit]:
    """By score; on a tie, the channel that asks less time first, then the stronger in its markets
    (the plan says so), then by id so that the same profile always gets the same plan."""
    return sorted(fits, key=lambda f: (-f.score, _hours(f), -f.breakdown.get("market", 0),
                                       f.channel.id))


def _with_an_audience(chosen: List[_Fit], candidates: List[_Fit], total: float,
                      hours: Optional[float]) -> Tuple[List[_Fit], float]:
    """A plan of listings only (marketplaces, directories) gets the best channel where the business
    builds its own audience, in place of its lowest listing whose hours make room for it."""
    if len(chosen) < MIN_PLAN or not all(_is_listing(f) for f in chosen):
        return chosen, total
    audience = next((f for f in candidates if not _is_listing(f)), None)
    if audience is None:
        return chosen, total
    for listing in reversed(chosen):  # the lowest first; the one built for what the user makes stays
        if listing.made_for:
            continue
        after = total - _hours(listing) + _hours(audience)
        if hours is None or after <= hours:
            return [f for f in chosen if f is not listing] + [audience], after
    return chosen, total


def _with_what_you_make(chosen: List[_Fit], candidates: List[_Fit], total: float,
                        hours: Optional[float]) -> Tuple[List[_Fit], float]:
    """A plan without the channel built for what the user makes (a podcast platform for a podcast)
    takes the best such channel, added or in place of its lowest channel, where the hours allow."""
    made = next((f for f in candidates if f.made_for), None)
    if made is None or any(f.made_for for f in chosen):
        return chosen, total
    if len(chosen) < MAX_PLAN and (hours is None or total + _hours(made) <= hours):
        return chosen + [made], total + _hours(made)
    for lowest in reversed(chosen):
        after = total - _hours(lowest) + _hours(made)
        if hours is None or after <= hours:
            return [f for f in chosen if f is not lowest] + [made], after
    return chosen, total


def _is_listing(fit: _Fit) -> bool:
    return bool(set(fit.channel.kinds) & set(LISTING_KINDS))


def _same_kind_count(chosen: List[_Fit], fit: _Fit) -> int:
    """How many chosen channels are, like the fit, places to be listed (marketplaces, directories,
    price comparators); 0 when the fit is not one."""
    if not _is_listing(fit):
        return 0
    return sum(_is_listing(f) for f in chosen)


def _first_looked_at(candidates: List[_Fit], used: Sequence[str]) -> List[_Fit]:
    """The candidates in the order the plan considers them: (at most two of) the channels already in
    use that fit, then the rest by rank. A consultant starts from what is already working, not from a
    blank page."""
    kept = [f for f in candidates if f.channel.id in used][:MAX_USED_KEPT]
    return kept + [f for f in candidates if f not in kept]


def _hours(fit: _Fit) -> float:
    """The weekly time a channel asks of this user: half its usual time for a channel built for what
    the user already makes (a podcast on a podcast platform), where the work is publishing it."""
    return fit.channel.min_weekly_hours / 2 if fit.made_for else fit.channel.min_weekly_hours


def _choose(candidates: List[_Fit], hours: Optional[float],
            used: Sequence[str] = ()) -> Tuple[List[_Fit], Optional[str]]:
    """Up to four channels, in the order of `_first_looked_at`, whose weekly effort fits the stated
    hours; says so when the smallest useful set (two) does not fit."""
    chosen: List[_Fit] = []
    total = 0.0
    order = _first_looked_at(candidates, used)
    for fit in order:
        if len(chosen) == MAX_PLAN:
            break
        if _same_kind_count(chosen, fit) >= MAX_OF_A_KIND:
            continue  # four marketplaces are one way to sell, not a plan: others get a place
        need = _hours(fit)
        if hours is None or total + need <= hours:
            chosen.append(fit)
            total += need
    chosen, total = _with_what_you_make(chosen, candidates, total, hours)
    chosen, total = _with_an_audience(chosen, candidates, total, hours)
    note = None
    if hours is not None and len(chosen) < MIN_PLAN:
        for fit in order:
            if len(chosen) >= MIN_PLAN:
                break
            if fit not in chosen:
                chosen.append(fit)
                total += _hours(fit)
        if total > hours:
            note = texts.plan_text("over_time", total=texts.hours(total), hours=texts.hours(hours))
    return _rank(chosen), note


def _tie_reason(first: _Fit, second: _Fit) -> str:
    """Why the first of two channels with the same score comes first (the order of `_rank`)."""
    t = texts.plan_text
    if _hours(first) < _hours(second):
        why = t("tie_less_time")
    elif first.breakdown.get("market", 0) > second.breakdown.get("market", 0):
        why = t("tie_stronger_market")
    else:
        why = t("tie_any_order")
    return t("tie", other=second.channel.name, why=why)


def _why_not_chosen(fit: _Fit, chosen: List[_Fit], hours: Optional[float]) -> str:
    """Why a channel that fits was left out, in its real cause: a lower score, the time it would
    add, or the plan already holding enough listings; never "ranked lower" when it scored higher."""
    t = texts.plan_text
    lowest = min((f.score for f in chosen), default=0.0)
    if fit.score < lowest or not chosen:
        return t("ranked_lower", score=texts.number(fit.score))
    if _same_kind_count(chosen, fit) >= MAX_OF_A_KIND:
        return t("enough_listings")
    if hours is not None:
        used = sum(_hours(f) for f in chosen)
        return t("no_time_left", need=texts.hours(_hours(fit)), hours=texts.hours(hours),
                 used=texts.hours(used))
    return t("plan_full", count=len(chosen))


# --- the plan -----------------------------------------------------------------------------

def recommend(profile: Mapping[str, Any], kb: KnowledgeBase, voc: Vocabulary) -> Plan:
    if profile.get("offering") in (None, "", P.SKIPPED):  # what the business offers, when the interview did not say
        profile = {**profile, "offering": offerings.infer(profile)}
    markets = markets_of(profile, voc)
    t = texts.plan_text
    cases = special_cases.matching(profile, markets)  # read once: every channel is scored against them
    fits = [score_channel(c, profile, markets, voc, cases) for c in kb.all()]
    # a plan holds only channels that fit well enough; fewer than two means no standard recipe
    candidates = _rank([f for f in fits if not f.excluded and f.score >= GOOD_ENOUGH])
    hours = profile.get("weekly_hours") if isinstance(profile.get("weekly_hours"), (int, float)) else None
    used = [c for c in profile.get("channels_used") or [] if isinstance(c, str)] \
        if _given(profile.get("channels_used")) else []
    chosen, time_note = _choose(candidates, hours, used)

    recommendations = []
    for n, fit in enumerate(chosen):
        reasons = list(fit.reasons)
        if fit.channel.id in used:
            reasons.insert(0, t("already_used"))
        figure = _figure_reason(fit.channel, markets)
        if figure:
            reasons.append(figure)
        following = chosen[n + 1] if n + 1 < len(chosen) else None
        if following is not None and following.score == fit.score:
            reasons.append(_tie_reason(fit, following))
        recommendations.append(Recommendation(
            fit.channel.id, fit.channel.name, fit.score, fit.breakdown, reasons or [t("generic_fit")],
            fit.channel.listening, _hours(fit), fit.channel.url))

    # channels the user uses or named that are not in the plan: why not
    chosen_ids = {r.id for r in recommendations}
    mentioned = [c for c in [*(profile.get("channels_used") or []), *(profile.get("channels_named") or [])]
                 if isinstance(c, str)]
    by_id = {f.channel.id: f for f in fits}
    not_a_fit = []
    for cid in dict.fromkeys(mentioned):
        if cid in chosen_ids or cid not in by_id:
            continue
        fit = by_id[cid]
        not_a_fit.append(NotAFit(cid, fit.channel.name, fit.excluded or [_why_not_chosen(fit, chosen, hours)]))

    specialist = _specialist_reasons(profile, markets, candidates, hours, cases)
    cautions = [rule.why for rule in cases if rule.severity == special_cases.CAUTION]
    # not replying, or hiding both faces and answers: said first and plainly, but no specialist can
    # answer messages in the user's place; the plan leaves out the channels made for conversation
    if profile.get("replies_to_messages") is False \
            or (profile.get("shows_identity") is False and profile.get("handles_criticism") is False):
        cautions.append(t("reason_not_ready"))
    if profile.get("shows_identity") is False:
        cautions.append(t("caution_identity"))
    if profile.get("handles_criticism") is False:
        cautions.append(t("caution_criticism"))
    if profile.get("real_relationships") is False:
        cautions.append(t("caution_relationships"))
    return Plan(recommendations, not_a_fit, bool(specialist),
                [{"code": code, "text": text} for code, text, _ in specialist],
                [help_ for _, _, help_ in specialist],
                time_note, cautions, list(markets), kb.version, profile.get("offering"))


def _specialist_reasons(profile, markets, candidates, hours, cases) -> List[Tuple[str, str, str]]:
    """(code, why, what a specialist would do) for each reason no standard recipe applies."""
    t = texts.plan_text
    out: List[Tuple[str, str]] = []
    if "CN" in markets:
        out.append(("local_entity", t("reason_local_entity")))
    if "RU" in markets:
        out.append(("sanctions", t("reason_sanctions")))
    # regulated or sensitive trades and audiences (data/specialist_rules.yml)
    rules = [(r.code, r.why, r.help) for r in cases if r.severity == special_cases.SPECIALIST]
    least = min((_hours(f) for f in candidates), default=None)
    if hours is not None and least is not None and hours < least:
        out.append(("insufficient_resources", t("reason_resources", hours=texts.hours(hours),
                                                 need=texts.hours(least))))
    objectives, priority = _objectives(profile)
    if len(objectives) >= 4 and priority is None:
        out.append(("too_many_objectives", t("reason_too_many_objectives", count=len(objectives))))
    elif len(objectives) >= 3 and hours is not None and priority is None:
        # with a priority the plan serves it first: the user has already made the choice a specialist would
        best = {o: max((f for f in candidates), key=lambda f: (f.channel.objectives[o], f.score), default=None)
                for o in objectives}
        needed = {f.channel.id: _hours(f) for f in best.values() if f}
        if len(needed) >= 3 and sum(needed.values()) > hours:
            out.append(("conflicting_objectives", t("reason_conflicting_objectives")))
    # trouble the check-ins heard more than once (bot/coaching.py): no recipe fixes it alone
    for kind in profile.get("coaching_trouble") or ():
        if kind in ("criticism", "time"):
            out.append((f"{kind}_trouble", t(f"reason_{kind}_trouble")))
    if len(candidates) < MIN_PLAN and not any(rule.avoid_all for rule in cases):
        out.append(("no_good_fit", t("reason_no_good_fit")))  # not when a case holds every channel back
    countries = {m for m in markets if m != "other"} | ({"other"} if "other" in markets else set())
    activity = fold(profile.get("activity") or "") if isinstance(profile.get("activity"), str) else ""
    if len(countries) >= 2 and MULTI_BRAND.search(activity):
        out.append(("multi_brand_multi_country", t("reason_multi_brand")))
    else:
        size = special_cases.large_organisation(profile)  # "12 marchi in 30 paesi", "150 negozi"
        if size:
            out.append(("large_organisation", t("reason_large_organisation", what=texts.join(size))))
    return rules + [(code, text, t("help_" + code)) for code, text in out]
