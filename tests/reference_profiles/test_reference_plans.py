"""The engine on the reference profiles (profiles*.yml, six sets), each set written blind from
domain knowledge by a writer who had not seen the engine's output (issue 15): each plan must
contain one of `any_of`, none of `must_not`, and advise a specialist exactly when
`specialist_advised` says so.

The goal is every profile; the figures are in docs/knowledge-base.md. This test holds the line
reached: no fewer profiles passing than PASSING in each set, and every specialist verdict of the
first set right, so a change to the knowledge base or the engine cannot lose ground unseen.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot import knowledge_base, vocabulary
from bot.personas import PERSONAS_FILE
from bot.recommend import recommend

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
# Profiles passing per set, on 2026-12-05 (docs/knowledge-base.md): raise a line as plans improve; lower
# it only with the reason written there (93 -> 92 on 2026-12-05: one profile traded for a simpler
# choice rule). The second set was written blind later: 81/104 on its first run; the third (80 profiles,
# written blind on 2026-12-05 late): 71/80 on its first run; the fourth (80, written blind on 2026-12-06):
# 68/80 on its first run (75 after its failures were read as classes, 2026-12-06); the fifth (80, written
# blind on 2026-12-06 morning): 70/80 on its first run (75 on 2026-12-06, late: a site of goods and job ads
# counts for an employer's hiring alone; 76: infant formula is not promoted to the public).
# The sixth (80, written blind on 2026-12-06 late morning; its writer had common channel ids only):
# 74/80 on its first run, 78 after its failures were read as classes.
PASSING = {"profiles.yml": 99, "profiles_2.yml": 104, "profiles_3.yml": 77, "profiles_4.yml": 75, "profiles_5.yml": 76,
           "profiles_6.yml": 78}


def _checks(name):
    data = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
    defaults = yaml.safe_load(PERSONAS_FILE.read_text(encoding="utf-8"))["defaults"]
    kb, voc = knowledge_base.from_file(), vocabulary.default()
    results = []
    for item in data["profiles"]:
        expect = item["expect"]
        plan = recommend({**defaults, **item["profile"]}, kb, voc)
        ids = {c.id for c in plan.channels}
        specialist = plan.specialist_advised == expect["specialist_advised"]
        any_of = bool(ids & set(expect["any_of"])) or (expect["specialist_advised"] and not ids)
        must_not = not ids & set(expect["must_not"])
        results.append((item["name"], specialist, any_of, must_not, sorted(ids)))
    return results


@pytest.mark.parametrize("name", sorted(PASSING))
def test_the_reference_plans_hold_the_line(name):
    results = _checks(name)
    assert len(results) >= 80
    failing = [(name, ids) for name, specialist, any_of, must_not, ids in results
               if not (specialist and any_of and must_not)]
    passing = len(results) - len(failing)
    assert passing >= PASSING[name], f"{passing}/{len(results)} pass, {PASSING[name]} did before: {failing}"


def test_every_specialist_verdict_of_the_first_set_is_right():
    """The second set disagrees on one stance (a business unwilling to answer or show itself gets
    "start from there" here: docs/knowledge-base.md); its verdicts count within its line."""
    wrong_verdict = [name for name, specialist, *_ in _checks("profiles.yml") if not specialist]
    assert not wrong_verdict, f"specialist advice wrong for {wrong_verdict}"


def test_the_reference_profiles_stay_held_out():
    """Nothing the engine or the training reads mentions this folder, and no reference profile is
    one of the engine's own personas (data/personas.yml)."""
    readers = [p for folder in ("bot", "actions", "data", "scripts") for p in (ROOT / folder).rglob("*")
               if p.is_file() and p.suffix in (".py", ".yml", ".yaml", ".md")]
    assert not [p for p in readers if "reference_profiles" in p.read_text(encoding="utf-8", errors="ignore")]
    ours = {p["name"] for p in yaml.safe_load(PERSONAS_FILE.read_text(encoding="utf-8"))["personas"]}
    theirs = {p["name"] for name in PASSING
              for p in yaml.safe_load((HERE / name).read_text(encoding="utf-8"))["profiles"]}
    assert not ours & theirs
