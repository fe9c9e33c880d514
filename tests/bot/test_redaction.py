"""bot/redaction.py: emails and phone numbers masked in text and in log records, nothing else."""
from __future__ import annotations

import io
import logging
import re

import pytest

from bot.redaction import EMAIL_MASK, PHONE_MASK, RedactPersonalData, redact


@pytest.mark.parametrize("text, expected", [
    ("scrivimi a mario.rossi@example.it", f"scrivimi a {EMAIL_MASK}"),
    ("Anna <anna_bianchi+preventivi@pec.studio-legale.it>, grazie", f"Anna <{EMAIL_MASK}>, grazie"),
    ("ANNA@PIZZERIA.IT.", f"{EMAIL_MASK}."),
    ("josé.núñez@correo.es", EMAIL_MASK),
    ('{"text": "la mia mail è luca@libero.it"}', f'{{"text": "la mia mail è {EMAIL_MASK}"}}'),
    ("due: a@b.co e c.d@e.com", f"due: {EMAIL_MASK} e {EMAIL_MASK}"),
])
def test_email_addresses_are_masked(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("phone", [
    "333 1234567", "3331234567", "347-765-4321", "333.123.4567", "+39 333 123 4567", "+393331234567",
    "0039 333 1234567",  # Italian mobiles
    "02 1234 5678", "06/12345678", "081 123 4567", "089 123456", "+39 02 1234 5678",  # landlines
    "+41 44 668 18 00", "+41446681800",  # Switzerland
    "+1 650-253-0000", "+1 (650) 253-0000",  # North America
])
def test_phone_numbers_are_masked(phone):
    assert redact(f"chiamami al {phone}, grazie") == f"chiamami al {PHONE_MASK}, grazie"


@pytest.mark.parametrize("text", [
    "lavoriamo 3 ore a settimana", "nel 2026 apriamo a Milano", "siamo in 8, budget 500 euro",
    "tra il 2020 e il 2026", "2026-11-26 17:15:02 ERROR rasa.core  - took 123 ms",
    "127.0.0.1:5005 pid 4242 port 54321", "sender e2e-3f2a1b2c3d4e, uuid 123e4567-e89b-12d3-a456-426614174000",
    "alle 18:30 o alle 9", "CAP 20121, via Roma 12", "chiocciola @ e niente dominio", "mario@localhost", "",
    "Ciao, sono Bussola! Ti aiuto a capire quali canali online fanno per te.",
])
def test_text_without_personal_data_is_unchanged(text):
    assert redact(text) == text


def test_masking_twice_changes_nothing():
    once = redact("mario@rossi.it, 333 1234567, +41 44 668 18 00")
    assert once == f"{EMAIL_MASK}, {PHONE_MASK}, {PHONE_MASK}" and redact(once) == once


@pytest.mark.parametrize("text, expected", [
    ("GET /lead?email=giulia.verdi%40example.it&x=1", f"GET /lead?email={EMAIL_MASK}&x=1"),  # percent-encoded
    ("codice fiscale VRDGLI80A41H501X.", "codice fiscale [codice fiscale]."),
    ("cf vrdgli80a41h501x", "cf [codice fiscale]"),  # any case
    ("IBAN IT60 X054 2811 1010 0000 0123 456 per il bonifico", "IBAN [iban] per il bonifico"),
    ("DE89370400440532013000", "[iban]"),
    ("ordine IT60X0542811101000000123457", "ordine IT60X0542811101000000123457"),  # checksum fails: not an IBAN
])
def test_tax_codes_ibans_and_encoded_emails_are_masked(text, expected):
    assert redact(text) == expected


def test_conversation_ids_become_pseudonyms():
    web, telegram = "web-0f1e2d3c4b5a69788796a5b4c3d2e1f0", "tg-123456789"
    line = redact(f"saved {web}; telegram {telegram}; again {web}")
    assert web not in line and telegram not in line
    pseudonyms = re.findall(r"\[conversazione [0-9a-f]{8}\]", line)
    assert len(pseudonyms) == 3 and pseudonyms[0] == pseudonyms[2] != pseudonyms[1]  # still correlated
    assert redact(line) == line


@pytest.fixture
def log():
    """A logger whose handler has the filter, writing to a string."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactPersonalData(record_factory=False))  # the factory is global: not in tests
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def test_the_filter_masks_message_arguments_exceptions_and_extras(log):
    logger, stream = log
    logger.info("contact %s, %r", "anna@pizzeria.it", {"phone": "+39 081 123 4567"})
    logger.warning("no personal data here: 3 ore, 2026")
    try:
        raise ValueError("invalid address luca@libero.it")
    except ValueError:
        logger.exception("failed for %s", "333 1234567")
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "msg", None, None)
    record.request = "GET /lead?email=anna@pizzeria.it"  # what `extra=` adds
    RedactPersonalData(record_factory=False).filter(record)
    output = stream.getvalue()
    assert "anna@pizzeria.it" not in output and "123 4567" not in output and "luca@libero.it" not in output
    assert f"contact {EMAIL_MASK}, {{'phone': '{PHONE_MASK}'}}" in output
    assert "no personal data here: 3 ore, 2026" in output
    assert f"failed for {PHONE_MASK}" in output and f"ValueError: invalid address {EMAIL_MASK}" in output
    assert record.request == f"GET /lead?email={EMAIL_MASK}"


def test_the_filter_never_drops_a_record(log):
    logger, stream = log
    logger.info("%s %s", "only one argument")  # a format error: logging reports it, we keep the record
    assert RedactPersonalData(record_factory=False).filter(
        logging.LogRecord("x", logging.INFO, __file__, 1, "bad %d", ("a@b.it",), None))


def test_the_logging_config_file_installs_the_filter():
    """deploy/logging.yml, as Rasa applies it (dictConfig): the root handler masks."""
    import logging.config

    import yaml

    from scripts.common import ROOT

    config = yaml.safe_load((ROOT / "deploy" / "logging.yml").read_text())
    assert config["disable_existing_loggers"] is False and "level" not in config["root"]
    filters = config["handlers"]["console"]["filters"]
    assert [config["filters"][name]["()"] for name in filters] == ["bot.redaction.RedactPersonalData"]
    configurator = logging.config.DictConfigurator(config)
    # record_factory off: the factory is process-wide, and this is the test process
    made = configurator.configure_filter({**config["filters"][filters[0]], "record_factory": False})
    assert isinstance(made, RedactPersonalData)
