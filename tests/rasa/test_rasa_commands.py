"""Rasa's own checks on the data and the trained model (the model `make setup` trained)."""
from __future__ import annotations

import json
import subprocess

import pytest

from scripts.common import ROOT, VENV_BIN, env
from scripts.train import MODEL, is_current

pytestmark = pytest.mark.rasa


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "rasa"), *args], cwd=ROOT, env=env(), capture_output=True,
                          text=True, timeout=900)


def test_rasa_data_validate_is_clean():
    result = run("data", "validate", "--fail-on-warnings")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "UserWarning" not in output, output[-3000:]


def test_the_trained_model_matches_the_data():
    assert is_current(), "models/bussola.tar.gz is older than the data: run `make setup`"


def test_stories_pass_without_prediction_errors(tmp_path):
    result = run("test", "core", "--stories", "tests/test_stories.yml", "--model", str(MODEL),
                 "--fail-on-prediction-errors", "--out", str(tmp_path))
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    report = json.loads((tmp_path / "story_report.json").read_text())
    conversations = report["conversation_accuracy"]
    assert conversations["correct"] == conversations["total"] >= 7
    assert conversations["with_warnings"] == 0
