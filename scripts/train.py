"""Trains the Rasa model when the domain, config or training data changed since the last training.

The model is models/bussola.tar.gz; models/bussola.inputs holds the hash of what it was trained on.
"""
from __future__ import annotations

import sys

from scripts.common import ROOT, VENV_BIN, STATE, files_hash, run_with_progress, say

MODEL = ROOT / "models" / "bussola.tar.gz"
STAMP = ROOT / "models" / "bussola.inputs"


def training_inputs_hash() -> str:
    inputs = [ROOT / "domain.yml", ROOT / "config.yml", *(ROOT / "data").rglob("*.yml")]
    return files_hash(inputs)


def is_current() -> bool:
    return MODEL.exists() and STAMP.exists() and STAMP.read_text().strip() == training_inputs_hash()


def train(force: bool = False) -> None:
    if is_current() and not force:
        say("Model is up to date (models/bussola.tar.gz)")
        return
    say("Training the model (about a minute on 2 cores)")
    run_with_progress(
        "Training", [str(VENV_BIN / "rasa"), "train", "--fixed-model-name", "bussola", "--out", "models"],
        STATE / "train.log", r"Starting to train component|Epochs:.*\d+/\d+")
    STAMP.write_text(training_inputs_hash() + "\n")


if __name__ == "__main__":
    train(force="--force" in sys.argv)
