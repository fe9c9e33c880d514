# Bussola's commands. The two a newcomer needs: `make chat` and `make test`.
.PHONY: chat serve telegram stack test setup train crossval converse benchmark load-test validate kb-validate kb-diff

setup:            ## virtual environment, packages, spaCy pipeline, model (each only if needed)
	@scripts/setup.sh

chat: setup       ## start the bot and chat with it in the terminal
	@.venv/bin/python -m scripts.serve

serve: setup      ## start the bot without the terminal chat
	@.venv/bin/python -m scripts.serve --no-chat

telegram: setup   ## try the bot on Telegram from this machine: long polling, just a BotFather token in BUSSOLA_TELEGRAM_TOKEN
	@test -n "$$BUSSOLA_TELEGRAM_TOKEN" || { echo "BUSSOLA_TELEGRAM_TOKEN is not set: ask BotFather for a token, then BUSSOLA_TELEGRAM_TOKEN=123456:ABC... make telegram (docs/telegram.md)"; exit 2; }
	@BUSSOLA_TELEGRAM_MODE=polling .venv/bin/python -m scripts.serve --no-chat

stack: setup      ## the production topology on loopback: 2 Rasa replicas, 2 action servers, nginx, PostgreSQL, Redis (REPLICAS=n)
	@.venv/bin/python -m scripts.stack $(if $(REPLICAS),--replicas $(REPLICAS))

test: setup       ## the whole test suite: unit, data validation, test stories, end-to-end
	@.venv/bin/python -m scripts.run_tests

load-test: setup  ## 1, 10, 50 concurrent interviews through the production stack, 1 then 2 replicas (issue 6)
	@.venv/bin/python -m scripts.load_test

validate: setup   ## rasa data validate, warnings are errors
	@.venv/bin/python -m scripts.run_tests -k rasa_data_validate

crossval: setup   ## 5-fold NLU cross-validation, report in reports/crossval/
	@.venv/bin/python -m scripts.crossval

converse: setup   ## the held-out conversations (tests/conversations/) through the bot, report in reports/conversations/
	@.venv/bin/python -m scripts.converse $(if $(LIMIT),--limit $(LIMIT))

benchmark: setup  ## latency, throughput, training and start time, memory, against a `rasa init` baseline
	@.venv/bin/python -m scripts.benchmark

kb-validate: setup ## check data/kb/channels.yml (schema, sources and years of figures, aliases)
	@.venv/bin/python -m bot.knowledge_base validate

kb-diff: setup    ## how the persona plans change between HEAD's knowledge base and the working copy (REV=…)
	@.venv/bin/python -m scripts.kb_diff --rev $(or $(REV),HEAD)
