"""In-process speed of pathway rule evaluation (plecak.core.pathways).

    .venv/bin/python bench/bench_pathways.py [--seconds 2]

Reports evaluations per second (median of five rounds) for the Climate Action rule with the four
parts of a complete claim, and for a large rule (100 components in 10 modules and 2 elective
groups) over 200 held credentials; and how many credentials per second ``part_from_credential``
reads (including the digest of the full Open Badges micro-credential example).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from plecak.core.pathways import evaluate, normalise_rule, part_from_credential  # noqa: E402
from support.pathway_examples import PW, TUM, UW, ach, climate_rule, credential  # noqa: E402

FULL = ROOT / "tests" / "vectors" / "examples" / "microcredential-data-literacy.json"
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def rate(fn: Callable[[], Any], seconds: float) -> float:
    rounds = []
    for _ in range(5):
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds / 5:
            fn()
            n += 1
        rounds.append(n / (time.perf_counter() - start))
    return statistics.median(rounds)


def large_rule() -> dict[str, Any]:
    issuers = [PW, UW, TUM]
    components = [
        {"achievement": ach(f"c{i}"), "issuer": issuers[i % 3], "name": f"Course {i}"} for i in range(100)
    ]
    return {
        "components": components,
        "mandatory": [ach(f"c{i}") for i in range(10)],
        "electiveGroups": [
            {"name": "A", "components": [ach(f"c{i}") for i in range(10, 40)], "minCount": 3, "minEcts": 9},
            {"name": "B", "components": [ach(f"c{i}") for i in range(40, 60)], "minEctsEach": 4},
        ],
        "modules": [
            {"name": f"M{m}", "components": [ach(f"c{i}") for i in range(60 + 4 * m, 64 + 4 * m)]}
            for m in range(10)
        ],
        "minInstitutions": 2,
        "minCountries": 2,
        "validity": {"maxAgeDays": 3650},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2.0)
    seconds = parser.parse_args().seconds
    climate = normalise_rule(climate_rule())
    four = [
        part_from_credential(credential(s, i))
        for s, i in (("ca-m1-science", PW), ("ca-m2-policy", UW), ("ca-m3-energy", TUM), ("ca-summer", PW))
    ]
    big = normalise_rule(large_rule())
    issuers = [PW, UW, TUM]
    held = [
        part_from_credential(credential(f"c{i % 100}", issuers[i % 3], ects=1 + i % 6)) for i in range(200)
    ]
    full = json.loads(FULL.read_text())
    print(f"climate rule, 4 parts:       {rate(lambda: evaluate(climate, four, now=NOW), seconds):10.0f} /s")
    print(f"100 components, 200 parts:   {rate(lambda: evaluate(big, held, now=NOW), seconds):10.0f} /s")
    print(f"part_from_credential (full): {rate(lambda: part_from_credential(full), seconds):10.0f} /s")


if __name__ == "__main__":
    main()
