"""Speed and memory benchmark: Bussola against the default assistant that `rasa init` creates,
the Telegram webhook under 10 concurrent chats, and the widget's first paint.

For each assistant, on this machine and in the same run: training time, server start time (until
the first reply), per-message latency p50/p95 with 1 conversation at a time, throughput and p95 with
10 concurrent conversations, and the Rasa server's resident memory. Prints a table and writes
reports/benchmark.json. Loopback only; every loop is bounded.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import List, Optional

import aiohttp

from bot.senders import new_web_sender
from scripts.common import ROOT, VENV_BIN, env, say
from scripts.servers import Servers, free_port

# One scripted Italian interview, greeting to confirmed profile (19 messages), typed as people type
# (free text, no button payloads: every answer goes through the answer readers).
BUSSOLA_SCRIPT = [
    "ciao", "siamo una piccola azienda di famiglia", "ristorazione", "una pizzeria napoletana con forno a legna",
    "ai privati", "a Napoli e provincia", "giovani tra i 20 e i 35 anni",
    "farci conoscere e fidelizzare i clienti", "prima farci conoscere",
    "abbiamo una pagina Facebook e Instagram", "4 ore a settimana", "se ne occupa il nostro team",
    "sì, qualcosa", "sì", "certo", "no, le critiche preferiamo ignorarle", "sì", "sì, è corretto", "grazie",
]
RECOMMENDATION_TURN = "sì, è corretto"  # confirms the profile: save + recommend
# The `rasa init` assistant (moodbot), scripted to a similar length.
BASELINE_SCRIPT = ["hi", "I am sad", "no", "hello", "great", "bye", "are you a bot?", "hey",
                   "I am feeling very unhappy", "yes", "good morning", "perfect", "goodbye",
                   "hi there", "sad", "yes it did", "am I talking to a human?", "bye bye", "hello"]


def percentile(values: List[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (from /proc)."""
    total = 0
    pids = [pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                                   text=True).stdout.split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


async def converse(session: aiohttp.ClientSession, url: str, script: List[str],
                   latencies: List[float], errors: List[str], by_turn: Optional[dict] = None) -> None:
    sender = new_web_sender("bench")
    for turn, message in enumerate(script):
        start = time.perf_counter()
        try:
            async with session.post(url, json={"sender": sender, "message": message},
                                    timeout=aiohttp.ClientTimeout(total=60)) as response:
                await response.read()
                if response.status != 200:
                    errors.append(f"{response.status}")
        except Exception as error:  # a benchmark records failures instead of stopping
            errors.append(repr(error))
        latencies.append((time.perf_counter() - start) * 1000)
        if by_turn is not None:
            by_turn.setdefault(turn, []).append(latencies[-1])


async def load(url: str, script: List[str], concurrency: int, rounds: int,
               by_turn: Optional[dict] = None) -> dict:
    latencies: List[float] = []
    errors: List[str] = []
    async with aiohttp.ClientSession() as session:
        # warm-up, not measured: a few conversations, so that every Sanic worker (replies close
        # their connection, so successive requests land on either) has answered once
        for _ in range(4):
            await converse(session, url, script[:2], [], [])
        start = time.perf_counter()
        for _ in range(rounds):
            await asyncio.gather(*(converse(session, url, script, latencies, errors, by_turn)
                                   for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    return {"concurrency": concurrency, "messages": len(latencies), "errors": len(errors),
            "p50_ms": round(statistics.median(latencies), 1), "p95_ms": round(percentile(latencies, 95), 1),
            "throughput_msg_s": round(len(latencies) / elapsed, 1)}


def engine_benchmark(repeats: int = 200) -> dict:
    """Scoring a profile against the whole knowledge base, in process (no server)."""
    from bot import knowledge_base, personas, vocabulary
    from bot.recommend import recommend

    kb, voc = knowledge_base.from_file(), vocabulary.default()
    profiles = [p.profile for p in personas.load()]
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        recommend(profiles[i % len(profiles)], kb, voc)
        times.append((time.perf_counter() - start) * 1000)
    return {"profiles": repeats, "channels": len(kb.channels), "median_ms": round(statistics.median(times), 2),
            "p95_ms": round(percentile(times, 95), 2)}


def timed_train(project: Path, out: Path, extra: Optional[List[str]] = None) -> float:
    start = time.monotonic()
    subprocess.run([str(VENV_BIN / "rasa"), "train", "--out", str(out), "--fixed-model-name", "bench",
                    *(extra or [])], cwd=project, env=env(), check=True, capture_output=True)
    return round(time.monotonic() - start, 1)


def first_reply_seconds(servers: Servers, launched: float, script_first: str) -> float:
    """Seconds from launching the servers until the first reply to a user message."""
    import urllib.request

    body = json.dumps({"sender": new_web_sender("bench-start"), "message": script_first}).encode()
    request = urllib.request.Request(servers.webhook, data=body, headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=60).read()
    return round(time.monotonic() - launched, 1)


def measure(name: str, project: Path, script: List[str], work: Path, rounds: int,
            with_actions: bool) -> dict:
    say(f"{name}: training")
    models = work / f"{name}-models"
    train_s = timed_train(project, models, ["--force"])
    say(f"{name}: starting the server")
    state = work / f"{name}-state"
    servers = Servers(state, rasa_port=free_port(), actions_port=free_port(),
                      model=models / "bench.tar.gz", project=project, with_actions=with_actions,
                      workers=None if with_actions else 1)  # the baseline as `rasa init` makes it
    launched = time.monotonic()
    servers.start()
    try:
        start_s = first_reply_seconds(servers, launched, script[0])
        say(f"{name}: 1 conversation at a time")
        by_turn: dict = {}
        single = asyncio.run(load(servers.webhook, script, 1, rounds, by_turn))
        single["per_turn_p50_ms"] = [round(statistics.median(by_turn[t]), 1) for t in sorted(by_turn)]
        if RECOMMENDATION_TURN in script:
            # Rasa's cost per turn grows with the conversation (each turn replays it), so the fair
            # comparison for the recommendation turn is the two turns just before it.
            turn = script.index(RECOMMENDATION_TURN)
            normal = [ms for t, values in by_turn.items() if t != turn for ms in values]
            single["recommendation_turn_p50_ms"] = round(statistics.median(by_turn[turn]), 1)
            single["preceding_turns_p50_ms"] = round(statistics.median(by_turn[turn - 1] + by_turn[turn - 2]), 1)
            single["other_turns_p50_ms"] = round(statistics.median(normal), 1)
        say(f"{name}: 10 concurrent conversations")
        concurrent = asyncio.run(load(servers.webhook, script, 10, rounds))
        memory = round(rss_mb(servers.rasa_pid()), 0)
    finally:
        servers.stop()
    return {"assistant": name, "train_s": train_s, "start_s": start_s, "single": single,
            "concurrent10": concurrent, "rasa_rss_mb": memory}


async def telegram_chat(session: aiohttp.ClientSession, url: str, secret: str, chat_id: int, script: List[str],
                        queue: Path, webhook_ms: List[float], reply_ms: List[float], errors: List[str]) -> None:
    """One Telegram user: each scripted message as a real Update (button payloads as callback
    queries), the next one only once the bot has handled the last (its queue row is gone)."""
    import sqlite3

    user = {"id": chat_id, "is_bot": False, "first_name": "Bench"}
    chat = {"id": chat_id, "type": "private"}
    db = sqlite3.connect(queue)
    for n, text in enumerate(script):
        update_id = chat_id * 100 + n
        message = {"message_id": n + 1, "date": int(time.time()), "chat": chat, "from": user, "text": text}
        update = {"update_id": update_id,
                  **({"callback_query": {"id": f"{chat_id}-{n}", "from": user, "chat_instance": "b",
                                         "data": text, "message": message}}
                     if text.startswith("/") else {"message": message})}
        start = time.perf_counter()
        try:
            async with session.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret},
                                    timeout=aiohttp.ClientTimeout(total=60)) as response:
                await response.read()
                if response.status != 200:
                    errors.append(str(response.status))
        except Exception as error:  # recorded, not raised: a benchmark reports failures
            errors.append(repr(error))
        webhook_ms.append((time.perf_counter() - start) * 1000)
        for _ in range(6000):  # until handled, at most 60 s
            if not db.execute("SELECT 1 FROM updates WHERE update_id = ?", (update_id,)).fetchone():
                break
            await asyncio.sleep(0.01)
        reply_ms.append((time.perf_counter() - start) * 1000)
    db.close()


def telegram_benchmark(work: Path, concurrency: int = 10) -> dict:
    """With `concurrency` Telegram chats at once, against the fake Bot API
    (scripts/fake_telegram.py) and the model the setup trained: how fast the webhook answers
    Telegram, and how long until the bot has sent its reply."""
    from scripts.fake_telegram import FakeBotAPI
    from scripts.train import MODEL

    api = FakeBotAPI().start()
    secret = uuid.uuid4().hex
    telegram = {"BUSSOLA_TELEGRAM_TOKEN": "123456:BENCHMARK", "BUSSOLA_TELEGRAM_SECRET": secret,
                "BUSSOLA_TELEGRAM_API_URL": api.url, "BUSSOLA_TELEGRAM_WEBHOOK_URL": "https://bench.example/tg"}
    servers = Servers(work / "telegram-state", rasa_port=free_port(), actions_port=free_port(), model=MODEL,
                      extra_env=telegram)
    servers.start()
    webhook_ms: List[float] = []
    reply_ms: List[float] = []
    errors: List[str] = []

    async def run() -> float:
        async with aiohttp.ClientSession() as session:
            await telegram_chat(session, servers.telegram_webhook, secret, 1, BUSSOLA_SCRIPT[:2],
                                servers.telegram_queue, [], [], [])
            start = time.perf_counter()
            await asyncio.gather(*(telegram_chat(session, servers.telegram_webhook, secret, 1000 + i, BUSSOLA_SCRIPT,
                                                 servers.telegram_queue, webhook_ms, reply_ms, errors)
                                   for i in range(concurrency)))
            return time.perf_counter() - start

    try:
        elapsed = asyncio.run(run())
    finally:
        servers.stop()
        api.stop()
    return {"concurrency": concurrency, "updates": len(webhook_ms), "errors": len(errors),
            "webhook_p50_ms": round(statistics.median(webhook_ms), 1),
            "webhook_p95_ms": round(percentile(webhook_ms, 95), 1),
            "reply_p50_ms": round(statistics.median(reply_ms), 1), "reply_p95_ms": round(percentile(reply_ms, 95), 1),
            "throughput_updates_s": round(len(webhook_ms) / elapsed, 1), "bot_api_calls": len(api.calls)}


def web_benchmark(work: Path, loads: int = 10) -> dict:
    """First paint of the demo page with the widget, served locally, in headless Chromium: the
    median of `loads` fresh loads (no cache, new browser context each time)."""
    from playwright.sync_api import sync_playwright

    from scripts.run_tests import ensure_chromium

    chromium = ensure_chromium()
    servers = Servers(work / "web-state", rasa_port=free_port(), actions_port=free_port(), web_port=free_port())
    servers.start()
    paints, contentful, widget_ready = [], [], []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                                 args=["--no-sandbox", "--disable-gpu"])
            for _ in range(loads):
                context = browser.new_context()
                page = context.new_page()
                page.goto(servers.demo_url, wait_until="load")
                page.locator(".bw-launcher").wait_for()
                timing = page.evaluate("""() => {
                    const p = Object.fromEntries(performance.getEntriesByType('paint').map(e => [e.name, e.startTime]));
                    return [p['first-paint'], p['first-contentful-paint'], performance.now()];
                }""")
                if timing[0] is not None and timing[1] is not None:  # a load may report no paint entry
                    paints.append(timing[0])
                    contentful.append(timing[1])
                    widget_ready.append(timing[2])
                context.close()
            browser.close()
    finally:
        servers.stop()
    if not paints:
        raise RuntimeError("no load of the demo page reported its first paint")
    return {"loads": len(paints), "first_paint_ms": round(statistics.median(paints), 1),
            "first_contentful_paint_ms": round(statistics.median(contentful), 1),
            "launcher_visible_ms": round(statistics.median(widget_ready), 1)}


def baseline_project(work: Path) -> Path:
    """The project `rasa init` creates, copied from Rasa's own template (rasa init would also
    train it, and the benchmark times that training itself)."""
    import rasa.cli

    project = work / "rasa-init"
    shutil.copytree(Path(rasa.cli.__file__).parent / "initial_project", project)
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=2, help="conversations per client (default 2)")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--only", choices=["telegram", "web"],
                        help="only the Telegram webhook or the widget's first paint (with the model the setup trained)")
    args = parser.parse_args()
    if args.only:
        work = Path(tempfile.mkdtemp(prefix="bussola-bench-"))
        try:
            say("Telegram: 10 concurrent chats through the webhook" if args.only == "telegram"
                else "Widget: first paint of the demo page")
            print(json.dumps(telegram_benchmark(work) if args.only == "telegram" else web_benchmark(work), indent=2))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return
    work = Path(tempfile.mkdtemp(prefix="bussola-bench-"))
    results = []
    try:
        results.append(measure("bussola", ROOT, BUSSOLA_SCRIPT, work, args.rounds, with_actions=True))
        say("Telegram: 10 concurrent chats through the webhook")
        telegram = telegram_benchmark(work)
        say("Widget: first paint of the demo page")
        widget = web_benchmark(work)
        if not args.skip_baseline:
            say("rasa init baseline: creating the project")
            results.append(measure("rasa-init", baseline_project(work), BASELINE_SCRIPT, work,
                                   args.rounds, with_actions=False))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    machine = {"cpus": subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip(),
               "cpu": next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                            if l.startswith("model name")), platform.processor()),
               "memory_gb": round(int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024, 1),
               "python": platform.python_version(), "date": time.strftime("%Y-%m-%d")}
    engine = engine_benchmark()
    report = {"machine": machine, "results": results, "engine": engine, "telegram": telegram,
              "widget": widget}
    (ROOT / "reports").mkdir(exist_ok=True)
    (ROOT / "reports" / "benchmark.json").write_text(json.dumps(report, indent=2))
    print(f"\nMachine: {machine['cpus']} cores ({machine['cpu']}), {machine['memory_gb']} GB, "
          f"Python {machine['python']}, {machine['date']}")
    header = f"{'assistant':<10} {'train s':>8} {'start s':>8} {'1 conv p50':>11} {'1 conv p95':>11} " \
             f"{'10 conv msg/s':>14} {'10 conv p95':>12} {'RSS MB':>7} {'errors':>7}"
    print(header)
    for r in results:
        print(f"{r['assistant']:<10} {r['train_s']:>8} {r['start_s']:>8} {r['single']['p50_ms']:>11} "
              f"{r['single']['p95_ms']:>11} {r['concurrent10']['throughput_msg_s']:>14} "
              f"{r['concurrent10']['p95_ms']:>12} {r['rasa_rss_mb']:>7.0f} "
              f"{r['single']['errors'] + r['concurrent10']['errors']:>7}")
    ours = results[0]["single"]
    if "recommendation_turn_p50_ms" in ours:
        reco = ours["recommendation_turn_p50_ms"]
        print(f"\nRecommendation turn p50 {reco} ms: +{reco - ours['preceding_turns_p50_ms']:.1f} ms over the two "
              f"turns before it ({ours['preceding_turns_p50_ms']} ms), +{reco - ours['other_turns_p50_ms']:.1f} ms "
              f"over all other turns ({ours['other_turns_p50_ms']} ms)")
        print(f"Per-turn p50 (ms), 1 conversation: {ours['per_turn_p50_ms']}")
    print(f"Telegram, {telegram['concurrency']} concurrent chats: webhook p50 {telegram['webhook_p50_ms']} ms, "
          f"p95 {telegram['webhook_p95_ms']} ms; reply sent p50 {telegram['reply_p50_ms']} ms, p95 "
          f"{telegram['reply_p95_ms']} ms; {telegram['throughput_updates_s']} updates/s, {telegram['errors']} errors")
    print(f"Widget demo page: first paint {widget['first_paint_ms']} ms, first contentful paint "
          f"{widget['first_contentful_paint_ms']} ms, launcher visible {widget['launcher_visible_ms']} ms "
          f"(median of {widget['loads']} loads)")
    print(f"Engine: scoring a profile against {engine['channels']} channels, median {engine['median_ms']} ms, "
          f"p95 {engine['p95_ms']} ms ({engine['profiles']} profiles)")
    if len(results) == 2:
        ours, base = results
        ratio = ours["concurrent10"]["throughput_msg_s"] / base["concurrent10"]["throughput_msg_s"]
        print(f"\nThroughput at 10 concurrent conversations: {ratio:.2f}x the baseline's.")
    print("Report: reports/benchmark.json")


if __name__ == "__main__":
    main()
