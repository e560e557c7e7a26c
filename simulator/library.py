"""Find scenarios and personas on the search path: --scenarios / ROLESIM_SCENARIOS, ./, then the package."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterable

from .loader import kind_of, parse_persona, parse_scenario
from .model import Persona, Scenario, Where
from .tagger import default_behaviours
from .yamlsource import Problem, read_source


def search_path(extra: Iterable[str | Path] = ()) -> list[Path]:
    """Folders to look in, first match winning."""
    dirs = [Path(d) for d in extra]
    env = os.environ.get("ROLESIM_SCENARIOS")
    if env:
        dirs += [Path(d) for d in env.split(os.pathsep) if d]
    dirs += [Path("scenarios"), Path("personas")]
    package = Path(str(resources.files("simulator")))
    dirs += [package / "scenarios", package / "personas"]
    return dirs


def _names_any(path: Path, wanted: list[bytes]) -> bool:
    """Whether a file may define one of these ids: it writes one, or has an escape that could spell it."""
    try:
        raw = path.read_bytes()
    except OSError:
        return True  # let add_file report it
    return b"\\" in raw or any(name in raw for name in wanted)


def yaml_files(paths: Iterable[str | Path]) -> list[Path]:
    """YAML files named, or found under named folders (scenario test files excluded)."""
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*.y*ml") if p.suffix in (".yaml", ".yml") and not p.name.endswith((".tests.yaml", ".tests.yml")))
        else:
            files.append(path)
    return files


@dataclass
class Library:
    """Every scenario and persona found, and the problems met loading them."""

    scenarios: dict[str, Scenario] = field(default_factory=dict)
    personas: dict[str, Persona] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def load(cls, dirs: Iterable[str | Path] | None = None, extra: Iterable[str | Path] = (), naming: Iterable[str] = (), skip: Iterable[Path] = ()) -> "Library":
        """Load from the search path (or the given folders); earlier folders shadow later ones.
        `naming`: only files whose text contains one of these ids (a file cannot define an id it never writes);
        `skip`: files already read (resolved paths)."""
        library = cls()
        seen: set[Path] = set(skip)
        wanted = [name.encode() for name in naming]
        for path in yaml_files(d for d in (search_path(extra) if dirs is None else dirs) if Path(d).exists()):
            real = path.resolve()
            if real in seen:
                continue
            seen.add(real)
            if wanted and not _names_any(path, wanted):
                continue
            library.add_file(path, shadow=True)
        return library

    @classmethod
    def for_scenario(cls, scenario_id: str, extra: Iterable[str | Path] = ()) -> "Library":
        """The scenario and its persona, as `load` would find them, parsing only the files that name them:
        `rolesim run` starts without reading the whole library (tens of milliseconds before the first frame)."""
        library = cls.load(extra=extra, naming=[scenario_id])
        scenario = library.scenarios.get(scenario_id)
        if scenario is None:
            return cls.load(extra=extra)  # not found: the whole library, so the error can list what there is
        # The scenario files just read define no persona: not read again, though they name it.
        personas = cls.load(extra=extra, naming=[scenario.persona], skip=[Path(s.path).resolve() for s in library.scenarios.values()])
        library.personas = personas.personas
        library.problems += [p for p in personas.problems if p not in library.problems]  # a broken file naming both, once
        return library

    def add_file(self, path: Path, shadow: bool = False) -> None:
        """Load one file; with shadow, an id already loaded keeps its first file silently."""
        source, problems = read_source(path)
        self.problems += problems
        if source is None:
            return
        if kind_of(source) == "scenario":
            obj, more = parse_scenario(source, default_behaviours())
            table = self.scenarios
        else:
            obj, more = parse_persona(source)
            table = self.personas
        self.problems += more
        if obj is None:
            return
        if obj.id in table:
            if not shadow:
                first = table[obj.id].path
                self.problems.append(Problem(source.where(("id",)), "error", f"duplicate id '{obj.id}': also in {first}"))
            return
        table[obj.id] = obj

    def scenario(self, scenario_id: str) -> Scenario:
        """A scenario by id, or KeyError with the ids there are."""
        if scenario_id not in self.scenarios:
            message = f"no scenario '{scenario_id}'; known: {', '.join(sorted(self.scenarios)) or 'none'}"
            broken = [p for p in self.problems if p.severity == "error"]
            if broken:  # it may be one of them: say why they did not load, not only that the id is missing
                files = len({p.where.path for p in broken})
                message += f"; {files} file{'s' if files > 1 else ''} could not be loaded ({broken[0]}; `rolesim validate` lists all)"
            raise KeyError(message)
        return self.scenarios[scenario_id]

    def persona_for(self, scenario: Scenario) -> Persona:
        """The persona a scenario names, or KeyError."""
        if scenario.persona not in self.personas:
            raise KeyError(f"scenario '{scenario.id}' names persona '{scenario.persona}', which was not found")
        return self.personas[scenario.persona]

    def check_references(self) -> None:
        """Add a problem for each scenario whose persona is missing."""
        for scenario in self.scenarios.values():
            if scenario.persona not in self.personas:
                source, _ = read_source(scenario.path, scenario.text)
                where = source.where(("persona",)) if source else Where(scenario.path, 1, 1)
                self.problems.append(Problem(where, "error", f"persona '{scenario.persona}' not found on the search path"))
