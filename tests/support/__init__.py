"""Helpers shared by the tests: fixtures, server stacks, peers, data builders.

Test modules import from here (``from support.wallet import Servers, servers``), never from one
another; ``tests/`` is on ``sys.path`` through pytest's ``pythonpath`` setting (pyproject.toml).
The paths below name the data directories that stay at the top of ``tests/``.
"""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
REPO = TESTS.parent
VECTORS = TESTS / "vectors"
FIXTURES = TESTS / "fixtures"
