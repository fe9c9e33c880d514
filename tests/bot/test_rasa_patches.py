"""The Rasa patches (bot/rasa_patches.py) behave exactly like what they replace: validation, event
types, applied events, slot copies."""
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


def _action_response_validators():
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    rasa_patches.validate({"events": []}, schema)  # builds both validators
    _, _, original, fast = next(entry for entry in rasa_patches._validators if entry[0] == schema)
    assert fast is not None
    return schema, original, fast


def _valid_events():
    return [{"event": "user", "text": "ciao", "parse_data": {"intent": {"name": "greet", "confidence": 0.9},
                                                           "entities": [{"entity": "team", "value": "io"}]}},
            {"event": "action", "name": "profile_form", "policy": None, "confidence": 1.0},
            {"event": "slot", "name": "org_kind", "value": "azienda", "timestamp": 1.0},
            {"event": "active_loop", "name": None}, {"event": "bot", "text": "Ciao!", "metadata": {}},
            {"event": "reset_slots"}, {"event": "followup", "name": "action_listen"}, {"event": "rewind"}]


@pytest.mark.parametrize("response", [
    {"events": _valid_events(), "responses": [{"text": "Ciao"}]},
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "x"}]},  # no value
    {"events": [{"event": "slot", "value": 1}]},  # no name
    {"events": [{"event": "nonsense"}]},  # no such event
    {"events": [{"text": "no event name"}]},
    {"events": [{"event": 3}]},
    {"events": ["not an object"]},
    {"events": [{"event": "user", "parse_data": {"entities": "not a list"}}]},
    {"events": [{"event": "user", "parse_data": {"entities": [{"entity": "x"}]}}]},  # no value
    {"events": [{"event": "entities", "entities": [{"entity": "x", "value": 1}]}, {"event": "entities"}]},
    {"events": [{"event": "action", "name": 5}]},
    {"events": [{"event": "slot", "name": "x", "value": 1, "timestamp": "yesterday"}]},
    {"events": "not a list"},
    {"responses": [1]},
])
def test_the_dispatching_event_schema_accepts_exactly_what_rasas_accepts(response):
    _, original, fast = _action_response_validators()
    assert fast.is_valid(response) == original.is_valid(response)


def test_an_invalid_action_response_raises_rasas_own_error():
    schema, original, _ = _action_response_validators()
    bad = {"events": [{"event": "slot", "name": "x"}]}
    with pytest.raises(jsonschema.ValidationError) as patched:
        rasa_patches.validate(bad, schema)
    assert patched.value.message == best_match_message(original, bad)
    rasa_patches.validate({"events": _valid_events()}, schema)  # and a valid one passes


def best_match_message(validator, instance):
    return jsonschema.exceptions.best_match(validator.iter_errors(instance)).message


def test_only_a_tagged_one_of_is_rewritten():
    untagged = {"type": "object", "oneOf": [{"properties": {"a": {"type": "integer"}}},
                                            {"properties": {"a": {"type": "number"}}}]}
    assert rasa_patches._dispatching(untagged) == untagged
    not_required = {"type": "object", "oneOf": [{"properties": {"k": {"const": "a"}}},
                                                {"properties": {"k": {"const": "b"}}}]}
    assert rasa_patches._dispatching(not_required) == not_required
    numbers = {"type": "object", "required": ["k"], "oneOf": [{"properties": {"k": {"const": 1}}},
                                                              {"properties": {"k": {"const": 2}}}]}
    assert rasa_patches._dispatching(numbers) == numbers  # 1 == 1.0 in JSON Schema, not as keys
    tagged = {**not_required, "required": ["k"]}
    assert rasa_patches._TAGGED in rasa_patches._dispatching(tagged)


def test_slots_are_copied_as_copy_copy_copies_them():
    import copy

    from rasa.shared.core.slots import ListSlot

    rasa_patches.apply()
    slot = ListSlot("objectives", mappings=[{"type": "custom"}], initial_value=["vendite"])
    slot.value = ["contatti"]
    copied = copy.copy(slot)
    assert type(copied) is ListSlot and copied is not slot and copied.__dict__ == slot.__dict__
    copied.value = ["notorieta"]
    assert slot.value == ["contatti"]
