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

4. In that same check each event of the response is matched against all 24 branches of a `oneOf`
(one per event type, told apart by the `event` name) to prove that exactly one fits: ~4% of the
server's time. A second validator, built from the same schema, checks only the branch whose
`event` name the event carries (which is the only one that can fit); when it finds a problem, the
original validator runs and raises its own error, so errors are unchanged.

5. Every tracker Rasa builds (several per turn: prior states, forms' temporary trackers) copies
each of the domain's slots with `copy.copy`, whose generic protocol costs 2 µs a slot; a slot is a
plain object, and copying its attributes is what `copy.copy` does for it (~3% of the time).

6. Work Rasa does lazily on a process's first message, which `warm_up` does beforehand (called by
bot/rest.py when a worker starts, with the rest of the worker's warm-up): SQLAlchemy configures its
mappers on the first tracker-store query, and the action-response validator checks its schema
against the meta-schema on the first action call.
"""
from __future__ import annotations

import copy
from typing import Any, Dict, List, Optional, Tuple

import jsonschema
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.shared.core import events as rasa_events
from rasa.shared.core.slots import Slot
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses

_original_validate = jsonschema.validate
# (schema, validator class asked for, validator, fast validator or None): Rasa builds the same
# schema as a new dict at every call, so it is found by equality (a C-level comparison;
# serializing it as a key cost ~0.5 ms a call)
_validators: List[Tuple[Any, Any, Any, Any]] = []


def _tag(schema: Dict[str, Any]) -> Optional[str]:
    """For a `oneOf` whose branches each fix the same required property with a different `const`
    (Rasa's event schema: `"event": {"const": "user"}`, …), that property."""
    branches = schema.get("oneOf")
    if schema.get("type") != "object" or not isinstance(branches, list) or not branches \
            or not all(isinstance(b, dict) for b in branches):
        return None
    for key in schema.get("required") or []:
        consts = [((b.get("properties") or {}).get(key) or {}).get("const") for b in branches]
        # strings only: JSON Schema's equality of numbers (1 == 1.0, True != 1) is not Python's
        if all(isinstance(c, str) for c in consts) and len(set(consts)) == len(consts):
            return key
    return None


_TAGGED = "bussolaTaggedOneOf"  # our keyword: {"key": property, "branches": {tag: branch}}


def _tagged_one_of(validator: Any, tagged: Dict[str, Any], instance: Any, schema: Any) -> Any:
    if not validator.is_type(instance, "object"):
        return  # the parent's "type": "object" reports it, as for Rasa's oneOf
    tag = instance.get(tagged["key"])
    branch = tagged["branches"].get(tag) if isinstance(tag, str) else None
    if branch is None:
        yield jsonschema.ValidationError(f"{instance!r} is not valid under any of the given schemas")
    else:
        yield from validator.descend(instance, branch)


def _dispatching(schema: Any) -> Any:
    """The schema with each tagged `oneOf` replaced by our keyword, which checks only the branch
    of the instance's tag. Exactly one branch of such a `oneOf` can fit an instance (the others
    have another tag), so both accept the same instances."""
    if isinstance(schema, list):
        return [_dispatching(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    key = _tag(schema)
    out = {name: _dispatching(value) for name, value in schema.items() if not (key and name == "oneOf")}
    if key:
        out[_TAGGED] = {"key": key, "branches": {branch["properties"][key]["const"]: _dispatching(branch)
                                                 for branch in schema["oneOf"]}}
    return out


def validate(instance: Any, schema: Any, cls: Any = None, *args: Any, **kwargs: Any) -> None:
    known = next((entry for entry in _validators if entry[1] is cls and entry[0] == schema), None)
    if known is None:
        validator_class = cls or validator_for(schema)
        validator_class.check_schema(schema)  # once per distinct schema
        validator = validator_class(copy.deepcopy(schema), *args, **kwargs)
        fast_schema = _dispatching(schema)
        fast = None
        if fast_schema != schema:
            fast_class = jsonschema.validators.extend(validator_class, {_TAGGED: _tagged_one_of})
            fast = fast_class(fast_schema, *args, **kwargs)
        known = (validator.schema, cls, validator, fast)
        _validators.append(known)
    _, _, validator, fast = known
    if fast is not None and fast.is_valid(instance):
        return
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


def _copy_slot(self: Slot) -> Slot:
    new = self.__class__.__new__(self.__class__)
    new.__dict__.update(self.__dict__)
    return new


def apply() -> None:
    jsonschema.validate = validate
    Slot.__copy__ = _copy_slot
    rasa_events.Event.resolve_by_type = staticmethod(resolve_by_type)
    DialogueStateTracker.applied_events = applied_events
    # an Italian apology instead of silence when the action server or a store fails, on the
    # embedded defaults too (bot/resilience.py)
    from bot import resilience

    resilience.apply()


def warm_up() -> None:
    """#6: the first message's lazy set-up, done now (idempotent)."""
    from rasa.core import tracker_store  # noqa: F401  (defines the SQL tracker store's mapper)
    from rasa.core.actions.action import RemoteAction
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
    validate({"events": [], "responses": []}, RemoteAction.action_response_format_spec())
