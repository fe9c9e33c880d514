"""The sales team's command line over the lead store (the database of BUSSOLA_DATABASE_URL, else
state/bussola.db):

    python -m bot.leads migrate                                   # create or upgrade the tables
    python -m bot.leads list [--grade A] [--status new] [--since 2026-01-01] [--until 2026-01-31]
    python -m bot.leads show <public_id>
    python -m bot.leads export --format csv|json [--output FILE] [filters as for list]
    python -m bot.leads purge                                     # the retention pass: expired leads, declined conversations
    python -m bot.leads status <public_id> <status> [--note TEXT]
    python -m bot.leads serve [--port 5056]                       # the sales server (bot/leads/server.py)
"""
from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from typing import Any, Dict, List, Optional

from bot.leads import export
from bot.leads.models import ENTERED_BY, STATUSES
from bot.leads.store import GRADES, default_store

TABLE = (("public_id", 32), ("created_at", 16), ("status", 17), ("step", 8), ("grade", 5), ("fit", 3),
         ("ready", 5), ("name", 20), ("company", 20), ("email", 28))


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--grade", choices=GRADES)
    parser.add_argument("--status", choices=STATUSES)
    parser.add_argument("--entered-by", choices=ENTERED_BY)
    parser.add_argument("--since", type=dt.date.fromisoformat, metavar="YYYY-MM-DD", help="created on or after")
    parser.add_argument("--until", type=dt.date.fromisoformat, metavar="YYYY-MM-DD", help="created on or before")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.leads", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="create or upgrade the lead tables")
    _filters(commands.add_parser("list", help="leads as a table, newest first"))
    commands.add_parser("show", help="one lead in full, as JSON").add_argument("public_id")
    exporting = commands.add_parser("export", help="leads as CSV or JSON")
    exporting.add_argument("--format", choices=("csv", "json"), required=True)
    exporting.add_argument("--output", metavar="FILE", help="default: standard output")
    _filters(exporting)
    commands.add_parser("purge", help="delete the anonymous leads past their expiry")
    status = commands.add_parser("status", help="change a lead's status (audited)")
    status.add_argument("public_id")
    status.add_argument("status", choices=STATUSES)
    status.add_argument("--note")
    status.add_argument("--actor", help="who changes it (default: cli:<your user name>)")
    commands.add_parser("serve", help="the sales server; its options: serve --help", add_help=False)
    return parser


def _table(leads: List[Dict[str, Any]]) -> str:
    def cell(lead: Dict[str, Any], name: str) -> str:
        value = lead.get({"fit": "fit_score", "ready": "readiness_score"}.get(name, name))
        if isinstance(value, dt.datetime):
            return f"{value:%Y-%m-%d %H:%M}"
        return "" if value is None else str(value)

    def line(values: List[str]) -> str:
        return "  ".join(value[:width].ljust(width) for value, (_, width) in zip(values, TABLE)).rstrip()

    lines = [line([name for name, _ in TABLE])]
    lines += [line([cell(lead, name) for name, _ in TABLE]) for lead in leads]
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    # `serve` hands its own options to the server (bot/leads/server.py owns them)
    args, rest = _parser().parse_known_args(argv)
    if args.command == "serve":
        from bot.leads import server  # aiohttp and the console: only when serving
        server.main(rest)
        return 0
    if rest:
        _parser().error(f"unrecognized arguments: {' '.join(rest)}")

    if args.command == "migrate":
        from bot.leads import migrate  # alembic: only when migrating
        print(f"Lead tables at revision {migrate.upgrade()}.")
        return 0

    store = default_store()
    if args.command in ("list", "export"):
        leads = store.list(grade=args.grade, status=args.status, since=args.since, until=args.until,
                           entered_by=args.entered_by)
        if args.command == "list":
            print(_table(leads))
            print(f"{len(leads)} lead(s).")
            return 0
        write = export.to_csv if args.format == "csv" else export.to_json
        if args.output is None:
            sys.stdout.write(write(leads))
        else:
            with open(args.output, "w", encoding="utf-8", newline="") as out:
                write(leads, out)
            print(f"Exported {len(leads)} lead(s) to {args.output}.", file=sys.stderr)
        return 0
    if args.command == "show":
        lead = store.get(args.public_id)
        if lead is None:
            print(f"No lead with public id {args.public_id}.", file=sys.stderr)
            return 1
        print(json.dumps(lead, indent=2, ensure_ascii=False, default=str))
        return 0
    if args.command == "purge":
        from bot.leads import server, settings  # the sales server's retention pass, at once
        tracker = server.Tracker(server.default_tracker_url())
        try:
            events, leads = server.purge_once(store, tracker, settings.default().declined_conversation_days)
        finally:
            tracker.close()
        print(f"Deleted {leads} expired anonymous lead(s) and {events} event(s) of conversations no longer kept.")
        return 0
    # status
    try:
        lead = store.set_status(args.public_id, args.status, actor=args.actor or f"cli:{getpass.getuser()}",
                                note=args.note)
    except KeyError:
        print(f"No lead with public id {args.public_id}.", file=sys.stderr)
        return 1
    print(f"Lead {lead['public_id']} is now {lead['status']}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
