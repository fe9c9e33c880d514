"""Load test of the production stack (issue 6): whole Italian interviews through the balancer.

    make load-test                         # Stack(replicas=1), then Stack(replicas=2), same run
    .venv/bin/python -m scripts.load_test --embedded      # scripts.servers.Servers, 1 then 2 workers

Each conversation is one of a few personas (a pizzeria in Naples, a farm holiday in Tuscany, a software
start-up selling in Germany, a fashion brand selling online across Italy): a scripted interview from
greeting to confirmed profile, whose plan is determined by its own answers. The plan each persona
must get is computed here, in process, with `bot.recommend` from the persona's profile; every
conversation's `custom` plan payload must equal its own persona's, and every reply must be
addressed to its own sender — anything else is counted as cross-talk. 5xx answers and failed
requests are counted as errors.

For one replica and for two, in the same run: 1 conversation at a time (one per persona), then 10
and 50 simultaneous conversations; throughput (messages/s) and per-message latency p50/p95/p99.
Targets printed at the end: zero errors and zero cross-talk; two replicas give at least 1.5x the
throughput of one (at 50); p95 under 1.5 s at 50 with two replicas. This is a script that prints
figures, not a test. Loopback only; bounded: at most --max-requests requests and --time-limit
seconds in all (what is left is skipped and reported). Figures also go to reports/load_test.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import aiohttp

from bot.senders import new_web_sender
from scripts.benchmark import BUSSOLA_SCRIPT, percentile
from scripts.common import ROOT, say

CONFIRM = "sì, è corretto"  # the turn that confirms the profile and gets the plan


@dataclass
class Persona:
    name: str
    script: List[str]  # greeting to confirmed profile (the last message gets the plan)
    profile: Dict[str, Any]  # what the interview gathers from these answers: the plan's input


TRANSPARENT = {"replies_to_messages": True, "shows_identity": True, "handles_criticism": False,
               "real_relationships": True}

PERSONAS = [
    Persona("pizzeria-napoli", BUSSOLA_SCRIPT[:BUSSOLA_SCRIPT.index(CONFIRM) + 1], {
        "org_kind": "azienda", "sector": "food_service", "activity": "una pizzeria napoletana con forno a legna",
        "segment": "b2c", "locations": ["napoli"], "audience": "20-35",
        "objectives": ["notorieta", "community"], "priority": "notorieta",
        "channels_used": ["facebook", "instagram"], "weekly_hours": 4, "team": "team", "ad_budget": True,
        **TRANSPARENT}),
    Persona("agriturismo-toscana", [
        "ciao", '/inform{"org_kind":"azienda"}', "turismo", "un agriturismo con camere e ristorante",
        '/inform{"segment":"b2c"}', "in Toscana", "famiglie tra i 30 e i 50 anni",
        "farci conoscere e fidelizzare i clienti", '/inform{"objective":"community"}',
        "abbiamo Facebook", "5 ore a settimana", "faccio da solo", "/deny",
        "sì", "certo", "/affirm", "sì", CONFIRM], {
        "org_kind": "azienda", "sector": "tourism", "activity": "un agriturismo con camere e ristorante",
        "segment": "b2c", "locations": ["toscana"], "audience": "30-50",
        "objectives": ["notorieta", "community"], "priority": "community", "channels_used": ["facebook"],
        "weekly_hours": 5, "team": "da_solo", "ad_budget": False, **{**TRANSPARENT, "handles_criticism": True}}),
    Persona("startup-germania", [
        "ciao", '/inform{"org_kind":"startup"}', "software", "un gestionale per le officine",
        '/inform{"segment":"b2b"}', "in Germania", "titolari di officine",
        "generare contatti e assumere sviluppatori", '/inform{"objective":"contatti"}',
        "nessuno", "10 ore a settimana", "il nostro team", "/affirm",
        "sì", "sì", "sì", "sì", CONFIRM], {
        "org_kind": "startup", "sector": "technology", "activity": "un gestionale per le officine",
        "segment": "b2b", "locations": ["germania"], "audience": "titolari di officine",
        "objectives": ["contatti", "recruiting"], "priority": "contatti", "channels_used": [],
        "weekly_hours": 10, "team": "team", "ad_budget": True, **{**TRANSPARENT, "handles_criticism": True}}),
    Persona("moda-italia", [
        "ciao", '/inform{"org_kind":"brand"}', "moda", "borse in pelle fatte a mano",
        '/inform{"segment":"b2c"}', "in tutta Italia", "donne tra i 25 e i 45 anni",
        "vendere online e farci conoscere", '/inform{"objective":"vendite"}',
        "abbiamo Instagram", "6 ore a settimana", "ci aiuta un'agenzia", "/affirm",
        "sì", "sì", "/deny", "sì", CONFIRM], {
        "org_kind": "brand", "sector": "fashion", "activity": "borse in pelle fatte a mano",
        "segment": "b2c", "locations": ["italia"], "audience": "25-45",
        "objectives": ["vendite", "notorieta"], "priority": "vendite", "channels_used": ["instagram"],
        "weekly_hours": 6, "team": "agenzia", "ad_budget": True, **TRANSPARENT}),
]


def normalised(value: Any) -> Any:
    return json.loads(json.dumps(value, sort_keys=True))


def expected_plans() -> Dict[str, dict]:
    """Each persona's plan payload, computed in process from its profile."""
    from bot import knowledge_base, vocabulary
    from bot.recommend import recommend

    kb, voc = knowledge_base.from_file(), vocabulary.default()
    return {p.name: normalised(recommend(p.profile, kb, voc).payload()) for p in PERSONAS}


# --- what the load runs against ----------------------------------------------------------------

class Target:
    """The production stack (scripts/stack.py) or, with --embedded, the embedded servers
    (scripts/servers.py, Sanic workers instead of replicas): started, its webhook, stopped."""

    def __init__(self, replicas: int, state_dir: Path, embedded: bool, api_token: str):
        self.replicas, self.embedded = replicas, embedded
        if embedded:
            from scripts.servers import Servers, free_port

            self.inner = Servers(state_dir, rasa_port=free_port(), actions_port=free_port(), workers=replicas,
                                 api_token=api_token)
        else:
            from scripts.stack import Stack

            # one load generator on loopback is one client for nginx: no per-client rate limit
            self.inner = Stack(replicas=replicas, state_dir=state_dir, api_token=api_token, rate_limit=None)

    @property
    def label(self) -> str:
        return f"{self.replicas} {'worker' if self.embedded else 'replica'}{'s' if self.replicas > 1 else ''}"

    @property
    def webhook(self) -> str:
        return self.inner.webhook

    def __enter__(self) -> "Target":
        self.inner.start()
        return self

    def __exit__(self, *exc) -> None:
        self.inner.stop()


# --- the load ----------------------------------------------------------------------------------

@dataclass
class Budget:
    max_requests: int
    deadline: float
    sent: int = 0

    def take(self) -> bool:
        if self.sent >= self.max_requests or time.monotonic() > self.deadline:
            return False
        self.sent += 1
        return True


@dataclass
class Level:
    concurrency: int
    latencies_ms: List[float] = field(default_factory=list)
    server_errors: int = 0  # 5xx
    failures: List[str] = field(default_factory=list)  # other statuses, timeouts, refused connections
    cross_talk: List[str] = field(default_factory=list)
    wrong_plans: List[str] = field(default_factory=list)
    conversations: int = 0
    completed: int = 0
    skipped: int = 0  # conversations cut short by the budget
    elapsed_s: float = 0.0

    def summary(self) -> dict:
        values = self.latencies_ms or [0.0]
        return {"concurrency": self.concurrency, "conversations": self.conversations, "completed": self.completed,
                "skipped": self.skipped, "messages": len(self.latencies_ms),
                "throughput_msg_s": round(len(self.latencies_ms) / self.elapsed_s, 1) if self.elapsed_s else 0.0,
                "p50_ms": round(statistics.median(values), 1), "p95_ms": round(percentile(values, 95), 1),
                "p99_ms": round(percentile(values, 99), 1), "server_errors": self.server_errors,
                "failures": len(self.failures), "cross_talk": len(self.cross_talk),
                "wrong_plans": len(self.wrong_plans), "examples": (self.failures + self.cross_talk + self.wrong_plans)[:5],
                "elapsed_s": round(self.elapsed_s, 1)}


async def conversation(session: aiohttp.ClientSession, url: str, persona: Persona, plans: Dict[str, dict],
                       level: Level, budget: Budget, timeout_s: float) -> None:
    sender = new_web_sender(f"load-{persona.name}")
    plan = None
    for message in persona.script:
        if not budget.take():
            level.skipped += 1
            return
        start = time.perf_counter()
        try:
            async with session.post(url, json={"sender": sender, "message": message},
                                    timeout=aiohttp.ClientTimeout(total=timeout_s)) as response:
                body = await response.read()
                status = response.status
        except Exception as error:  # recorded, not raised: the load goes on
            level.latencies_ms.append((time.perf_counter() - start) * 1000)
            level.failures.append(f"{persona.name} {message!r}: {error!r}")
            return
        level.latencies_ms.append((time.perf_counter() - start) * 1000)
        if status >= 500:
            level.server_errors += 1
            level.failures.append(f"{persona.name} {message!r}: {status}")
            return
        if status != 200:
            level.failures.append(f"{persona.name} {message!r}: {status} {body[:200]!r}")
            return
        replies = json.loads(body or b"[]")
        strangers = {r.get("recipient_id") for r in replies} - {sender}
        if strangers:
            level.cross_talk.append(f"{sender} got replies for {sorted(map(str, strangers))}")
        plan = next((r["custom"] for r in replies if isinstance(r.get("custom"), dict)
                     and r["custom"].get("type") == "bussola.plan"), plan)
    level.completed += 1
    if plan is None:
        level.wrong_plans.append(f"{sender}: no plan")
    elif normalised(plan) != plans[persona.name]:
        others = [name for name, expected in plans.items() if name != persona.name and normalised(plan) == expected]
        if others:
            level.cross_talk.append(f"{sender} got the plan of {others[0]}")
        else:
            mine = plans[persona.name]
            keys = sorted(k for k in set(mine) | set(plan) if mine.get(k) != normalised(plan).get(k))
            level.wrong_plans.append(f"{sender}: plan differs in {keys}: got channels "
                                     f"{[c['id'] for c in plan.get('channels', [])]}, expected "
                                     f"{[c['id'] for c in mine.get('channels', [])]}")


async def run_level(url: str, concurrency: int, conversations: int, plans: Dict[str, dict], budget: Budget,
                    timeout_s: float) -> Level:
    """`conversations` interviews, `concurrency` at a time (each client runs its share in turn);
    conversation i is persona i modulo their number."""
    level = Level(concurrency, conversations=conversations)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def client(index: int) -> None:
            for n in range(index, conversations, concurrency):
                await conversation(session, url, PERSONAS[n % len(PERSONAS)], plans, level, budget, timeout_s)

        start = time.perf_counter()
        await asyncio.gather(*(client(i) for i in range(concurrency)))
        level.elapsed_s = time.perf_counter() - start
    return level


async def warm_up(url: str) -> None:
    async with aiohttp.ClientSession() as session:
        for n in range(4):  # every replica and worker loads its model caches
            async with session.post(url, json={"sender": new_web_sender("load-warmup"), "message": "ciao"},
                                    timeout=aiohttp.ClientTimeout(total=60)) as response:
                await response.read()


def machine() -> dict:
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    return {"cpus": os.cpu_count(), "cpu": next((line.split(":", 1)[1].strip() for line in
                                                  Path("/proc/cpuinfo").read_text().splitlines()
                                                  if line.startswith("model name")), platform.processor()),
            "memory_gb": round(int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024, 1),
            "python": platform.python_version(), "date": time.strftime("%Y-%m-%d %H:%M"), "load_average": load}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--embedded", action="store_true",
                        help="the embedded servers (SQLite, Sanic workers) instead of the production stack")
    parser.add_argument("--levels", default="1,10,50", help="concurrent conversations (default 1,10,50)")
    parser.add_argument("--replicas", default="1,2", help="replica counts to compare (default 1,2)")
    parser.add_argument("--max-requests", type=int, default=6000, help="at most this many requests in all")
    parser.add_argument("--time-limit", type=float, default=1200, help="seconds for the whole run (default 1200)")
    parser.add_argument("--timeout", type=float, default=30, help="seconds a request may take (default 30)")
    args = parser.parse_args(argv)
    levels = [int(n) for n in args.levels.split(",")]
    replica_counts = [int(n) for n in args.replicas.split(",")]

    plans = expected_plans()
    budget = Budget(args.max_requests, time.monotonic() + args.time_limit)
    before = machine()
    results: Dict[str, List[dict]] = {}
    api_token = uuid.uuid4().hex
    with tempfile.TemporaryDirectory(prefix="bussola-load-") as work:
        for replicas in replica_counts:
            target = Target(replicas, Path(work) / f"r{replicas}", args.embedded, api_token)
            say(f"Starting {'the embedded servers' if args.embedded else 'the stack'} with {target.label}")
            started = time.monotonic()
            with target:
                say(f"{target.label}: up in {time.monotonic() - started:.0f} s; warming up")
                asyncio.run(warm_up(target.webhook))
                results[target.label] = []
                for concurrency in levels:
                    # one conversation per persona when alone; otherwise one per client
                    conversations = len(PERSONAS) if concurrency == 1 else concurrency
                    say(f"{target.label}: {conversations} interviews, {concurrency} at a time")
                    level = asyncio.run(run_level(target.webhook, concurrency, conversations, plans, budget,
                                                  args.timeout))
                    summary = level.summary()
                    results[target.label].append(summary)
                    print(f"    {summary['messages']} messages in {summary['elapsed_s']} s: "
                          f"{summary['throughput_msg_s']} msg/s, p50 {summary['p50_ms']} ms, "
                          f"p95 {summary['p95_ms']} ms, p99 {summary['p99_ms']} ms; 5xx {summary['server_errors']}, "
                          f"failures {summary['failures']}, cross-talk {summary['cross_talk']}, "
                          f"wrong plans {summary['wrong_plans']}, skipped {summary['skipped']}", flush=True)
                    for example in summary["examples"]:
                        print(f"      {example}", flush=True)
    report = {"target": "embedded" if args.embedded else "stack", "machine": before, "load_average_after":
              machine()["load_average"], "requests": budget.sent, "results": results}
    (ROOT / "reports").mkdir(exist_ok=True)
    (ROOT / "reports" / "load_test.json").write_text(json.dumps(report, indent=2))
    return print_report(report, levels)


def print_report(report: dict, levels: List[int]) -> int:
    results = report["results"]
    m = report["machine"]
    print(f"\nMachine: {m['cpus']} cores ({m['cpu']}), {m['memory_gb']} GB, Python {m['python']}, {m['date']}; "
          f"load average {' '.join(m['load_average'])} before, {' '.join(report['load_average_after'])} after")
    print(f"{'':<12} {'concurrent':>10} {'messages':>9} {'msg/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'5xx':>4} {'fail':>5} {'x-talk':>6} {'plan≠':>5}")
    for label, rows in results.items():
        for r in rows:
            print(f"{label:<12} {r['concurrency']:>10} {r['messages']:>9} {r['throughput_msg_s']:>7} {r['p50_ms']:>8} "
                  f"{r['p95_ms']:>8} {r['p99_ms']:>8} {r['server_errors']:>4} {r['failures']:>5} "
                  f"{r['cross_talk']:>6} {r['wrong_plans']:>5}")
    rows = [r for label_rows in results.values() for r in label_rows]
    clean = all(r["server_errors"] == 0 and r["failures"] == 0 and r["cross_talk"] == 0 and r["wrong_plans"] == 0
                and r["skipped"] == 0 for r in rows)
    labels = list(results)
    met = {"zero errors and zero cross-talk (every plan its own)": clean}
    top = max(levels)
    if len(labels) >= 2:
        one, two = (next(r for r in results[label] if r["concurrency"] == top) for label in labels[:2])
        ratio = two["throughput_msg_s"] / one["throughput_msg_s"] if one["throughput_msg_s"] else 0.0
        met[f"{labels[1]} >= 1.5x the throughput of {labels[0]} at {top} ({ratio:.2f}x)"] = ratio >= 1.5
    last = next(r for r in results[labels[-1]] if r["concurrency"] == top)
    met[f"p95 < 1.5 s at {top} concurrent conversations with {labels[-1]} ({last['p95_ms']:.0f} ms)"] = \
        last["p95_ms"] < 1500
    print("\nTargets:")
    for target, ok in met.items():
        print(f"  [{'met' if ok else 'NOT met'}] {target}")
    print("Report: reports/load_test.json")
    return 0 if clean else 1


if __name__ == "__main__":
    raise SystemExit(main())
