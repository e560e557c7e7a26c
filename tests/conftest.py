"""Shared fixtures: real files from the repo, real SQLite files in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.library import Library
from simulator.loader import load_persona, load_scenario

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_DATA = ROOT.parent / "shared" / "data"
SHIPPED = ROOT / "simulator"


@pytest.fixture
def mini():
    """The small engine-test scenario and its persona."""
    return load_scenario(FIXTURES / "scenarios" / "mini.yaml"), load_persona(FIXTURES / "personas" / "test-persona.yaml")


@pytest.fixture(scope="session")
def shipped() -> Library:
    """The scenarios and personas shipped in the package."""
    return Library.load([SHIPPED / "scenarios", SHIPPED / "personas"])
