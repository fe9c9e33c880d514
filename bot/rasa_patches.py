"""Performance fixes for the Rasa server process, applied when our NLU component is imported
(Rasa imports it while loading the model). Each keeps Rasa's behaviour exactly and has tests.

1. Rasa 3.6 checks every action-server response with `jsonschema.validate`, which first re-checks the
schema itself against the draft 2020-12 meta-schema: about 100 ms per action call on these 2-core
machines, more than the rest of a turn. This keeps the exact same validation (same checks, same
errors) but checks each distinct schema once per process.

2. Every turn Rasa loads the conversation from the tracker store and turns each stored event back
into an object; for each one `Event.resolve_by_type` walks the whole tree of Event subclasses
(measured: ~15 ms a turn at the 15th message, growing with the conversation). This looks the type
up in a table built from the same walk, in the same order, rebuilt when a name is not in it.

3. `DialogueStateTracker.applied_events` walks all the conversation's events (with type checks on
each) and is called many times in a turn on the same, unchanged tracker: by the session check,
the rule policy, the form, the state featurizer (~8% of the Rasa server's time per message at the
15th turn). Its answer depends on the events alone, so it is remembered per tracker until an
event is added (the event list, its length and its last event are the same objects), and every
caller gets its own copy of the list, as before.
"""
from __future__ import annotations

import copy
from typing import Any, Dict, List, Tuple

import jsonschema
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.shared.core import events as rasa_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses

_original_validate = jsonschema.validate
# (schema, validator class asked for, validator): Rasa builds the same schema as a new dict at
# every call, so it is found by equality (a C-level comparison; serializing it as a key cost
# ~0.5 ms a call)
_validators: List[Tuple[Any, Any, Any]] = []


def validate(instance: Any, schema: Any, cls: Any = None, *args: Any, **kwargs: Any) -> None:
    validator = next((v for known, known_cls, v in _validators if known_cls is cls and known == schema), None)
    if validator is None:
        validator_class = cls or validator_for(schema)
        validator_class.check_schema(schema)  # once per distinct schema
        validator = validator_class(copy.deepcopy(schema), *args, **kwargs)
        _validators.append((validator.schema, cls, validator))
    error = best_match(validator.iter_errors(instance))
    if error is not None:
        raise error


_original_resolve_by_type = rasa_events.Event.resolve_by_type
_event_types: Dict[str, Any] = {}


def _index_event_types() -> None:
    _event_types.clear()
    for cls in all_subclasses(rasa_events.Event):
        _event_types.setdefault(cls.type_name, cls)  # the first match wins, as in Rasa's loop


def resolve_by_type(type_name: str, default: Any = None) -> Any:
    if type_name not in _event_types:
        _index_event_types()  # an Event subclass defined after the last walk
    if type_name in _event_types:
        return _event_types[type_name]
    return _original_resolve_by_type(type_name, default)  # Rasa's own answer for unknown names


_original_applied_events = DialogueStateTracker.applied_events


def applied_events(self: DialogueStateTracker) -> List[Any]:
    events = self.events
    last = events[-1] if events else None
    memo = self.__dict__.get("_applied_events_memo")
    if memo is not None and memo[0] is events and memo[1] == len(events) and memo[2] is last:
        return list(memo[3])
    result = _original_applied_events(self)
    self._applied_events_memo = (events, len(events), last, result)
    return list(result)


def apply() -> None:
    jsonschema.validate = validate
    rasa_events.Event.resolve_by_type = staticmethod(resolve_by_type)
    DialogueStateTracker.applied_events = applied_events
    # an Italian apology instead of silence when the action server or a store fails, on the
    # embedded defaults too (bot/resilience.py)
    from bot import resilience

    resilience.apply()
