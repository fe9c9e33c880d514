#!/usr/bin/env bash
# Sets up everything Bussola needs, idempotently: Python 3.10 virtual environment, pinned
# packages, the Italian spaCy pipeline and the trained model. Each step is skipped when its
# inputs have not changed since the last run.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf '\033[31mError: %s\033[0m\n' "$*" >&2; exit 1; }

find_python310() {
  local candidate
  for candidate in "${BUSSOLA_PYTHON:-}" python3.10; do
    if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 \
       && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    for candidate in $(ls -d "$(pyenv root)"/versions/3.10.*/bin/python3.10 2>/dev/null | sort -V -r); do
      [ -x "$candidate" ] && { echo "$candidate"; return 0; }
    done
  fi
  for candidate in "$HOME"/.pyenv/versions/3.10.*/bin/python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do
    [ -x "$candidate" ] && { echo "$candidate"; return 0; }
  done
  return 1
}

# Runs a long command with its output in a log file, showing one updating line of progress.
run_with_progress() {
  local label=$1 log=$2; shift 2
  "$@" >"$log" 2>&1 &
  local pid=$! start=$SECONDS line last=0
  while kill -0 "$pid" 2>/dev/null; do
    line=$(tr '\r' '\n' <"$log" | grep -E "$PROGRESS_PATTERN" | tail -n 1 | cut -c1-70 || true)
    if [ -t 1 ]; then
      printf '\r\033[K    %s: %ds %s' "$label" $((SECONDS - start)) "$line"
    elif [ $((SECONDS - last)) -ge 15 ]; then  # in a log (CI), a line every 15 s
      printf '    %s: %ds %s\n' "$label" $((SECONDS - start)) "$line"
      last=$SECONDS
    fi
    sleep 1
  done
  [ -t 1 ] && printf '\r\033[K'
  if ! wait "$pid"; then
    tail -n 30 "$log" >&2
    fail "$label failed; the full log is in $log"
  fi
  say "$label done in $((SECONDS - start)) s"
}

MISSING_PYTHON="Python 3.10 is required (Rasa 3.6 does not run on 3.11 or later) and was not found.
Install it, for example with pyenv:  pyenv install 3.10.13
or point BUSSOLA_PYTHON at a python3.10 executable, then run this command again."

if [ "${1:-}" = "--find-python" ]; then  # used by the tests
  find_python310 || fail "$MISSING_PYTHON"
  exit 0
fi

# 1. Python 3.10 and the virtual environment
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then
  PY=$(find_python310) || fail "$MISSING_PYTHON"
  say "Creating the virtual environment with $PY"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
fi

# 2. Packages, pinned (requirements.txt for what we use, constraints.txt for everything below it)
# state/ holds conversations, leads and logs: its owner only (folders 700, files 600)
mkdir -p state && chmod 700 state
REQ_HASH=$(cat requirements.txt constraints.txt | sha256sum | cut -c1-16)
if [ "$(cat "$VENV/.requirements-hash" 2>/dev/null)" != "$REQ_HASH" ]; then
  say "Installing the Python packages (about 3 minutes the first time)"
  PROGRESS_PATTERN='^(Collecting|Installing|Successfully)'
  run_with_progress "Package install" state/pip.log \
    "$VENV/bin/python" -m pip install --disable-pip-version-check -r requirements.txt -c constraints.txt
  echo "$REQ_HASH" > "$VENV/.requirements-hash"
fi

export TF_CPP_MIN_LOG_LEVEL=3 RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1 \
       PYTHONWARNINGS=ignore

# 3. The Italian spaCy pipeline (a versioned folder under models/spacy) and the NLU synonyms
"$VENV/bin/python" -m bot.nlp_pipeline

# 4. The channel knowledge base, validated and loaded into the database (idempotent), and the lead
#    tables at their latest migration (Alembic, bot/leads/migrations)
(umask 077; "$VENV/bin/python" -m bot.knowledge_base load && "$VENV/bin/python" -m bot.leads migrate)

# 5. The Rasa model, retrained only when the data, domain or config changed
"$VENV/bin/python" -m scripts.train
