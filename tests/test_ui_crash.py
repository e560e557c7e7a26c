"""Kill -9 a real candidate session mid-typing: what was queued a quarter second before is stored."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

from .conftest import FIXTURES, ROOT

CHILD = textwrap.dedent(
    """
    import os
    import sys
    from simulator.loader import load_persona, load_scenario
    from simulator.recorder import SessionRecorder
    from simulator.ui.app import CandidateApp, build_candidate_app
    from simulator.ui.chat import ChatScreen
    from simulator.ui.reply_box import ReplyBox

    queue_event = SessionRecorder.record

    def record(self, *args, **kwargs):
        seq = queue_event(self, *args, **kwargs)
        os.write(1, b"%d\\n" % seq)  # fd 1 directly: Textual captures sys.stdout while it runs
        return seq

    SessionRecorder.record = record
    scenario = load_scenario(sys.argv[2])
    persona = load_persona(sys.argv[3])
    app = build_candidate_app(scenario, persona, sys.argv[1], "Crash Test", seed=1, auto_consent=True, tick_interval=0.05)

    def type_a_key():
        boxes = app.screen.query(ReplyBox) if isinstance(app.screen, ChatScreen) else []
        for box in boxes:  # the chat may not be composed yet
            box.insert("x")  # a keystroke through the real input

    CandidateApp.on_ready = lambda self: self.set_interval(0.02, type_a_key)
    app.run(headless=True)
    """
)


def test_sigkill_mid_session_loses_nothing_queued_a_quarter_second_before(tmp_path):
    db = tmp_path / "live.sqlite"
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(FIXTURES / "scenarios" / "mini.yaml"), str(FIXTURES / "personas" / "test-persona.yaml")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    seen: list[tuple[float, int]] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append((time.monotonic(), int(line)))
        if len(seen) >= 60:
            break
    os.kill(proc.pid, signal.SIGKILL)
    killed = time.monotonic()
    proc.wait()
    must_have = {seq for queued, seq in seen if queued <= killed - 0.25}
    assert len(must_have) > 10, "the child did not get far enough to test anything"
    with sqlite3.connect(db) as conn:
        stored = {row[0] for row in conn.execute("select seq from events")}
        kinds = {row[0] for row in conn.execute("select kind from events")}
    assert must_have <= stored
    assert {"consent", "edit"} <= kinds
