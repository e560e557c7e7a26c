"""Reports of one session (Markdown, HTML, JSON) and cohort CSV; candidate text always literal."""

from __future__ import annotations

import csv
import html
import io
import re
import statistics
from typing import Any

from .i18n import Messages, catalog
from .scoring import describe, load_rubrics, overall
from .text import display_safe
from .transcript import Transcript

MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def dimension_title(dim: str, messages: Messages, rubrics: dict) -> str:
    """A dimension's title: the rubric file's (in its translation, if it has one), else the catalog's."""
    rubric = rubrics.get(dim)
    if rubric is None:
        return messages.get(f"dimension.{dim}", dim)
    if messages.lang == "en":
        return rubric.title
    return rubric.translations.get(messages.lang, {}).get("title") or messages.get(f"dimension.{dim}", rubric.title)


def report_messages(t: Transcript, lang: str | None = None) -> Messages:
    """A report speaks `lang` if given, else the session's language (the scenario's, stored with it)."""
    return catalog(lang or t.session.get("language") or "en")


def md(text: str) -> str:
    """Candidate or author text, shown literally in Markdown: every markup character escaped."""
    return MD_SPECIAL.sub(r"\\\1", display_safe(text)).replace("\n", "  \n")


def csv_cell(value: Any) -> Any:
    """A cell a spreadsheet will not run: text starting like a formula is prefixed with a quote."""
    if isinstance(value, str):
        value = display_safe(value)
        if value.startswith(FORMULA_START):
            return "'" + value
    return value


def report_data(t: Transcript, lang: str | None = None) -> dict[str, Any]:
    """Everything a report shows, as plain data (the JSON format, and the source of the others)."""
    automatic = t.automatic_scores()
    reviewed = t.scores()
    human = t.score_overrides()
    rubrics = load_rubrics()
    m = report_messages(t, lang)
    s = t.session
    return {
        "session": {k: s.get(k) for k in ("id", "candidate", "scenario_id", "language", "started_at", "outcome", "source", "seed", "extra_time_pct", "tagger_version", "app_version", "flagged", "flag_reason")},
        "duration": round(t.duration, 3),
        "turns": [
            {
                "turn": turn.index,
                "role": turn.role,
                "t": round(turn.t, 3),
                "state": turn.state,
                "text": turn.text,
                "nudge": turn.nudge,
                "timing": None if turn.timing is None else turn.timing.__dict__,
                "automatic_tags": [{k: tag[k] for k in ("id", "dimension", "polarity", "behaviour", "evidence", "start", "end", "rule")} for tag in turn.auto_tags],
                "reviewed_tags": [tag.to_dict() for tag in turn.tags],
                "notes": [n for n in t.notes if n["turn"] == turn.index],
            }
            for turn in t.turns
        ],
        "scores": {
            dim: {
                "automatic": automatic[dim].score,
                "after_tag_overrides": reviewed[dim].score,
                "human": human[dim]["score"] if dim in human else None,
                "human_reason": human[dim]["reason"] if dim in human else None,
                "human_by": human[dim]["author"] if dim in human else None,
                "title": dimension_title(dim, m, rubrics),
                "descriptor": describe(reviewed[dim], m.lang, rubrics),
                "evidence": reviewed[dim].evidence,
            }
            for dim in automatic
            if automatic[dim].score is not None or dim in human
        },
        "moods": t.moods,
        "states": t.states,
        "notes": [n for n in t.notes if n["turn"] is None],
        "overrides": t.overrides,
        "recommendations": t.recommendations,
    }


def _started(m: Messages, started_at: str | None) -> str:
    # English reports keep the stored timestamp as it is (as they always have); others write it locally.
    return str(started_at) if m.lang == "en" else m.datetime(started_at)


def markdown(t: Transcript, lang: str | None = None) -> str:
    """A readable report for sharing as text, in `lang` or the session's language."""
    m = report_messages(t, lang)
    clock = lambda seconds: m.clock(seconds, tenths=True)  # noqa: E731
    d = report_data(t, lang)
    s = d["session"]
    outcome = m(f"outcome.{s['outcome']}")
    out = [
        "# " + m("report.title", candidate=md(s["candidate"] or "")),
        "",
        "- " + m("report.scenario_line", scenario=md(s["scenario_id"] or ""), started=_started(m, s["started_at"]), duration=clock(d["duration"])),
        "- " + m("report.outcome_line", outcome=f"**{outcome}**", source=m.get(f"source.{s['source']}", s["source"]), seed=s["seed"], extra=m.number(s["extra_time_pct"] or 0)),
        "- " + m("report.versions", tagger=s["tagger_version"], app=s["app_version"]),
        "",
        m("report.advice"),
        "",
        "## " + m("report.scores"),
        "",
        "| " + " | ".join(m(f"report.col_{c}") for c in ("dimension", "automatic", "after", "reviewer", "reason")) + " |",
        "|---|---|---|---|---|",
    ]
    for dim, sc in d["scores"].items():
        out.append(f"| {sc['title']} | {sc['automatic'] or '—'} | {sc['after_tag_overrides'] or '—'} | {sc['human'] or '—'} | {md(sc['descriptor'])}{' — ' + md(sc['human_reason']) if sc['human_reason'] else ''} |")
    out += ["", "## " + m("report.transcript"), ""]
    for turn in d["turns"]:
        who = m("report.customer") if turn["role"] == "customer" else m("report.candidate")
        line = f"**{who}** [{clock(turn['t'])}]"
        timing = turn["timing"]
        if timing:
            line += " — " + m("report.timing", first_key=clock(timing["first_key"]), to_send=clock(timing["to_send"]), edits=m("count.edits", n=timing["edits"]), deleted=timing["deleted"], pastes=m("count.pastes", n=timing["pastes"]))
            line += f", **{m('report.interrupted')}**" if timing["interrupted"] else ""
        out += [line, "", "> " + md(turn["text"]).replace("  \n", "  \n> "), ""]
        for tag in turn["reviewed_tags"]:
            sign = "+" if tag["polarity"] > 0 else "−"
            out.append(f"- {sign} {tag['dimension']} / {tag['behaviour']}: “{md(tag['evidence'])}” ({md(tag['rule'])})")
        removed = {(a["behaviour"], a["start"]) for a in turn["automatic_tags"]} - {(r["behaviour"], r["start"]) for r in turn["reviewed_tags"]}
        for behaviour, start in sorted(removed):
            out.append(f"- ~~{m('report.removed', behaviour=behaviour, start=start)}~~ {m('report.removed_note')}")
        for note in turn["notes"]:
            out.append(f"- {m('report.note_by', name=md(note['author']))}: {md(note['text'])}")
        if turn["reviewed_tags"] or turn["notes"] or removed:
            out.append("")
    if d["notes"] or d["overrides"] or d["recommendations"]:
        out += ["## " + m("report.reviewers"), ""]
        for note in d["notes"]:
            out.append(f"- {m('report.note_by', name=md(note['author']))} ({_started(m, note['created_at'])}): {md(note['text'])}")
        for o in d["overrides"]:
            out.append(f"- {md(o['author'])} {o['action']} ({_started(m, o['created_at'])}): {md(o['reason'])}")
        for r in d["recommendations"]:
            recommendation = m.get(f"recommendation.{r['recommendation']}", r["recommendation"])
            out.append(f"- {m('report.recommendation_by', name=md(r['reviewer']))}: **{md(recommendation)}** — {md(r['reason'] or '')}")
    return "\n".join(out) + "\n"


def _h(text: Any) -> str:
    return html.escape(display_safe(str(text)), quote=True)


def _t(text: str) -> str:
    """Catalog text as element content (ours, but a translator may write < or &)."""
    return html.escape(text, quote=False)


def latency_svg(t: Transcript, width: int = 560, height: int = 140, messages: Messages | None = None) -> str:
    """An inline bar chart of seconds to send per reply (no script, no external file)."""
    m = messages or catalog("en")
    replies = [r for r in t.replies() if r.timing and r.timing.to_send is not None]
    if not replies:
        return f"<p>{_t(m('report.no_replies'))}</p>"
    top = max(r.timing.to_send for r in replies) or 1.0
    bar = width / len(replies)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 20}" role="img" aria-label="{_h(m("report.latency_label"))}">']
    for i, r in enumerate(replies):
        h = (r.timing.to_send / top) * height
        colour = "#b3261e" if r.timing.interrupted else "#3b6ea8"
        label = _h(m("report.latency_bar", n=i + 1, seconds=m.number(r.timing.to_send, decimals=1, grouping=False)))
        parts.append(f'<rect x="{i * bar + 2:.1f}" y="{height - h:.1f}" width="{bar - 4:.1f}" height="{h:.1f}" fill="{colour}"><title>{label}</title></rect>')
        parts.append(f'<text x="{i * bar + bar / 2:.1f}" y="{height + 14}" font-size="11" text-anchor="middle">{r.timing.to_send:.0f}s</text>')
    parts.append("</svg>")
    return "".join(parts)


def html_report(t: Transcript, lang: str | None = None) -> str:
    """One self-contained HTML file that prints well, in `lang` or the session's language; candidate text escaped, nothing runs."""
    m = report_messages(t, lang)
    clock = lambda seconds: m.clock(seconds, tenths=True)  # noqa: E731
    d = report_data(t, lang)
    s = d["session"]
    rows = "".join(
        f"<tr><td>{_h(sc['title'])}</td><td>{_h(sc['automatic'] or '—')}</td><td>{_h(sc['after_tag_overrides'] or '—')}</td><td>{_h(sc['human'] or '—')}</td><td>{_h(sc['descriptor'])}{' — ' + _h(sc['human_reason']) if sc['human_reason'] else ''}</td></tr>"
        for dim, sc in d["scores"].items()
    )
    turns = []
    for turn in d["turns"]:
        text = turn["text"]
        marks = sorted(((tag["start"], tag["end"], tag) for tag in turn["reviewed_tags"] if tag["end"] > tag["start"]), key=lambda x: x[0])
        body, pos = [], 0
        for start, end, tag in marks:
            if start < pos:
                continue
            body.append(_h(text[pos:start]))
            kind = "pos" if tag["polarity"] > 0 else "neg"
            body.append(f'<mark class="{kind}" title="{_h(tag["dimension"] + " / " + tag["behaviour"])}">{_h(text[start:end])}</mark>')
            pos = end
        body.append(_h(text[pos:]))
        timing = turn["timing"]
        meta = ""
        if timing:
            meta = _h(m("report.timing_html", first_key=clock(timing["first_key"]), to_send=clock(timing["to_send"]), edits=m("count.edits", n=timing["edits"]), deleted=timing["deleted"], pastes=m("count.pastes", n=timing["pastes"])))
            meta += f" · <strong>{_t(m('report.interrupted'))}</strong>" if timing["interrupted"] else ""
        tags = "".join(f"<li>{'+' if tag['polarity'] > 0 else '−'} {_h(tag['dimension'])} / {_h(tag['behaviour'])}: “{_h(tag['evidence'])}” <small>{_h(tag['rule'])}</small></li>" for tag in turn["reviewed_tags"])
        notes = "".join(f"<li class='note'>{_h(m('report.note_by', name=n['author']))}: {_h(n['text'])}</li>" for n in turn["notes"])
        who = _h(m("report.customer") if turn["role"] == "customer" else m("report.candidate"))
        turns.append(f"<div class='turn {turn['role']}'><div class='who'>{who} · {clock(turn['t'])}</div><div class='meta'>{meta}</div><p>{''.join(body)}</p><ul>{tags}{notes}</ul></div>")
    reviewers = "".join(f"<li>{_h(o['author'])} {_h(o['action'])}: {_h(o['reason'])}</li>" for o in d["overrides"])
    reviewers += "".join(f"<li>{_h(m('report.recommendation_by', name=r['reviewer']))}: <strong>{_h(m.get('recommendation.' + r['recommendation'], r['recommendation']))}</strong> — {_h(r['reason'] or '')}</li>" for r in d["recommendations"])
    reviewers += "".join(f"<li>{_h(m('report.note_by', name=n['author']))}: {_h(n['text'])}</li>" for n in d["notes"])
    title = _t(m("report.title", candidate="\0")).replace("\0", _h(s["candidate"] or ""))
    line = m(
        "report.html_line",
        scenario=_h(s["scenario_id"]),
        started=_h(_started(m, s["started_at"])),
        duration=clock(d["duration"]),
        outcome=f"<strong>{_h(m('outcome.' + str(s['outcome'])))}</strong>",
        source=_h(m.get(f"source.{s['source']}", s["source"])),
        tagger=_h(s["tagger_version"]),
    )
    cols = "".join(f"<th>{_t(m('report.col_' + c))}</th>" for c in ("dimension", "automatic", "after", "reviewer", "descriptor"))
    return f"""<!doctype html>
<html lang="{m.lang}"><head><meta charset="utf-8"><title>{_h(m("report.html_title", candidate=s["candidate"] or ""))}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<style>
body {{ font: 14px/1.45 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; color: #1b1b1b; }}
table {{ border-collapse: collapse; width: 100%; }} td, th {{ border: 1px solid #ccc; padding: .3rem .5rem; text-align: left; vertical-align: top; }}
.turn {{ border-left: 3px solid #999; padding: .2rem .8rem; margin: .8rem 0; break-inside: avoid; }}
.turn.candidate {{ border-color: #3b6ea8; margin-left: 2rem; }} .who {{ font-weight: 600; }} .meta {{ color: #555; font-size: 12px; }}
.turn p {{ white-space: pre-wrap; margin: .3rem 0; }} mark.pos {{ background: #d7ecd9; }} mark.neg {{ background: #f6d3d1; }}
.advice {{ background: #f3f3f3; padding: .5rem .8rem; }}
@media print {{ body {{ margin: 0; max-width: none; }} }}
</style></head><body>
<h1>{title}</h1>
<p>{line}</p>
<p class="advice">{_t(m("report.advice_html"))}</p>
<h2>{_t(m("report.scores"))}</h2>
<table><tr>{cols}</tr>{rows}</table>
<h2>{_t(m("report.latency"))}</h2>
{latency_svg(t, messages=m)}
<h2>{_t(m("report.transcript"))}</h2>
{''.join(turns)}
<h2>{_t(m("report.reviewers"))}</h2>
<ul>{reviewers or '<li>' + _t(m('report.none_yet')) + '</li>'}</ul>
</body></html>
"""


def cohort_csv(transcripts: list[Transcript]) -> str:
    """One row per session: scores and key timings, safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["session_id", "candidate", "scenario", "started_at", "outcome", "duration_s", "replies", "median_seconds_to_send", "median_seconds_to_first_key", "interruptions", "patience", "empathy", "problem_solving", "communication", "human_scores", "recommendation"])
    for t in transcripts:
        replies = t.replies()
        sends = [r.timing.to_send for r in replies if r.timing and r.timing.to_send is not None]
        firsts = [r.timing.first_key for r in replies if r.timing and r.timing.first_key is not None]
        scores = t.scores()
        human = "; ".join(f"{dim}={o['score']}" for dim, o in t.score_overrides().items())
        recommendation = "; ".join(f"{r['reviewer']}: {r['recommendation']}" for r in t.recommendations)
        row = [
            t.session["id"], t.session["candidate"], t.session["scenario_id"], t.session["started_at"], t.session["outcome"], round(t.duration, 1), len(replies),
            round(statistics.median(sends), 1) if sends else "", round(statistics.median(firsts), 1) if firsts else "", sum(r.interrupted for r in replies),
            scores["patience"].score, scores["empathy"].score, scores["problem_solving"].score, scores["communication"].score or "", human, recommendation,
        ]
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()


def explanation(t: Transcript, weights: dict[str, float] | None = None, lang: str | None = None) -> str:
    """Why each score is what it is: the descriptor reached and every tag and timing behind it."""
    m = report_messages(t, lang)
    clock = lambda seconds: m.clock(seconds, tenths=True)  # noqa: E731 - times as the reports write them
    rubrics = load_rubrics()
    human = t.score_overrides()
    texts = {turn.index: turn.text for turn in t.turns}
    s = t.session
    lines = [m("explain.header", id=s["id"], scenario=display_safe(s["scenario_id"] or ""), outcome=m(f"outcome.{s['outcome']}"), tagger=s["tagger_version"]), ""]
    scores = t.scores()
    unscored = [dimension_title(d, m, rubrics) for d, sc in scores.items() if sc.score is None and d not in human]
    for dim, score in scores.items():
        if score.score is None and dim not in human:
            continue
        lines.append(f"{dimension_title(dim, m, rubrics)}: {score.score}  — {describe(score, m.lang, rubrics)}")
        if dim in human:
            lines.append("  " + m("explain.reviewer_set", name=display_safe(human[dim]["author"]), score=human[dim]["score"], reason=display_safe(human[dim]["reason"])))
        for e in score.evidence:
            kind = e["kind"]
            if kind == "tag":
                sign = "+" if e["polarity"] > 0 else "−"
                lines.append("  " + m("explain.tag", sign=sign, turn=e["turn"], at=clock(e["t"]), behaviour=e["behaviour"], evidence=display_safe(e["evidence"]), start=e["start"], end=e["end"], rule=display_safe(e["rule"])))
                said = display_safe(texts.get(e["turn"], ""))
                lines.append("      " + m("explain.in", text=said if len(said) <= 160 else said[:159] + "…"))  # a long reply, cut visibly
            elif kind == "coverage":
                lines.append("  " + m("explain.coverage", n=e["replies"], shown=e["with_behaviour"], replies=e["replies"], behaviours=", ".join(e["distinct_behaviours"]) or m("explain.none")))
            elif kind in ("slow_reply", "hasty_reply"):
                lines.append("  − " + m(f"explain.{kind}", turn=e["turn"], seconds=m.number(round(e["seconds"]))))
            elif kind == "interrupted":
                lines.append("  − " + m("explain.interrupted", turn=e["turn"]))
            elif kind == "no_reply":
                lines.append("  " + m("explain.no_reply"))
            elif kind == "absence":
                lines.append("  " + m("explain.calm", n=e["replies"], replies=e["replies"]))  # scores are made afresh: it has them
            elif kind == "formulaic":
                lines.append("  " + m("explain.formulaic", count=e["count"]))
            elif kind == "needs":
                pass  # the descriptor above already says why the score stops at 3
            else:
                lines.append(f"  {e.get('detail', kind)}")
        lines.append("")
    if unscored:
        lines.append(m("explain.na", dimensions=", ".join(unscored)))
    total = overall(scores, weights)
    if total is not None:
        weighting = ", ".join(f"{d} ×{m.number(w)}" for d, w in sorted((weights or {}).items())) or m("explain.alike")
        lines.append(m("explain.overall", total=m.number(total, 2), weighting=weighting))
    return "\n".join(lines)
