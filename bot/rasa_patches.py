"""One performance fix for the Rasa server process, applied when our NLU component is imported
(Rasa imports it while loading the model).

Rasa 3.6 checks every action-server response with `jsonschema.validate`, which first re-checks the
schema itself against the draft 2020-12 meta-schema: about 100 ms per action call on these 2-core
machines, more than the rest of a turn. This keeps the exact same validation (same checks, same
errors) but checks each distinct schema once per process.
"""
from __future__ import annotations

import json
from typing import Any, Dict, Tuple

import jsonschema
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for

_original_validate = jsonschema.validate
_validators: Dict[Tuple[str, Any], Any] = {}


def validate(instance: Any, schema: Any, cls: Any = None, *args: Any, **kwargs: Any) -> None:
    key = (json.dumps(schema, sort_keys=True, default=str), cls)
    validator = _validators.get(key)
    if validator is None:
        validator_class = cls or validator_for(schema)
        validator_class.check_schema(schema)  # once per distinct schema
        validator = validator_class(schema, *args, **kwargs)
        _validators[key] = validator
    error = best_match(validator.iter_errors(instance))
    if error is not None:
        raise error


def apply() -> None:
    jsonschema.validate = validate
