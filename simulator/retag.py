"""Re-tag stored sessions with the current tagger and rubrics, explicitly, keeping the old tags beside the new."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .context import Said, SessionContext
from .model import customer_names
from .scoring import score_session
from .store import Store, now_iso, tag_rows, write_scores
from .tagger import get_tagger, tagger_version
from .transcript import load_transcript, stored_source


def retag_session(store: Store, session_id: str, force: bool = False) -> dict[str, Any]:
    """Tag one session's replies afresh in their recorded context; returns what changed."""
    session = store.session(session_id)
    if session is None:
        raise KeyError(f"no session '{session_id}'")
    version = tagger_version(session["language"] or "en")  # the scenario's language, stored with the session
    old_version = session["tagger_version"] or ""
    if old_version == version and not force:  # up to date: its stored scenario and persona are not even read
        return {"session": session_id, "from": old_version, "to": version, "retagged": False, "changed_replies": 0}
    scenario = stored_source(store, session, "scenario")
    persona = stored_source(store, session, "persona")
    transcript = load_transcript(store, session_id)
    context = SessionContext(scenario, persona, get_tagger(scenario.language), customer_names(scenario, persona))
    sends = {e["data"].get("turn"): e for e in transcript.events if e["kind"] == "send"}
    moods = transcript.moods
    history: list[Said] = []
    retagged = []
    rows = []
    changed = 0
    for turn in transcript.turns:
        if turn.role != "candidate":
            history.append(Said("customer", turn.text, nudge=turn.nudge))
            retagged.append(turn)
            continue
        # The mood the customer was in when the reply arrived: the last change strictly before it.
        mood = next((value for t, value in reversed(moods) if t < turn.t), persona.mood_start)
        _, tags, _ = context.tag(turn.text, history, mood)
        history.append(Said("candidate", turn.text, tags))
        before = sorted((t["behaviour"], t["start"], t["end"]) for t in turn.auto_tags)
        changed += before != sorted((t.behaviour, t.start, t.end) for t in tags)
        retagged.append(replace(turn, tags=tags))
        rows += tag_rows(session_id, sends[turn.index], (tag.to_dict() for tag in tags), version)
    scores = score_session(retagged)
    with store.db.conn:
        # A forced re-run at the same version sets the current rows aside (kept, so overrides naming them carry over).
        store.db.execute("update tags set tagger_version = tagger_version || '~replaced' where session_id = ? and tagger_version = ?", [session_id, version])
        if rows:
            store.db["tags"].insert_all(rows)
        write_scores(store.db, session_id, {d: s.to_dict() for d, s in scores.items()}, version)
        store.db["sessions"].update(session_id, {"tagger_version": version})
        store.audit("rolesim", "retag", session_id, {"from": old_version, "to": version, "changed_replies": changed, "at": now_iso()})
    return {"session": session_id, "from": old_version, "to": version, "retagged": True, "changed_replies": changed}
