"""Sales pre-qualification: leads, consents, qualification scores, the handoff outbox and the sales
team's tools. Plain Python, no Rasa import (the actions in actions/sales.py are thin adapters)."""
