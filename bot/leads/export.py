"""Leads as CSV or JSON for the sales team: one flat row per lead (LeadStore.list() gives them,
with the latest profile, in one query).

The CSV is opened in spreadsheets, and a lead's name, company or call time is typed by a visitor: a
cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return could run as a formula there, so it
is prefixed with `'` (OWASP, "CSV Injection"). Every field is quoted, and the same prefix goes after
any separator or line break inside a value: Italian Excel splits on `;`, so "Rossi Srl;=1+1" opened
there would otherwise become a bare `=1+1` cell.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from typing import IO, Any, Dict, Iterable, Optional

LEAD_FIELDS = ("public_id", "created_at", "entered_by", "salesperson", "channel", "status", "step", "grade",
               "fit_score", "readiness_score", "name", "company", "company_size", "email", "phone", "call_time",
               "anonymous", "expires_at")
PROFILE_FIELDS = ("org_kind", "sector", "ateco", "offering", "activity", "segment", "locations", "objectives",
                  "priority", "weekly_hours", "team", "ad_budget")
COLUMNS = (*LEAD_FIELDS, "grade_reason", *PROFILE_FIELDS)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# a formula start after a separator a spreadsheet may split on (",", ";", tab, "|") or a line break
_FORMULA_INSIDE = re.compile(r"([,;\t|\r\n][ ]*)(?=[=+\-@])")


_SEPARATOR = re.compile(r"[,;\t|\r\n]")
_STARTS = "".join(FORMULA_STARTS)


def neutralise(value: str) -> str:
    """The text a spreadsheet shows as text, never evaluates, however it splits the line."""
    if _SEPARATOR.search(value):  # most cells have none: the substitution, the costly part, is skipped
        value = _FORMULA_INSIDE.sub(r"\1'", value)
    first = value.lstrip(" ")[:1]
    return "'" + value if first and first in _STARTS else value


def flat(lead: Dict[str, Any]) -> Dict[str, Any]:
    """The export's columns of one lead (a LeadStore.list() or .get() dict); datetimes as ISO text."""
    profile = lead.get("profile") or {}
    row = {name: lead.get(name) for name in LEAD_FIELDS}
    row["grade_reason"] = (lead.get("qualification") or {}).get("grade_reason")
    row.update({name: profile.get(name) for name in PROFILE_FIELDS})
    for name in ("created_at", "expires_at"):
        if isinstance(row[name], dt.datetime):
            row[name] = row[name].isoformat()
    return row


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = ", ".join(str(item) for item in value)
    return neutralise(value) if isinstance(value, str) else value


def to_csv(leads: Iterable[Dict[str, Any]], out: Optional[IO[str]] = None) -> Optional[str]:
    """Writes the CSV to `out` (opened with newline=""), or returns it as text without `out`."""
    target = out if out is not None else io.StringIO()
    writer = csv.writer(target, quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    writer.writerows([_cell(value) for value in flat(lead).values()] for lead in leads)
    return target.getvalue() if out is None else None


def to_json(leads: Iterable[Dict[str, Any]], out: Optional[IO[str]] = None) -> Optional[str]:
    """A JSON array of the same rows, values keeping their types (lists, numbers, booleans)."""
    # json.dumps, not json.dump: only the one-shot encoder is the fast C one
    text = json.dumps([flat(lead) for lead in leads], ensure_ascii=False)
    if out is None:
        return text
    out.write(text)
    return None
