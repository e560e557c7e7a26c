"""Loading and validating YAML: every problem at the right file:line:col, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.cli import main
from simulator.loader import parse_scenario
from simulator.yamlsource import read_source

from .conftest import FIXTURES, ROOT

BROKEN = ROOT / "tests" / "broken"

# (file, line, col, words the message must contain)
EXPECTED = [
    ("bad_archetype.yaml", 3, 12, "archetype must be one of angry, confused, demanding"),
    ("bad_indent.yaml", 12, 4, "invalid YAML"),
    ("cycle.yaml", 8, 8, "no final state can be reached from the start"),
    ("duplicate_key.yaml", 7, 1, "duplicate key 'brief'"),
    ("missing_persona.yaml", 4, 10, "persona 'nobody-here' not found"),
    ("no_way_out.yaml", 15, 5, "state 'b' has no outcome and no way out"),
    ("not_utf8.yaml", 2, 11, "not UTF-8: byte 0xe9"),
    ("placeholder.yaml", 11, 10, "placeholder {order_number} has no fact behind it"),
    ("tab.yaml", 15, 1, "a tab: YAML is indented with spaces only"),
    ("unclosed_quote.yaml", 2, 8, "a quoted value opened here runs on to line 11: is its closing quote missing?"),
    ("quote_to_the_end.yaml", 15, 10, "a quoted value opened here is never closed"),
    # A quoted value over two lines that swallowed no key is not blamed for the error after it.
    ("multiline_quote_ok.yaml", 7, 10, "invalid YAML: while parsing a block mapping"),
    ("runaway_before_open_quote.yaml", 6, 8, "a quoted value opened here runs on to line 11"),
    ("unicode.yaml", 13, 13, "transition to unknown state 'bē'"),
    ("unknown_key.yaml", 2, 1, "unknown key 'titel' in a scenario (did you mean 'title'?)"),
    ("unknown_state.yaml", 13, 13, "transition to unknown state 'bb'"),
    ("wrong_type.yaml", 5, 13, "'time_limit' must be a number"),
]


@pytest.mark.parametrize("name,line,col,words", EXPECTED)
def test_broken_file_is_reported_at_its_line_and_column(name, line, col, words, capsys):
    code = main(["validate", "--scenarios", str(FIXTURES), str(BROKEN / name)])
    out = capsys.readouterr().out
    assert code == 1
    assert f"{BROKEN / name}:{line}:{col}: error: " in out
    assert words in out


def test_every_broken_file_is_covered():
    assert {p.name for p in BROKEN.glob("*.yaml")} == {name for name, *_ in EXPECTED}


def test_validate_reports_all_files_at_once_and_exits_1_without_a_traceback():
    proc = subprocess.run([sys.executable, "-m", "simulator", "validate", "--scenarios", str(FIXTURES), str(BROKEN)], capture_output=True, text=True)
    assert proc.returncode == 1
    lines = [line for line in proc.stdout.splitlines() if ": error: " in line]
    assert len({line.split(":")[0] for line in lines}) == len(EXPECTED)
    assert "Traceback" not in proc.stderr + proc.stdout


def test_valid_fixture_validates_clean(capsys):
    assert main(["validate", str(FIXTURES)]) == 0
    assert capsys.readouterr().out == ""


def test_duplicate_ids_across_files_are_errors(tmp_path, capsys):
    text = (FIXTURES / "scenarios" / "mini.yaml").read_text()
    (tmp_path / "one.yaml").write_text(text)
    (tmp_path / "two.yaml").write_text(text)
    assert main(["validate", "--scenarios", str(FIXTURES), str(tmp_path)]) == 1
    assert "duplicate id 'mini'" in capsys.readouterr().out


def test_a_condition_naming_an_undefined_cue_is_an_error(tmp_path, capsys):
    text = (FIXTURES / "scenarios" / "mini.yaml").read_text().replace("cues: [refund]", "cues: [refnud]")
    (tmp_path / "s.yaml").write_text(text)
    assert main(["validate", "--scenarios", str(FIXTURES), str(tmp_path / "s.yaml")]) == 1
    assert "cue 'refnud' is not defined" in capsys.readouterr().out


yaml_text = st.lists(st.sampled_from(list("ab:- \n\t{}[]'\"#&*!|>%@`\\,?") + ["states:", "say: ", "on_reply:", "  ", "ü", "\x00", "\x1b"]), max_size=80).map("".join)


@settings(max_examples=300, deadline=None)
@given(yaml_text)
def test_any_yaml_text_gives_problems_not_exceptions(text):
    source, problems = read_source("any.yaml", text)
    if source is not None:
        parse_scenario(source)
    for problem in problems:
        assert problem.where.line >= 1 and problem.where.col >= 1


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10), lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["id", "title", "states", "start", "say", "on_reply", "to", "if", "x"]), inner, max_size=5), max_leaves=20))
def test_any_yaml_structure_gives_problems_not_exceptions(data):
    import yaml

    source, problems = read_source("any.yaml", yaml.safe_dump(data))
    assert source is not None
    parse_scenario(source)


def test_a_cue_phrase_with_no_word_is_an_error_at_its_line(tmp_path):
    from simulator.loader import load_scenario
    from simulator.yamlsource import LoadError

    path = tmp_path / "bad.yaml"
    path.write_text(
        "id: bad\ntitle: Bad\nlanguage: en\narchetype: angry\npersona: p\ntime_limit: 60\nbrief: b\nreference: r\n"
        "cues:\n  odd: ['?!', refund]\nstart: a\nstates:\n  a:\n    say: hi\n    outcome: resolved\n"
    )
    with pytest.raises(LoadError) as failure:
        load_scenario(path)
    assert "bad.yaml:10:9: error: cue phrase '?!' must start with a word" in str(failure.value)
