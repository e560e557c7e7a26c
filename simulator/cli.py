"""The `rolesim` command: a thin layer over the library; each command imports what it needs."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from .model import LANGUAGES as LANGS  # model imports nothing heavy


class CliError(Exception):
    """A problem to report in one line on stderr, without a traceback."""


def _count(n: int, one: str, many: str) -> str:
    """'1 reply', '3 replies': the CLI's own lines are English (the screens and reports use the catalogs)."""
    return f"{n} {one if n == 1 else many}"


def _extra(args) -> list:
    """The --scenarios folder, if given, searched before the default paths."""
    return [args.scenarios] if getattr(args, "scenarios", None) else []


def _library(args):
    from .library import Library

    return Library.load(extra=_extra(args))


def _scenario_and_persona(args):
    """Resolve SCENARIO as an id on the search path or a path to a file."""
    from .library import Library
    from .yamlsource import LoadError

    library = _library(args)
    name = args.scenario
    if name.endswith((".yaml", ".yml")) or Path(name).is_file():
        single = Library()
        single.add_file(Path(name))
        errors = [p for p in single.problems if p.severity == "error"]
        if errors:
            raise LoadError(errors)
        if not single.scenarios:
            raise CliError(f"{name} is not a scenario file")
        scenario = next(iter(single.scenarios.values()))
    else:
        scenario = library.scenario(name)
    return scenario, library.persona_for(scenario)


def cmd_list(args) -> int:
    library = _library(args)
    rows = [
        {"id": s.id, "title": s.title, "language": s.language, "archetype": s.archetype, "persona": s.persona, "time_limit": s.time_limit, "path": s.path}
        for s in sorted(library.scenarios.values(), key=lambda s: (s.language, s.id))
    ]
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    from .text import display_safe

    headers = ("id", "title", "language", "archetype", "persona", "time_limit")
    table = [headers] + [tuple(display_safe(str(r[h] if h != "time_limit" else f"{r[h] / 60:g} min")) for h in headers) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(headers))]
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    for problem in library.problems:
        print(problem, file=sys.stderr)
    return 0


def cmd_validate(args) -> int:
    from .library import Library, yaml_files

    files = yaml_files(args.paths)
    if not files:
        raise CliError("no YAML files found in " + " ".join(args.paths))
    checked = Library()
    tests_files = [f for f in files if f.name.endswith((".tests.yaml", ".tests.yml"))]
    for path in files:
        if path not in tests_files:
            checked.add_file(path)
    for path in tests_files:  # named on purpose: checked as scenario tests (play them with `rolesim test`)
        from .scenario_tests import load_cases
        from .yamlsource import LoadError

        try:
            load_cases(path)
        except LoadError as exc:
            checked.problems += exc.problems
    # Personas a scenario names may live elsewhere on the search path.
    for pid, persona in _library(args).personas.items():
        checked.personas.setdefault(pid, persona)
    checked.check_references()
    from .lint import lint

    for scenario in checked.scenarios.values():
        checked.problems += lint(scenario, checked.personas.get(scenario.persona))
    problems = sorted(set(checked.problems), key=lambda p: (p.where.path, p.where.line, p.where.col, p.message))
    if args.strict:
        problems = [replace(p, severity="error") for p in problems]
    if args.format == "json":
        print(json.dumps([{"path": p.where.path, "line": p.where.line, "col": p.where.col, "severity": p.severity, "message": p.message} for p in problems], ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            print(problem)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    print(f"{len(files)} file(s) checked: {errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if errors else 0


def cmd_play(args) -> int:
    from .play import load_replies, play, render_text

    scenario, persona = _scenario_and_persona(args)
    replies = load_replies(args.replies)
    recorder = None
    if args.db:
        from .recorder import SessionRecorder

        recorder = SessionRecorder(args.db, scenario, persona, args.candidate, seed=args.seed, source="scripted").start()
    try:
        result = play(scenario, persona, replies, seed=args.seed, recorder=recorder)
    finally:
        if recorder:
            recorder.close()
    if recorder and recorder.degraded:
        print(f"rolesim: warning: {recorder.degraded}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print(render_text(result))
        if recorder:  # the id `explain`, `report` and the review screens take
            from .i18n import catalog

            saved = "app.saved_with_problems" if recorder.degraded else "app.saved"  # as `run` says it
            print("\n" + catalog("en")(saved, id=recorder.session_id, path=args.db, problems=recorder.degraded))
    return 0


def cmd_tag(args) -> int:
    from .tagger import get_tagger
    from .text import display_safe

    tagger = get_tagger(args.lang)
    if args.text is not None:
        texts = [args.text]
    else:
        stream = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else sys.stdin
        # Invalid UTF-8 is replaced, never fatal.
        texts = [(line.decode("utf-8", "replace") if isinstance(line, bytes) else line).rstrip("\r\n") for line in stream]
    out = sys.stdout
    results = ({"text": text, "tags": [t.to_dict() for t in tagger.tag(text)]} for text in texts)
    if args.format == "jsonl":
        for result in results:
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
    elif args.format == "json":
        items = list(results)
        print(json.dumps(items[0] if args.text is not None else items, ensure_ascii=False, indent=2))
    else:
        for result in results:
            print(display_safe(result["text"]))
            for tag in result["tags"]:
                sign = "+" if tag["polarity"] > 0 else "-"
                print(f"  {sign} {tag['dimension']}/{tag['behaviour']} [{tag['start']}:{tag['end']}] “{display_safe(tag['evidence'])}”  ({tag['rule']})")
            if not result["tags"]:
                print("  (no tags)")
    return 0


def cmd_eval(args) -> int:
    from .evaluate import evaluate

    results = []
    for path in args.files:
        if not Path(path).is_file():
            raise CliError(f"cannot read {path}")
        # A file named for a language (tests/labelled/lv.jsonl) is tagged in that language unless --lang says.
        stem = Path(path).name.split(".")[0]
        try:
            results.append(evaluate(path, args.split, args.lang or (stem if stem in LANGS else "en")))
        except ValueError as exc:
            raise CliError(str(exc)) from None
    if args.format == "json":
        print(json.dumps(results if len(results) > 1 else results[0], indent=2))
        return 0
    for result in results:
        print(f"{result['file']} ({result['split']}, {result['rows']} rows, tagger {result['tagger_version']})")
        print(f"  {'label':20s} {'precision':>9s} {'recall':>7s} {'F1':>6s} {'support':>8s}")
        for label, s in result["labels"].items():
            print(f"  {label:20s} {s['precision']:9.3f} {s['recall']:7.3f} {s['f1']:6.3f} {s['support']:8d}")
        if result["macro_f1"] is not None:
            print(f"  {'macro-F1 (empathy, problem_solving)':38s} {result['macro_f1']:.3f}")
        if result.get("macro_f1_all") is not None and len(result["labels"]) > 2:
            print(f"  {'macro-F1 (every label present)':38s} {result['macro_f1_all']:.3f}")
        if "patience_violation" in result["false_alarm_rate"]:
            print(f"  {'patience false alarms (share of rows)':38s} {result['false_alarm_rate']['patience_violation']:.1%}")
        print()
    return 0


def _review_store(args):
    from .store import ReviewStore, default_db_path

    path = Path(args.db) if args.db else default_db_path()
    if not path.exists():
        raise CliError(f"no database at {path} (run a session first, or pass --db)")
    return ReviewStore(path)


def _session_id(store, wanted: str) -> str:
    """A full session id, or a unique prefix of one (as shown in `rolesim sessions`)."""
    rows = [r[0] for r in store.db.execute("select id from sessions where id like ?", [wanted.replace("%", "") + "%"]).fetchall()]
    if len(rows) != 1:
        raise CliError(f"no session '{wanted}'" if not rows else f"'{wanted}' matches {_count(len(rows), 'session', 'sessions')}; give more of the id")
    return rows[0]


def cmd_sessions(args) -> int:
    from .text import display_safe

    store = _review_store(args)
    rows = store.list_sessions(candidate=args.candidate, scenario=args.scenario_id, outcome=args.outcome, search=args.search)
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        from .report import cohort_csv
        from .transcript import load_transcript

        sys.stdout.write(cohort_csv([load_transcript(store, r["id"]) for r in rows]))
    else:
        headers = ("id", "candidate", "scenario", "started", "duration", "outcome", "P", "E", "PS")
        table = [headers]
        for r in rows:
            duration = "—" if r["ended_ms"] is None else f"{r['ended_ms'] // 60000}:{r['ended_ms'] // 1000 % 60:02d}"
            scores = [str(r[c]) if r[c] is not None else "—" for c in ("score_patience", "score_empathy", "score_problem_solving")]
            table.append((r["id"][:8], display_safe(r["candidate"] or ""), r["scenario_id"], (r["started_at"] or "")[:16].replace("T", " "), duration, r["outcome"], *scores))
        widths = [max(len(row[i]) for row in table) for i in range(len(headers))]
        for row in table:
            print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    return 0


def cmd_report(args) -> int:
    from .report import html_report, markdown, report_data
    from .transcript import load_transcript

    store = _review_store(args)
    transcript = load_transcript(store, _session_id(store, args.session))
    if args.format == "json":
        text = json.dumps(report_data(transcript, args.lang), ensure_ascii=False, indent=2)
    elif args.format == "html":
        text = html_report(transcript, args.lang)
    else:
        text = markdown(transcript, args.lang)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def cmd_review(args) -> int:
    from .ui.review_app import run_review

    return run_review(args)


def cmd_test(args) -> int:
    from .scenario_tests import coverage, load_cases, run_case, test_files

    library = _library(args)
    files = test_files(args.paths or [d for d in ("scenarios",) if Path(d).exists()] or [str(Path(__file__).parent / "scenarios")])
    if not files:
        raise CliError("no *.tests.yaml files found")
    results = []
    for path in files:
        scenario_id, cases = load_cases(path)
        for case in cases:
            result = run_case(library, scenario_id, case)
            results.append(result)
            mark = "PASS" if result.passed else "FAIL"
            print(f"{mark}  {scenario_id}: {case.name}  ({path}:{case.where.line})")
            for failure in result.failures:
                print(f"        {failure}")
    passed = sum(r.passed for r in results)
    print(f"\n{passed} passed, {len(results) - passed} failed")
    for scenario_id, missing in coverage(library, results).items():
        if missing["states"] or missing["transitions"]:
            print(f"coverage: {scenario_id}: states no case reaches: {', '.join(missing['states']) or 'none'}")
            for edge in missing["transitions"]:
                print(f"          transition no case takes: {edge}")
        else:
            print(f"coverage: {scenario_id}: every state and transition reached")
    return 0 if passed == len(results) else 1


def cmd_graph(args) -> int:
    from .graph import dot, mermaid

    scenario, _ = _scenario_and_persona(args)
    path = None
    if args.highlight:
        store = _review_store(args)
        sid = _session_id(store, args.highlight)
        path = [e["data"]["to"] for e in store.events(sid) if e["kind"] == "state"]
    sys.stdout.write((dot if args.format == "dot" else mermaid)(scenario, path))
    return 0


def cmd_schema(args) -> int:
    from .schema import schema_text

    sys.stdout.write(schema_text(args.kind))
    return 0


def cmd_new(args) -> int:
    from importlib import resources

    from .loader import ID

    if not ID.match(args.id):
        raise CliError(f"id '{args.id}' must be lower-case letters, digits, '-' or '_'")
    folder = Path(args.dir or ("scenarios" if args.kind == "scenario" else "personas"))
    target = folder / f"{args.id}.yaml"
    if target.exists():
        raise CliError(f"{target} exists already; choose another --id")
    template = resources.files("simulator.templates").joinpath(f"{args.kind}.yaml").read_text("utf-8")
    text = template.replace("{id}", args.id).replace("{persona}", args.persona).replace("{{", "{").replace("}}", "}")
    if folder.resolve() != (Path(__file__).parent / f"{args.kind}s").resolve():
        text = text.replace("$schema=../schemas/", f"$schema={Path(__file__).parent / 'schemas'}/", 1)
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}: edit it, then `rolesim validate {target}`")
    return 0


def cmd_explore(args) -> int:
    from .explore import explore

    scenario, persona = _scenario_and_persona(args)
    report = explore(scenario, persona, args.runs, args.seed)
    if args.format == "json":
        print(json.dumps(report.to_json(), indent=2))
        return 0
    print(f"{scenario.id}: {report.runs} random candidates (seed {args.seed})")
    for outcome, count in report.outcomes.most_common():
        print(f"  {outcome:14s} {count:5d}")
    print("states never reached: " + (", ".join(report.never_reached) or "none"))
    if report.timed_out:
        print(f"{len(report.timed_out)} run(s) never ended before the time limit (run seeds {', '.join(map(str, report.timed_out[:5]))}): look for a state that waits for a reply it rarely gets")
    else:
        print("every run ended before the time limit")
    return 0


def cmd_playtest(args) -> int:
    from .ui.playtest import build_playtest_app

    scenario, persona = _scenario_and_persona(args)
    mood, facts = None, {}
    for item in args.set or []:
        key, _, value = item.partition("=")
        if not _ or not key:
            raise CliError(f"--set takes NAME=VALUE, not {item!r}")
        if key == "mood":
            if not value.isdigit() or not 0 <= int(value) <= 100:
                raise CliError("mood must be a whole number from 0 to 100")
            mood = float(value)
        else:
            facts[key] = value
    if args.state and args.state not in scenario.states:
        raise CliError(f"no state '{args.state}'; states: {', '.join(scenario.states)}")
    build_playtest_app(scenario, persona, start_state=args.state, mood=mood, facts=facts, seed=args.seed, lang=args.lang).run()
    return 0


def cmd_explain(args) -> int:
    from .report import explanation
    from .transcript import load_transcript

    store = _review_store(args)
    transcript = load_transcript(store, _session_id(store, args.session))
    print(explanation(transcript, _scenario_weights(store, transcript.session), args.lang))
    return 0


def _scenario_weights(store, session: dict) -> dict[str, float]:
    """The weights of the scenario as the session ran it; none if its text cannot be read."""
    from .transcript import stored_source
    from .yamlsource import LoadError

    try:
        return dict(stored_source(store, session, "scenario").weights)
    except (KeyError, LoadError):
        return {}


def cmd_calibrate(args) -> int:
    from .calibrate import calibrate, render_table

    result = calibrate(_review_store(args))
    print(json.dumps(result, indent=2, ensure_ascii=False) if args.format == "json" else render_table(result))
    return 0


def cmd_retag(args) -> int:
    from .retag import retag_session
    from .yamlsource import LoadError

    store = _review_store(args)
    if args.all:
        ids = [r[0] for r in store.db.execute("select id from sessions order by started_at").fetchall()]
    elif args.sessions:
        ids = [_session_id(store, s) for s in args.sessions]
    else:
        raise CliError("name sessions to re-tag, or pass --all")
    results = []
    failed = 0
    for session_id in ids:
        try:
            results.append(retag_session(store, session_id, force=args.force))
        except (KeyError, LoadError, ValueError) as exc:
            failed += 1
            print(f"{session_id}: not re-tagged: {exc}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(results, indent=2))
    else:
        for r in results:
            what = f"{r['from'] or '?'} -> {r['to']}, {_count(r['changed_replies'], 'reply', 'replies')} changed" if r["retagged"] else f"already {r['to']}"
            print(f"{r['session'][:8]}  {what}")
        done = sum(r["retagged"] for r in results)
        print(f"{done} of {_count(len(results) + failed, 'session', 'sessions')} re-tagged; old tags are kept, tagged with their version.")
    return 1 if failed else 0


def cmd_run(args) -> int:
    from .ui.app import run_candidate

    return run_candidate(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rolesim", description="A terminal role-play simulator for hiring customer-support staff.")
    from . import __version__

    parser.add_argument("--version", action="version", version=f"rolesim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def scenarios_option(p):
        p.add_argument("--scenarios", metavar="DIR", help="look for scenarios and personas here first (also ROLESIM_SCENARIOS)")

    p = sub.add_parser("run", help="the candidate's timed session in the terminal", description="Start a candidate's timed chat session.")
    p.add_argument("--scenario", metavar="ID", help="scenario id (default: late-parcel, or with --lang the first angry scenario in that language)")
    p.add_argument("--candidate", metavar="NAME", help="the candidate's name (asked for when missing)")
    p.add_argument("--db", metavar="PATH", help="database file (default: $ROLESIM_DB or transcripts/rolesim.sqlite)")
    p.add_argument("--lang", choices=LANGS, metavar="xx", help="interface language: en, lv, lt or da (default: the scenario's)")
    p.add_argument("--extra-time", metavar="PCT", type=float, default=0.0, help="extra time as a percentage of the limit (an accommodation; recorded)")
    p.add_argument("--seed", type=int, default=None, help="random seed for the customer's line variants (default: random)")
    scenarios_option(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("list", help="list the scenarios found", description="List the scenarios on the search path.")
    p.add_argument("--format", choices=("table", "json"), default="table")
    scenarios_option(p)
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("validate", help="check scenario and persona files", description="Check scenario and persona files; each problem on one line as path:line:col: error|warning: message.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("--format", choices=("text", "json"), default="text")
    scenarios_option(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("play", help="run a scenario headless with scripted replies", description="Run a scenario on a simulated clock with scripted candidate replies.")
    p.add_argument("scenario", metavar="SCENARIO", help="scenario id or file")
    p.add_argument("--replies", metavar="FILE", required=True, help="YAML list of replies: strings, {text, after} or {wait}")
    p.add_argument("--db", metavar="PATH", help="store the session in this database, like a live one")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--candidate", metavar="NAME", default="scripted", help="candidate name stored with --db")
    scenarios_option(p)
    p.set_defaults(func=cmd_play)

    p = sub.add_parser("tag", help="tag one reply, or one per stdin line", description="Tag a reply against the rubrics.")
    p.add_argument("text", nargs="?", metavar="TEXT", help="the reply; without it, one reply per line of standard input")
    p.add_argument("--lang", default="en", choices=LANGS, metavar="xx", help="tagging language: en, lv, lt or da (default en)")
    p.add_argument("--format", choices=("text", "json", "jsonl"), default="text")
    p.set_defaults(func=cmd_tag)

    p = sub.add_parser("review", help="the interviewer's review screens", description="Review recorded sessions: list, transcript with evidence, scores, replay, notes, overrides, reports.")
    p.add_argument("--db", metavar="PATH", help="database file (default: $ROLESIM_DB or transcripts/rolesim.sqlite)")
    p.add_argument("--reviewer", metavar="NAME", help="your name for the audit log (also ROLESIM_REVIEWER; asked for when missing)")
    p.add_argument("--blind", action="store_true", help="hide candidate names until you have scored the session")
    p.add_argument("--lang", choices=LANGS, metavar="xx", help="interface language: en, lv, lt or da (default en; transcripts are shown as written; exports are in this language when given, else in each session's own)")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("sessions", help="list recorded sessions", description="List recorded sessions, newest first; --format csv gives one row per session with scores and key timings.")
    p.add_argument("--db", metavar="PATH", help="database file (default: $ROLESIM_DB or transcripts/rolesim.sqlite)")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.add_argument("--candidate", metavar="NAME", help="candidates whose name contains this")
    p.add_argument("--scenario", dest="scenario_id", metavar="ID")
    p.add_argument("--outcome", choices=("resolved", "escalated", "customer_left", "time_up", "abandoned", "incomplete"))
    p.add_argument("--search", metavar="WORDS", help="sessions where the candidate wrote these words")
    p.set_defaults(func=cmd_sessions)

    p = sub.add_parser("report", help="a report of one session", description="A readable report of one session: transcript with timing, tags with evidence, scores with reasons, reviewers' notes and overrides.")
    p.add_argument("session", metavar="SESSION_ID", help="the id, or a unique prefix of it")
    p.add_argument("--db", metavar="PATH", help="database file (default: $ROLESIM_DB or transcripts/rolesim.sqlite)")
    p.add_argument("--format", choices=("md", "html", "json"), default="md")
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument("--lang", choices=LANGS, metavar="xx", help="report language: en, lv, lt or da (default: the session's)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("new", help="write a commented starting scenario or persona", description="Write a commented starting file that passes validate.")
    p.add_argument("kind", choices=("scenario", "persona"))
    p.add_argument("--id", default=None, help="the new file's id (default: my-scenario / my-persona)")
    p.add_argument("--persona", default="my-persona", help="the persona a new scenario names")
    p.add_argument("--dir", metavar="DIR", help="where to write (default: ./scenarios or ./personas)")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("schema", help="print the JSON Schema of scenario or persona files", description="Print the JSON Schema of scenario or persona files, for editors (yaml-language-server) and tools.")
    p.add_argument("kind", choices=("scenario", "persona"))
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("graph", help="print a scenario's state machine", description="Print a scenario's states and transitions as Mermaid or DOT, edges labelled with what fires them.")
    p.add_argument("scenario", metavar="SCENARIO", help="scenario id or file")
    p.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    p.add_argument("--highlight", metavar="SESSION_ID", help="mark the path a recorded session took")
    p.add_argument("--db", metavar="PATH", help="database for --highlight")
    scenarios_option(p)
    p.set_defaults(func=cmd_graph)

    p = sub.add_parser("playtest", help="play a scenario with the machine's view, reloading as you edit", description="The candidate screen plus the author's view (state, mood, tags, transitions); edits to the YAML reload and replay your replies. Not stored.")
    p.add_argument("scenario", metavar="SCENARIO", help="scenario id or file")
    p.add_argument("--state", metavar="NAME", help="start in this state")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="mood=80, or a fact: order_number=123 (repeatable)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--lang", choices=LANGS, metavar="xx", help="interface language: en, lv, lt or da (default: the scenario's)")
    scenarios_option(p)
    p.set_defaults(func=cmd_playtest)

    p = sub.add_parser("explore", help="play random candidates through a scenario", description="Play random candidate replies (the scenario's cues, the tagger's behaviours, silences) and report outcomes, states never reached and runs that never end.")
    p.add_argument("scenario", metavar="SCENARIO", help="scenario id or file")
    p.add_argument("--runs", type=int, default=200)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--format", choices=("text", "json"), default="text")
    scenarios_option(p)
    p.set_defaults(func=cmd_explore)

    p = sub.add_parser("test", help="run scenario tests (*.tests.yaml)", description="Play every case of the scenario tests files and check what must follow; report states and transitions no case reaches.")
    p.add_argument("paths", nargs="*", metavar="PATH", help="tests files or folders (default: ./scenarios, else the shipped ones)")
    scenarios_option(p)
    p.set_defaults(func=cmd_test)

    p = sub.add_parser("explain", help="why a session's scores are what they are", description="Print each score of a session with the descriptor it reached and every tag (words, offsets, rule) and timing behind it.")
    p.add_argument("session", metavar="SESSION_ID", help="the id, or a unique prefix of it")
    p.add_argument("--db", metavar="PATH", help="database file (default: $ROLESIM_DB or transcripts/rolesim.sqlite)")
    p.add_argument("--lang", choices=LANGS, metavar="xx", help="language of the explanation: en, lv, lt or da (default: the session's)")
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("calibrate", help="where reviewers and the machine disagree", description="Compare reviewers' tag and score overrides with the automatic ones: per dimension, agreement and Cohen's kappa, and the behaviours most often overridden.")
    p.add_argument("--db", metavar="PATH", help="database file (default: $ROLESIM_DB or transcripts/rolesim.sqlite)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_calibrate)

    p = sub.add_parser("retag", help="re-tag stored sessions with the current tagger", description="Tag stored sessions' replies again with the current tagger and rubrics, in their recorded context. New tags carry the new tagger_version; the old ones are kept; scores are replaced; reviewers' overrides carry over to the same tags.")
    p.add_argument("sessions", nargs="*", metavar="SESSION_ID", help="ids or unique prefixes")
    p.add_argument("--all", action="store_true", help="every session whose tagger version is not the current one")
    p.add_argument("--force", action="store_true", help="re-tag even sessions already at the current version")
    p.add_argument("--db", metavar="PATH", help="database file (default: $ROLESIM_DB or transcripts/rolesim.sqlite)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_retag)

    p = sub.add_parser("eval", help="measure the tagger against human labels", description="Measure the tagger against a labelled JSONL file: precision, recall, F1 and support per gold label.")
    p.add_argument("files", nargs="+", metavar="FILE", help="JSONL with id, text and gold labels (see shared/data/README.md)")
    p.add_argument("--split", choices=("all", "even", "odd"), default="all", help="rows whose id ends in an even or odd digit (tune on even, report on odd)")
    p.add_argument("--lang", choices=LANGS, metavar="xx", help="tagging language: en, lv, lt or da (default: from the file name, en.jsonl .. lv.jsonl, else en)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_eval)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse, run, and turn every expected failure into one line on stderr."""
    from .yamlsource import LoadError

    args = build_parser().parse_args(argv)
    if args.command == "new" and args.id is None:
        args.id = f"my-{args.kind}"
    try:
        return args.func(args)
    except LoadError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except (CliError, KeyError) as exc:
        message = exc.args[0] if exc.args else str(exc)
        print(f"rolesim: error: {message}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
