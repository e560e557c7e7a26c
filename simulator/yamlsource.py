"""Read YAML into plain data while remembering where each value was written."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .model import Where

Key = tuple[Any, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a source file, printed as `path:line:col: severity: message`."""

    where: Where
    severity: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.severity}: {self.message}"


class LoadError(Exception):
    """A file could not be loaded; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Source:
    """Parsed YAML data plus the place of every key and value in it."""

    path: str
    text: str
    data: Any
    marks: dict[Key, Where]

    def where(self, key: Key) -> Where:
        """The place of the value at `key`, or of its nearest written ancestor."""
        while key not in self.marks and key:
            key = key[:-1]
        return self.marks.get(key, Where(self.path, 1, 1))


def _where(path: str, mark: yaml.Mark | None) -> Where:
    if mark is None:
        return Where(path, 1, 1)
    return Where(path, mark.line + 1, mark.column + 1)


_KEY_LINE = re.compile(r"^\s*(?:-\s+)?[\w-]+:(?:\s|$)", re.M)  # "  item: ...", "- to: b": a line written as a key


def _runaway_quote(text: str, exc: yaml.MarkedYAMLError) -> tuple[yaml.Mark, int | None] | None:
    """Where an unclosed quote opened, and the line it ran on to (None: it never closes), if that is what the
    error is: the first quoted value that swallowed lines written as keys and closes where the parser gave up
    (the quote that opens the next value closes it), or, when the scanner hit the end inside a quote, anywhere."""
    failed = exc.problem_mark
    never_closed = bool(exc.context and "quoted scalar" in exc.context)
    try:
        for token in yaml.scan(text, Loader=_LOADER):
            if failed is not None and (token.start_mark.line, token.start_mark.column) >= (failed.line, failed.column):
                break  # the scanner reads on past the parser's failure; what follows is not the cause
            start, end = token.start_mark, token.end_mark
            if isinstance(token, yaml.ScalarToken) and token.style in ("'", '"') and start.line < end.line:
                swallowed = text[start.index : end.index].split("\n", 1)[1]
                if _KEY_LINE.search(swallowed) and (never_closed or failed is None or end.line == failed.line):
                    return start, end.line
    except yaml.YAMLError:
        pass
    return (exc.context_mark, None) if never_closed and exc.context_mark is not None else None


def read_source(path: str | Path, text: str | None = None) -> tuple[Source | None, list[Problem]]:
    """Read one YAML file; on failure return the problems with their line and column."""
    path = str(path)
    if text is None:
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            return None, [Problem(Where(path, 1, 1), "error", f"cannot read file: {exc.strerror or exc}")]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = raw[: exc.start]
            line = before.count(b"\n") + 1
            col = len(before) - (before.rfind(b"\n") + 1) + 1
            bad = raw[exc.start : exc.start + 1].hex()
            return None, [Problem(Where(path, line, col), "error", f"not UTF-8: byte 0x{bad} cannot be decoded; save the file as UTF-8")]
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        runaway = _runaway_quote(text, exc)
        if runaway is not None:  # the parser fails where the quote happens to close, often far below the slip
            opened, ran_to = runaway
            runs = "is never closed" if ran_to is None else f"runs on to line {ran_to + 1}"
            mark, message = opened, f"a quoted value opened here {runs}: is its closing quote missing? ({message})"
        lines = text.splitlines()
        if mark is not None and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
            message += " (a tab: YAML is indented with spaces only)"
        return None, [Problem(_where(path, mark), "error", f"invalid YAML: {message}")]
    except yaml.YAMLError as exc:  # reader errors (control characters) carry a position too
        line = getattr(exc, "line", None)
        where = Where(path, 1, 1)
        if hasattr(exc, "position"):
            before = text[: exc.position]
            where = Where(path, before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1)
        elif line is not None:
            where = Where(path, line + 1, 1)
        return None, [Problem(where, "error", f"invalid YAML: {exc}")]
    marks: dict[Key, Where] = {}
    problems: list[Problem] = []
    data = _build(node, (), path, marks, problems) if node is not None else None
    return Source(path, text, data, marks), problems


_constructor = yaml.constructor.SafeConstructor()
# libyaml's C parser when PyYAML was built with it (the wheels are): same nodes and marks, much faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_packaged(package: str, name: str) -> Any:
    """A YAML file shipped inside the package (cues, catalogs, rubrics), read with the C loader where PyYAML has it:
    ten times faster than the pure-Python one, and these load before the first frame or the first reply."""
    return yaml.load(resources.files(package).joinpath(name).read_text("utf-8"), Loader=_LOADER)


def _build(node: yaml.Node, key: Key, path: str, marks: dict[Key, Where], problems: list[Problem]) -> Any:
    """Turn a composed node into plain data, recording marks and duplicate keys."""
    marks[key] = _where(path, node.start_mark)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            try:
                name = _constructor.construct_object(key_node, deep=True)
            except yaml.YAMLError as exc:
                problems.append(Problem(_where(path, key_node.start_mark), "error", f"invalid key: {exc}"))
                continue
            if not isinstance(name, (str, int, float, bool)) and name is not None:
                problems.append(Problem(_where(path, key_node.start_mark), "error", "a key must be a plain word"))
                continue
            if name in result:
                problems.append(Problem(_where(path, key_node.start_mark), "error", f"duplicate key '{name}'"))
            marks[key + (name, "<key>")] = _where(path, key_node.start_mark)
            result[name] = _build(value_node, key + (name,), path, marks, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, key + (i,), path, marks, problems) for i, item in enumerate(node.value)]
    try:
        return _constructor.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        problems.append(Problem(_where(path, node.start_mark), "error", f"invalid value: {exc}"))
        return None
