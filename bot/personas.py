"""The fixed persona set of data/personas.yml, shared by the engine's tests and `make kb-diff`."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, List

import yaml

from bot import paths

PERSONAS_FILE = paths.DATA / "personas.yml"


@dataclass(frozen=True)
class Persona:
    name: str
    profile: Dict[str, Any]
    any_of: FrozenSet[str]
    must_not: FrozenSet[str]
    specialist_advised: bool


def load(path: Path = PERSONAS_FILE) -> List[Persona]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Persona(p["name"], {**data["defaults"], **p["profile"]},
                    frozenset(p["expect"]["any_of"]), frozenset(p["expect"]["must_not"]),
                    bool(p["expect"]["specialist_advised"]))
            for p in data["personas"]]
