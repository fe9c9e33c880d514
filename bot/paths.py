"""Where the project's files live, resolved from the repository root (not the working directory)."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
VOCABULARY_FILE = DATA / "vocabulary.yml"
CHANNELS_FILE = DATA / "kb" / "channels.yml"
SPACY_MODELS = ROOT / "models" / "spacy"
# Runtime state (SQLite databases, logs): a folder of the project, overridable for tests.
STATE = Path(os.environ.get("BUSSOLA_STATE_DIR", ROOT / "state"))
# The Telegram connector's outcome at start (webhook registered, polling, or the error), beside its
# update queue in the state folder: the start banner (scripts/serve.py) reads it.
TELEGRAM_STATUS = "telegram_status.json"
