"""Build a review database of many sessions (turns, tags, scores; keystrokes for a sample)."""

from __future__ import annotations

import json
import random
from pathlib import Path

from simulator.store import connect, migrate

REPLIES = [
    "I'm so sorry about this, let me check your order right away.",
    "Could you confirm the order number for me?",
    "I can send a replacement today by express delivery.",
    "Calm down, it's not my problem.",
    "Just to confirm, the parcel never arrived?",
    "You should have read the email.",
]


def build(path: Path, sessions: int = 10_000, keystroke_sample: int = 200, seed: int = 1) -> Path:
    """Write `sessions` finished sessions; every `sessions // keystroke_sample`-th gets keystroke events."""
    rng = random.Random(seed)
    db = connect(path)
    migrate(db)
    rows, events, replies, tags, scores = [], [], [], [], []
    step = max(1, sessions // keystroke_sample)
    for i in range(sessions):
        sid = f"{i:08d}-0000-4000-8000-{rng.getrandbits(48):012x}"
        p, e, s = rng.randint(1, 5), rng.randint(1, 5), rng.randint(1, 5)
        rows.append({
            "id": sid, "started_at": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00+00:00",
            "candidate": f"Candidate {i:05d}", "scenario_id": ("late-parcel", "locked-out", "express-exception")[i % 3],
            "language": "en", "source": "live", "outcome": ("resolved", "escalated", "customer_left", "time_up")[i % 4],
            "ended_ms": rng.randint(60_000, 900_000), "seed": i, "flagged": 0,
            "score_patience": p, "score_empathy": e, "score_problem_solving": s,
        })
        for dim, value in (("patience", p), ("empathy", e), ("problem_solving", s)):
            scores.append({"session_id": sid, "dimension": dim, "score": value, "anchor": value, "descriptor": "", "evidence": "[]"})
        for turn in range(1, 8, 2):
            text = rng.choice(REPLIES)
            replies.append({"session_id": sid, "turn": turn, "t_ms": turn * 20_000, "text": text})
            tags.append({"session_id": sid, "conversation_id": 1, "turn": turn, "event_seq": turn, "dimension": "empathy", "polarity": 1, "behaviour": "apologise", "evidence": "sorry", "start": 0, "end": 5, "rule": "bench"})
            if i % step == 0:
                for k in range(1, len(text) + 1):
                    events.append({"session_id": sid, "conversation_id": 1, "seq": turn * 1000 + k, "t_ms": turn * 20_000 + k * 150, "kind": "edit", "data": json.dumps({"at": k - 1, "remove": 0, "insert": text[k - 1]})})
    with db.conn:
        db["sessions"].insert_all(rows, batch_size=2000)
        db["scores"].insert_all(scores, batch_size=5000)
        db["replies"].insert_all(replies, batch_size=5000)
        db["tags"].insert_all(tags, batch_size=5000)
        db["events"].insert_all(events, batch_size=5000)
    db.conn.close()
    return path
