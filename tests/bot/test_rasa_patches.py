"""The jsonschema fix validates exactly like jsonschema.validate, checking each schema once."""
from __future__ import annotations

import jsonschema
import pytest

from bot import rasa_patches

SCHEMA = {"type": "object", "properties": {"events": {"type": "array"}}, "required": ["events"]}


def test_same_results_as_jsonschema(monkeypatch):
    rasa_patches.validate({"events": []}, SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        rasa_patches.validate({"events": "not a list"}, SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        rasa_patches._original_validate({"events": "not a list"}, SCHEMA)


def test_an_invalid_schema_is_still_refused():
    with pytest.raises(jsonschema.SchemaError):
        rasa_patches.validate({}, {"type": 12})


def test_each_schema_is_checked_once(monkeypatch):
    calls = []
    schema = {"type": "object", "properties": {"x": {"type": "integer"}}}
    validator_class = jsonschema.validators.validator_for(schema)
    original = validator_class.check_schema
    monkeypatch.setattr(validator_class, "check_schema", classmethod(lambda cls, s: calls.append(s) or original(s)))
    for value in range(5):
        rasa_patches.validate({"x": value}, dict(schema))  # a new dict each time, as Rasa builds it
    assert len(calls) == 1


def test_schemas_that_differ_are_not_confused():
    integer = {"type": "object", "properties": {"x": {"type": "integer"}}}
    text = {"type": "object", "properties": {"x": {"type": "string"}}}
    rasa_patches.validate({"x": 1}, integer)
    rasa_patches.validate({"x": "a"}, text)
    with pytest.raises(jsonschema.ValidationError):
        rasa_patches.validate({"x": "a"}, dict(integer))
    integer["properties"]["x"]["type"] = "string"  # a caller changing its dict afterwards
    with pytest.raises(jsonschema.ValidationError):
        rasa_patches.validate({"x": 1}, text)


def test_applied_by_importing_the_nlu_component():
    import bot.nlu_components  # noqa: F401  (Rasa imports it while loading the model)

    assert jsonschema.validate is rasa_patches.validate


def test_event_types_resolve_as_in_rasa():
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    names = {cls.type_name for cls in all_subclasses(Event)}
    assert {"user", "bot", "slot", "action", "active_loop"} <= names
    for name in names:
        assert rasa_patches.resolve_by_type(name) is rasa_patches._original_resolve_by_type(name)
    assert rasa_patches.resolve_by_type("topic") is None
    with pytest.raises(ValueError):
        rasa_patches.resolve_by_type("no_such_event")


def test_an_event_class_defined_later_is_found():
    from rasa.shared.core.events import SlotSet

    class LateEvent(SlotSet):
        type_name = "bussola_late_event_for_test"

    assert rasa_patches.resolve_by_type("bussola_late_event_for_test") is LateEvent


def test_stored_events_deserialise_through_the_patch():
    import bot.nlu_components  # noqa: F401
    from rasa.shared.core.events import Event, SlotSet

    assert Event.resolve_by_type is rasa_patches.resolve_by_type
    event = Event.from_parameters({"event": "slot", "name": "sector", "value": "moda"})
    assert event == SlotSet("sector", "moda")


def test_applied_events_are_rasas_at_every_step_of_a_conversation():
    """After each event of a conversation with a form, a rejected form turn, reverts and a restart,
    the remembered answer is Rasa's own; each caller gets a list of its own."""
    from rasa.shared.core.events import (ActionExecuted, ActionExecutionRejected, ActionReverted, ActiveLoop,
                                         Restarted, SlotSet, UserUttered, UserUtteranceReverted)
    from rasa.shared.core.trackers import DialogueStateTracker

    import bot.nlu_components  # noqa: F401  (applies the patches)

    assert DialogueStateTracker.applied_events is rasa_patches.applied_events
    events = [
        ActionExecuted("action_listen"), UserUttered("ciao"), ActionExecuted("profile_form"),
        ActiveLoop("profile_form"), SlotSet("requested_slot", "sector"), ActionExecuted("action_listen"),
        UserUttered("aiuto"), ActionExecutionRejected("profile_form"), ActionExecuted("action_help"),
        ActionExecuted("profile_form"), SlotSet("requested_slot", "sector"), ActionExecuted("action_listen"),
        UserUttered("moda"), ActionExecuted("profile_form"), SlotSet("sector", "fashion"),
        UserUtteranceReverted(), ActionExecuted("action_listen"), UserUttered("no"), ActionReverted(),
        ActiveLoop(None), Restarted(), ActionExecuted("action_listen"), UserUttered("di nuovo"),
    ]
    tracker = DialogueStateTracker("t", [])
    for event in events:
        tracker.update(event)
        first = tracker.applied_events()
        assert first == rasa_patches._original_applied_events(tracker)
        first.clear()  # a caller changing its list changes nobody else's
        assert tracker.applied_events() == rasa_patches._original_applied_events(tracker)
    copied = tracker.copy()  # another tracker object, replayed from the same events
    assert copied.applied_events() == rasa_patches._original_applied_events(copied)
