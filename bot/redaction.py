"""Logs carry no personal data: email addresses (also percent-encoded, as in a URL's query), phone
numbers, Italian tax codes and IBANs are masked in every log record, and conversation ids are
replaced by a pseudonym, so a conversation erased on request cannot be found in the logs by its id.

`redact(text)` masks them in a string; `RedactPersonalData` is a `logging.Filter` that masks them in
a record's message and arguments (merged into the message), its exception and stack text and any
string field a library adds (Sanic's access records). Phones are found by `phonenumbers`'
`PhoneNumberMatcher` (region IT, its default "valid" leniency: the numbers the lead form accepts,
Italian and international), so counts, years, times, ports and ids stay readable.

Installed in every process scripts/servers.py starts: the Rasa server and the action server read
`deploy/logging.yml` (`--logging-config-file`), which puts the filter on the root handler; the
sales server and the web server call `install()`. Building the filter also installs a log record
factory that redacts each record when it is created, so handlers configured after ours — Sanic's
own, which Rasa's API app re-creates with `dictConfig` — never see the raw text either.

Plain Python, no Rasa import.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
import traceback
from typing import Any

import phonenumbers

EMAIL_MASK = "[email]"
PHONE_MASK = "[telefono]"
TAX_CODE_MASK = "[codice fiscale]"
IBAN_MASK = "[iban]"
# Conversation ids (bot/senders.py) become "[conversazione 1a2b3c4d]": an HMAC of the id with a key
# of the deployment (BUSSOLA_LOG_KEY; scripts/servers.py gives its servers one, else one per
# process), so one conversation's lines still go together, but nobody can tell whose they are
# without the id, which an erasure deletes everywhere else.
_LOG_KEY = (os.environ.get("BUSSOLA_LOG_KEY") or secrets.token_hex(16)).encode()
_SENDER = re.compile(r"(?<![\w-])(?:web-[A-Za-z0-9_-]{22,64}|tg--?\d{3,20})(?![\w-])")
# Codice fiscale (omocodia: digits may be letters LMNPQRSTUV), any case
_TAX_CODE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z]"
                       r"[0-9LMNPQRSTUV]{3}[A-Z](?![A-Za-z0-9])", re.IGNORECASE)
# IBAN candidates (country, check digits, 11-30 letters or digits, spaces allowed): masked only when
# the ISO 13616 checksum holds, so other codes stay readable
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])")

# local part: the characters RFC 5322 allows unquoted except those that delimit URLs and quoted
# values (/ ? = & # ' ` { | }), so "http://user@host", "?email=anna@x.it" and "['anna@x.it']" keep
# their context (addresses with them are very rare),
# Unicode letters included (SMTPUTF8); domain: labels of letters, digits and hyphens, dots, a
# top-level domain of two letters or more
_LOCAL = r"[\w.!$%*+^~-]"
_EMAIL = re.compile(rf"(?<!{_LOCAL}){_LOCAL}+@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{{2,}}(?![\w-])")
_EMAIL_ENCODED = re.compile(rf"(?<!{_LOCAL}){_LOCAL}+%40(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{{2,}}(?![\w-])",
                            re.IGNORECASE)
_DIGITS = re.compile(r"\d")
_MIN_PHONE_DIGITS = 6  # no valid number is shorter: texts with fewer digits skip the matcher
_REGION = "IT"
_MARK = "_bussola_redacted"
# LogRecord's own attributes: every other string attribute came from `extra=` and is redacted too
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", _MARK}


def pseudonym(sender_id: str) -> str:
    return "[conversazione " + hmac.new(_LOG_KEY, sender_id.encode(), hashlib.sha256).hexdigest()[:8] + "]"


def _iban_valid(candidate: str) -> bool:
    compact = candidate.replace(" ", "").upper()
    digits = "".join(str(int(c, 36)) for c in compact[4:] + compact[:4])
    return int(digits) % 97 == 1


def redact(text: str) -> str:
    """`text` with every email address replaced by [email], phone number by [telefono], tax code
    and IBAN by their masks, and conversation id by its pseudonym."""
    if not text:
        return text
    if "web-" in text or "tg-" in text:
        text = _SENDER.sub(lambda m: pseudonym(m.group(0)), text)
    if "@" in text:
        text = _EMAIL.sub(EMAIL_MASK, text)
    if "%40" in text:  # "anna%40example.it" in a logged URL
        text = _EMAIL_ENCODED.sub(EMAIL_MASK, text)
    if len(text) >= 15:
        text = _TAX_CODE.sub(TAX_CODE_MASK, text)
        text = _IBAN.sub(lambda m: IBAN_MASK if _iban_valid(m.group(0)) else m.group(0), text)
    if len(_DIGITS.findall(text)) >= _MIN_PHONE_DIGITS:
        matches = list(phonenumbers.PhoneNumberMatcher(text, _REGION))
        for match in reversed(matches):  # from the end, so earlier offsets stay right
            text = text[:match.start] + PHONE_MASK + text[match.end:]
    return text


def _redact_value(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Masks personal data in `record` in place: the message, arguments, exception and stack once
    (the record is marked), the fields from `extra=` each time (they are set after the record
    factory has run). Masking twice changes nothing: the masks have no digit and no @."""
    for key, value in list(vars(record).items()):
        if key not in _STANDARD and isinstance(value, str):
            setattr(record, key, redact(value))
    if getattr(record, _MARK, False):
        return record
    try:
        message = record.getMessage()  # the arguments merged: "%s" of a dict or an object included
        record.msg, record.args = redact(message), None
    except Exception:  # a format error: logging reports it; still mask what is there
        record.msg = redact(str(record.msg))
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_value(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redact_value(arg) for key, arg in record.args.items()}
    if record.exc_info and not record.exc_text:
        # formatters use exc_text when it is set, so the traceback is written masked
        record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    setattr(record, _MARK, True)
    return record


_factory_installed = False


def install_record_factory() -> None:
    """Redacts every log record of this process when it is created (idempotent)."""
    global _factory_installed
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _factory_installed = True


class RedactPersonalData(logging.Filter):
    """Masks email addresses and phone numbers in the records it sees; never drops a record."""

    def __init__(self, name: str = "", record_factory: bool = True):
        super().__init__(name)
        if record_factory:
            install_record_factory()

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def install(logger: logging.Logger = None) -> RedactPersonalData:
    """Puts the filter on every handler of `logger` (the root logger by default) and installs the
    record factory: for processes that configure logging in code (the sales and web servers)."""
    logger = logger or logging.getLogger()
    redaction = RedactPersonalData()
    for handler in logger.handlers:
        if not any(isinstance(f, RedactPersonalData) for f in handler.filters):
            handler.addFilter(redaction)
    return redaction
