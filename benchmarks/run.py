"""`make bench`: each figure is a ratio against a reference measured in the same run."""

from __future__ import annotations

import json
import os

sys_path_root = __import__("pathlib").Path(__file__).resolve().parents[1]
__import__("sys").path.insert(0, str(sys_path_root))  # `benchmarks.review_db` when run as a script
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
RUNS = 10


def one_core() -> None:
    """Measure on one core, as PRODUCT.md asks for the tagger."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def drawn_after(cmd: list[str]) -> float:
    """Seconds from spawning `cmd` to the wall-clock moment it reports its frame was drawn."""
    started = time.time()
    out = subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True, text=True).stdout
    return float(out.split()[0]) - started


def cold_start() -> tuple[float, float]:
    """Median seconds of a bare Textual app and of rolesim to its first customer message."""
    with tempfile.TemporaryDirectory() as tmp:
        # The shipped scenario with a customer who answers at once ("typing delay 0").
        persona = (ROOT / "simulator" / "personas" / "angry-customer.yaml").read_text()
        persona = re.sub(r"typing:.*", "typing: {think: 0, chars_per_second: 1000000}", persona)
        (Path(tmp) / "personas").mkdir()
        (Path(tmp) / "personas" / "angry-customer.yaml").write_text(persona)
        bare, ours = [], []
        for i in range(RUNS):  # interleaved, so drift on the machine hits both alike
            bare.append(drawn_after([sys.executable, "benchmarks/bare_app.py"]))
            ours.append(drawn_after([sys.executable, "benchmarks/cold_start.py", tmp, str(Path(tmp) / f"db{i}.sqlite")]))
    return statistics.median(bare), statistics.median(ours)


def replies() -> list[str]:
    return [json.loads(line)["text"] for line in (SHARED / "esconv.jsonl").read_text(encoding="utf-8").splitlines()]


def rate(fn, texts: list[str]) -> float:
    """Replies per second of one pass."""
    started = time.perf_counter()
    for text in texts:
        fn(text)
    return len(texts) / (time.perf_counter() - started)


def tagger_vs_vader(texts: list[str], passes: int = 3) -> tuple[float, float, float]:
    """Replies per second on one core: VADER's best pass; our tagger's first pass (caches empty,
    as in a new process) and its best pass (the steady state of a long `tag` run)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from simulator.tagger import Tagger

    vader = SentimentIntensityAnalyzer()
    vader_rate = max(rate(vader.polarity_scores, texts) for _ in range(passes))
    tagger = Tagger("en")  # a fresh one: its caches start empty
    rates = [rate(tagger.tag, texts) for _ in range(passes)]
    return vader_rate, rates[0], max(rates)


def lookup_alone(texts: list[str], passes: int = 3) -> float:
    """Replies per second of finding the cue phrases and nothing else (words looked up, the automaton run):
    the floor every rule is built on, so a reader can see how much of the budget it leaves."""
    from simulator.tagger import Tagger

    lexicon = Tagger("en").lexicon
    return max(rate(lambda text: lexicon.match(lexicon.words(text)), texts) for _ in range(passes))


def in_context(texts: list[str], passes: int = 3) -> tuple[float, float]:
    """Replies per second with every rule on: the scenario's cues and behaviours, the customer's name,
    facts, the open question, adaptability and address: what a live session runs per reply."""
    from simulator.context import Said, SessionContext
    from simulator.library import Library
    from simulator.tagger import Tagger

    library = Library.load([ROOT / "simulator" / "scenarios", ROOT / "simulator" / "personas"])
    scenario = library.scenario("late-parcel")
    persona = library.persona_for(scenario)
    context = SessionContext(scenario, persona, Tagger("en"), ("Marta Jensen",))
    customer = [Said("customer", "Where are my chairs? Order 48213 was due on 10 November!")]

    def tag(text: str) -> None:
        context.tag(text, customer, 60.0)

    rates = [rate(tag, texts) for _ in range(passes)]
    return rates[0], max(rates)


def play_time() -> float:
    """Seconds to play the longest shipped scenario headless, in process."""
    from simulator.library import Library
    from simulator.play import load_replies, play

    library = Library.load([ROOT / "simulator" / "scenarios", ROOT / "simulator" / "personas"])
    scenario = library.scenario("locked-out")
    replies_ = load_replies(ROOT / "tests" / "replies" / "locked-out.good.yaml")
    play(scenario, library.persona_for(scenario), replies_)  # warm
    started = time.perf_counter()
    for _ in range(20):
        play(scenario, library.persona_for(scenario), replies_)
    return (time.perf_counter() - started) / 20


def review_list(sessions: int = 10_000) -> tuple[float, float, int]:
    """Median ms of the session-list query, and ms until the review app shows the list, on N sessions."""
    import asyncio

    from benchmarks.review_db import build
    from simulator.store import ReviewStore
    from simulator.ui.review_app import build_review_app

    with tempfile.TemporaryDirectory() as tmp:
        path = build(Path(tmp) / "review.sqlite", sessions)
        store = ReviewStore(path)
        store.list_sessions()  # the first query warms SQLite's page cache, as opening the app would
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            rows = store.list_sessions()
            times.append(time.perf_counter() - started)
        shown = []

        async def on_screen() -> None:
            app = build_review_app(path, "bench")
            started = time.perf_counter()
            async with app.run_test(size=(120, 34)) as pilot:
                while not (app.screen.query("DataTable") and app.screen.query_one("DataTable").row_count):
                    await pilot.pause(0.005)
                await pilot.pause()  # the frame with the rows
                shown.append(time.perf_counter() - started)

        for _ in range(3):
            asyncio.run(on_screen())
    return statistics.median(times) * 1000, statistics.median(shown) * 1000, len(rows)


def main() -> int:
    one_core()
    print(f"rolesim benchmarks (one core, {RUNS} runs each where repeated)\n")
    bare, ours = cold_start()
    print(f"cold start    bare Textual app {bare * 1000:7.0f} ms   rolesim run {ours * 1000:7.0f} ms   ratio {ours / bare:.2f}x  (aim <= 1.30x)")
    if not SHARED.exists():
        print("tagger        skipped: ../shared/data not found")
        return 0
    texts = replies()
    vader, first, steady = tagger_vs_vader(texts)
    print(f"tagger        VADER {vader:9.0f} replies/s   rolesim {first:9.0f} replies/s   ratio {first / vader:.2f}x  first pass (aim >= 5x; {len(texts)} ESConv replies)")
    print(f"                                         rolesim {steady:9.0f} replies/s   ratio {steady / vader:.2f}x  steady state (best of 3 passes, as VADER's)")
    floor = lookup_alone(texts)
    print(f"  lookup alone                           rolesim {floor:9.0f} replies/s   ratio {floor / vader:.2f}x  words looked up and cue phrases found, no rule applied")
    first, steady = in_context(texts)
    print(f"  in context                             rolesim {first:9.0f} replies/s   ratio {first / vader:.2f}x  first pass, every dimension and context rule on")
    print(f"                                         rolesim {steady:9.0f} replies/s   ratio {steady / vader:.2f}x  steady state")
    print(f"play          locked-out, good replies: {play_time() * 1000:.1f} ms per session on virtual time")
    query, shown, count = review_list()
    print(f"review list   {count} sessions: query {query:.1f} ms (aim <= 50)   on screen {shown:.0f} ms after opening (aim <= 300)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
