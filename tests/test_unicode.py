"""Baltic and Danish letters survive every path: typed, stored, searched, exported, replayed, matched."""

from __future__ import annotations

import csv
import io

from simulator.report import cohort_csv, html_report, markdown
from simulator.session import LiveSession
from simulator.store import ReviewStore
from simulator.tagger import Lexicon
from simulator.transcript import Replay, load_transcript

from .test_review_core import Clock, type_reply

LETTERS = "ā č ē ģ ī ķ ļ ņ š ū ž ą ę ė į ų æ ø å"
REPLY = f"Atvainojos, Jānis! Ačiū. Undskyld, jeg hjælper Søren på Åboulevard. {LETTERS} {LETTERS.upper()}"


def typed_session(mini, path):
    """A real session where the reply is typed letter by letter, then sent."""
    scenario, persona = mini
    clock = Clock()
    session = LiveSession(scenario, persona, path, seed=1, clock=clock)
    session.begin("Žaneta Šimkūnaitė-Ødegård")
    session.start_recording()
    clock.t += 2.0
    session.advance()
    type_reply(session, clock, REPLY, per_key=0.05, before_send=1.0)
    clock.t += 30.0
    session.advance()
    session.abandon()
    session.close()
    return session.recorder.session_id


def test_every_letter_is_stored_searched_exported_and_replayed_intact(mini, tmp_path):
    path = tmp_path / "u.sqlite"
    session_id = typed_session(mini, path)
    store = ReviewStore(path)
    transcript = load_transcript(store, session_id)
    reply = transcript.replies()[0]
    assert reply.text == REPLY
    assert transcript.session["candidate"] == "Žaneta Šimkūnaitė-Ødegård"

    # FTS: with or without diacritics, in either case.
    for query in ("Jānis", "janis", "JĀNIS", "hjælper", "HJÆLPER", "søren", "ačiū", "aciu"):
        assert [r["id"] for r in store.list_sessions(search=query)] == [session_id], query
    assert [r["id"] for r in store.list_sessions(candidate="šimkūnaitė")] == [session_id]

    # Exports carry the letters as written.
    assert REPLY in markdown(transcript).replace("\\", "")
    assert "Jānis" in html_report(transcript) and "Søren" in html_report(transcript)
    row = next(csv.DictReader(io.StringIO(cohort_csv([transcript]))))
    assert row["candidate"] == "Žaneta Šimkūnaitė-Ødegård"

    # Replay rebuilds every intermediate draft from the recorded edits.
    replay = Replay(transcript)
    half = REPLY[: len(REPLY) // 2]
    assert replay.at(reply.t - 1.0).draft == REPLY
    assert any(replay.at(t / 100).draft == half for t in range(0, int(reply.t * 100)))


def test_matching_folds_case_for_every_letter():
    lexicon = Lexicon(None, letters={"æ": "ae", "ø": "oe", "å": "aa"})
    for word in ("šķērslis", "ąžuolą", "ærgrelse", "søren", "åben"):
        lexicon.add(word, "x", "rule")
    lexicon.finish()
    for written in ("ŠĶĒRSLIS", "Ąžuolą", "ÆRGRELSE", "SØREN", "ÅBEN", "skerslis", "azuola", "aergrelse", "soeren", "aaben"):
        assert lexicon.match(lexicon.words(written)), written
