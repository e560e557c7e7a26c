"""The core knows nothing of the screen, and the display-safe function shows text literally."""

from __future__ import annotations

import json
import subprocess
import sys

from simulator.text import display_safe


def test_core_modules_do_not_import_textual():
    code = (
        "import sys, simulator.cli, simulator.engine, simulator.tagger, simulator.scoring, simulator.store, "
        "simulator.recorder, simulator.play, simulator.library, simulator.loader; "
        "import json; print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []


def test_display_safe_makes_escape_and_control_characters_visible():
    shown = display_safe("[red]x[/] \x1b[2J\x07\x7f done")
    assert "\x1b" not in shown and "\x07" not in shown and "\x7f" not in shown
    assert shown.startswith("[red]x[/] ␛[2J")


def test_display_safe_keeps_newlines_and_tabs():
    assert display_safe("a\n\tb\r\nc") == "a\n\tb\nc"
