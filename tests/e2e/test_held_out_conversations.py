"""The held-out corpus (tests/conversations/) through the running bot: no question is ever asked
more than twice in a row, for any persona, in any of the four ways people write (rich first
message, the same message at the widget's greeting, one answer at a time, phone typing with typos). The other figures of the same run (plans
reached, answers stored right) are goals, reported by `make converse`, not pass/fail here."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from bot import vocabulary
from scripts import converse
from tests.e2e.conftest import API_TOKEN

pytestmark = pytest.mark.e2e


def test_no_question_is_asked_more_than_twice_in_a_row(servers):
    bot = converse.Bot(servers.rasa_url, API_TOKEN)
    voc = vocabulary.default()
    jobs = [(persona, mode) for mode in converse.MODES for persona in converse.load_personas()]
    assert len(jobs) >= 480
    with ThreadPoolExecutor(4) as pool:
        talks = list(pool.map(lambda job: converse.run_persona(bot, job[0], job[1], voc), jobs))
    errors = [f"{t.persona}/{t.mode}: {t.error}" for t in talks if t.error]
    assert not errors, errors[:5]
    stalled = [f"{t.persona}/{t.mode}: «{t.repeated_question}» asked {t.longest_repeat} times in a row"
               for t in talks if t.longest_repeat > 2]
    assert not stalled, f"{len(stalled)} conversations stalled: {stalled[:10]}"
    # every conversation got somewhere: a plan, or the end of the interview
    assert sum(t.reached_plan for t in talks) >= 0.9 * len(talks)
