"""``make bench``: our proofs in-process and over HTTP, beside didkit and the JS reference, in one run.

    .venv/bin/python bench/run.py [--seconds 5] [--rounds 5] [--http-requests 20000] [--http-seconds 20]
                                  [--cpu 1] [--skip-peers] [--skip-http] [--no-write]

Every measurement runs in its own process pinned to one core (``taskset``, when there are two or
more cores): ``bench_proofs.py`` (ours), ``peers/js_bench.mjs`` (Digital Bazaar's
``@digitalbazaar/vc`` 7.3 stack, from the npm cache of tests/support/reference_js.py) and
``peers/didkit_bench.py`` (didkit 0.3.3, VC 1.1 only). Rounds are interleaved: each round runs
every implementation once (rotating the order), and the median over rounds is reported, so that
load from other processes on a shared machine falls on all implementations alike. The HTTP
benchmark (``bench_http.py``) pins the verifier to one core and its loopback load generator to the
other. The credentials are the same
for all (``credentials.py``). Prints the table with ratios and the targets of issue 8, then rewrites
the measured section of docs/performance.md and the chart docs/performance.png.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DOC = ROOT / "docs" / "performance.md"
CHART = ROOT / "docs" / "performance.png"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"

sys.path.insert(0, str(BENCH))

from credentials import LABELS, signed  # noqa: E402


def pin(cpu: int) -> list[str]:
    if shutil.which("taskset") is None or (os.cpu_count() or 1) < 2:
        return []
    return ["taskset", "-c", str(cpu)]


def ours(seconds: float, cpu: int, rounds: int = 5) -> dict[str, float]:
    proc = subprocess.run(
        [
            *pin(cpu),
            sys.executable,
            str(BENCH / "bench_proofs.py"),
            "--seconds",
            str(seconds),
            "--rounds",
            str(rounds),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60 + 30 * seconds,
    )
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def js_peer(seconds: float, cpu: int, rounds: int = 5) -> dict[str, Any]:
    from peers.jsref import run_js

    return run_js([(name, signed(name)) for name in ("small", "full", "small11")], seconds, pin(cpu), rounds)


def didkit_peer(seconds: float, cpu: int, rounds: int = 5) -> dict[str, Any]:
    request = {
        "seconds": seconds,
        "rounds": rounds,
        "credentials": [{"label": "small11", "credential": signed("small11")}],
    }
    try:
        proc = subprocess.run(
            [*pin(cpu), sys.executable, str(BENCH / "peers" / "didkit_bench.py")],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=60 + 10 * seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": "didkit did not finish in time"}
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if not lines:
        return {"error": f"didkit printed nothing (exit {proc.returncode}): {proc.stderr.strip()[-300:]}"}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def http(requests: int, seconds: float) -> dict[str, Any]:
    command = [
        sys.executable,
        str(BENCH / "bench_http.py"),
        "--json",
        "--requests",
        str(requests),
        "--seconds",
        str(seconds),
    ]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=120 + seconds, check=False)
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if proc.returncode != 0 or not lines:
        return {"error": f"exit {proc.returncode}: {proc.stderr.strip()[-400:]}"}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def _median_of(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Peer answers of several one-round runs merged: per label, the median of the rounds."""
    good = [r for r in rounds if "results" in r]
    if not good:
        return rounds[0] if rounds else {"error": "no rounds"}
    merged: dict[str, Any] = {k: v for k, v in good[0].items() if k != "results"}
    results: dict[str, Any] = {}
    for label in good[0]["results"]:
        items = [r["results"].get(label) or {} for r in good]
        values = [float(i["ops"]) for i in items if i.get("ops")]
        failed = next((i for i in items if not i.get("verified", True)), None)
        results[label] = failed or {"ops": statistics.median(values), "rounds": values, "verified": True}
    merged["results"] = results
    return merged


def interleaved(args: argparse.Namespace) -> tuple[dict[str, float], dict[str, Any], dict[str, Any]]:
    """Every implementation once per round, in rotating order, so that load from elsewhere on the
    machine falls on all of them alike; per measurement, the median over the rounds."""
    slice_seconds = args.seconds / args.rounds
    ours_rounds: list[dict[str, float]] = []
    js_rounds: list[dict[str, Any]] = []
    dk_rounds: list[dict[str, Any]] = []
    steps = [("Plecak", lambda: ours_rounds.append(ours(slice_seconds, args.cpu, 1)))]
    if not args.skip_peers:
        steps.append(("JS reference", lambda: js_rounds.append(js_peer(slice_seconds, args.cpu, 1))))
        steps.append(("didkit", lambda: dk_rounds.append(didkit_peer(slice_seconds, args.cpu, 1))))
    for r in range(args.rounds):
        order = steps[r % len(steps) :] + steps[: r % len(steps)]
        print(f"round {r + 1}/{args.rounds}: " + ", ".join(name for name, _ in order), flush=True)
        for _, step in order:
            step()
    our = {key: statistics.median(r[key] for r in ours_rounds) for key in ours_rounds[0]}
    skipped: dict[str, Any] = {"error": "skipped"}
    js = _median_of(js_rounds) if js_rounds else skipped
    dk = _median_of(dk_rounds) if dk_rounds else skipped
    return our, js, dk


def peer_ops(peer: dict[str, Any], name: str) -> float | None:
    item = (peer.get("results") or {}).get(name) or {}
    value = item.get("ops")
    return float(value) if value else None


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def ratio(a: float | None, b: float | None) -> str:
    return "–" if not a or not b else f"{a / b:.1f}×"


def build(
    our: dict[str, float], js: dict[str, Any], dk: dict[str, Any], web: dict[str, Any]
) -> tuple[list[list[str]], list[tuple[str, str, bool | None]], dict[str, dict[str, float]]]:
    rows: list[list[str]] = []
    chart: dict[str, dict[str, float]] = {}
    floor = our["ed25519 verify (32 bytes)"]
    for name in ("small", "full", "small11"):
        mine = our[f"verify {name}"]
        theirs_js = peer_ops(js, name)
        theirs_dk = peer_ops(dk, name) if name == "small11" else None
        rows.append(
            [
                "verify",
                LABELS[name],
                fmt(mine),
                fmt(theirs_js),
                fmt(theirs_dk),
                ratio(mine, theirs_js),
                ratio(mine, theirs_dk),
                ratio(floor, mine),
            ]
        )
        bars = {"Plecak": mine}
        if theirs_js:
            bars["JS reference"] = theirs_js
        if theirs_dk:
            bars["didkit"] = theirs_dk
        chart[f"verify {LABELS[name]}"] = bars
    for name in ("small", "full", "small11"):
        mine = our[f"sign {name}"]
        rows.append(["sign", LABELS[name], fmt(mine), "–", "–", "–", "–", "–"])
    rows.append(
        ["Ed25519 verify", "32 bytes (pyca/cryptography, the floor)", fmt(floor), "–", "–", "–", "–", "1.0×"]
    )
    chart["Ed25519 verify, 32 bytes (floor)"] = {"Plecak": floor}
    if "rps" in web:
        rows.append(
            [
                "HTTP verify",
                f"POST /credentials/verify, small VC + status list (p50 {web['p50_ms']:.1f} ms, "
                f"p99 {web['p99_ms']:.1f} ms, {web['errors']} errors; server CPU "
                f"{web.get('server_cpu_ms') or 0:.2f} ms per request)",
                fmt(web["rps"]),
                "–",
                "–",
                "–",
                "–",
                "–",
            ]
        )
        chart["HTTP POST /credentials/verify (req/s)"] = {"Plecak": web["rps"]}

    js_small, dk_small11 = peer_ops(js, "small"), peer_ops(dk, "small11")
    js_full = peer_ops(js, "full")

    def at_least(value: float | None, bound: float | None) -> bool | None:
        return None if value is None or bound is None else value >= bound

    small = our["verify small"]
    targets: list[tuple[str, str, bool | None]] = [
        ("verify small ≥ 1,500/s", fmt(small), small >= 1500),
        (
            "verify small ≥ 3× JS reference",
            ratio(small, js_small),
            at_least(small, js_small and 3 * js_small),
        ),
        (
            "verify small ≥ 5× didkit",
            ratio(small, dk_small11),
            at_least(small, dk_small11 and 5 * dk_small11),
        ),
        ("verify small within 5× of the Ed25519 floor", ratio(floor, small), floor <= 5 * small),
        (
            "verify full ≥ 3× JS reference",
            ratio(our["verify full"], js_full),
            at_least(our["verify full"], js_full and 3 * js_full),
        ),
        ("sign small ≥ 1,500/s", fmt(our["sign small"]), our["sign small"] >= 1500),
        ("Ed25519Signature2020 verify ≥ 1,000/s", fmt(our["verify small11"]), our["verify small11"] >= 1000),
    ]
    if "rps" in web:
        targets.append(("HTTP ≥ 1,500 req/s", fmt(web["rps"]), web["rps"] >= 1500))
        targets.append(("HTTP p99 < 50 ms", f"{web['p99_ms']:.1f} ms", web["p99_ms"] < 50))
    return rows, targets, chart


HEADER = [
    "operation",
    "credential",
    "Plecak ops/s",
    "JS reference",
    "didkit",
    "Plecak/JS",
    "Plecak/didkit",
    "Ed25519 floor ÷ Plecak",
]


def markdown(
    rows: list[list[str]], targets: list[tuple[str, str, bool | None]], meta: str, notes: list[str]
) -> str:
    lines = [BEGIN, "", meta, ""]
    lines.append("| " + " | ".join(HEADER) + " |")
    lines.append("|" + "---|" * len(HEADER))
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    lines += ["", "| target (issue 8) | measured | met |", "|---|---|---|"]
    lines += [
        f"| {name} | {value} | {'–' if ok is None else ('yes' if ok else '**no**')} |"
        for name, value, ok in targets
    ]
    if notes:
        lines += ["", *[f"- {note}" for note in notes]]
    lines += ["", f"![ops/s per implementation]({CHART.name})", "", END]
    return "\n".join(lines)


def plot(chart: dict[str, dict[str, float]]) -> str | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed (pip install -e '.[bench]'): no chart"
    colours = {"Plecak": "#1f6feb", "JS reference": "#d29922", "didkit": "#8957e5"}
    labels, values, bar_colours, names = [], [], [], []
    for group, bars in chart.items():
        for impl, value in bars.items():
            labels.append(f"{group}\n{impl}" if len(bars) > 1 or impl != "Plecak" else group)
            names.append(impl)
            values.append(value)
            bar_colours.append(colours[impl])
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(values) + 1.2))
    positions = list(range(len(values)))[::-1]
    ax.barh(positions, values, color=bar_colours)
    ax.set_yticks(
        positions,
        [f"{impl}: {group.split(chr(10))[0]}" for impl, group in zip(names, labels, strict=True)],
        fontsize=8,
    )
    ax.set_xscale("log")
    ax.set_xlabel("operations per second, one core (log scale)")
    for pos, value in zip(positions, values, strict=True):
        ax.text(value, pos, f" {value:,.0f}", va="center", fontsize=8)
    ax.set_title(
        "Plecak vs didkit 0.3.3 and the Digital Bazaar JS reference (same run, same machine)", fontsize=9
    )
    fig.tight_layout()
    fig.savefig(CHART, dpi=110)
    plt.close(fig)
    return None


def write_doc(section: str) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n"
    if BEGIN in text and END in text:
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n## Latest `make bench`\n\n" + section + "\n"
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0, help="per measurement, all rounds together")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--http-requests", type=int, default=20000)
    parser.add_argument("--http-seconds", type=float, default=20.0)
    parser.add_argument("--cpu", type=int, default=1, help="core the single-core runs are pinned to")
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/ alone")
    args = parser.parse_args()

    our, js, dk = interleaved(args)
    web: dict[str, Any] = {"error": "skipped"}
    if not args.skip_http:
        print("HTTP verifier (loopback) …", flush=True)
        web = http(args.http_requests, args.http_seconds)

    notes = []
    for name, peer in (("JS reference", js), ("didkit", dk), ("HTTP", web)):
        if "error" in peer:
            notes.append(f"{name}: not measured ({peer['error']})")
        for label, item in (peer.get("results") or {}).items():
            if not item.get("verified", True):
                notes.append(f"{name} did not verify {LABELS.get(label, label)}: {item.get('error')}")
        if web.get("errors") and name == "HTTP":
            notes.append(f"HTTP: {web['errors']} bad answers, first: {web['first_error']}")
    rows, targets, chart = build(our, js, dk, web)

    versions = [
        f"Python {platform.python_version()}",
        f"pyld {version('pyld')}",
        f"cryptography {version('cryptography')}",
    ]
    if "node" in js:
        versions.append(f"Node {js['node']} with @digitalbazaar/vc 7.3.0")
    if "version" in dk:
        versions.append(f"didkit {dk['version']}")
    meta = (
        f"Measured {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} on {os.cpu_count()} cores "
        f"({platform.machine()}), one core per run, median of {args.rounds} interleaved rounds of "
        f"{args.seconds / args.rounds:.1f} s (each round runs every implementation once, in rotating order); "
        + ", ".join(versions)
        + "."
    )
    widths = [max(len(str(r[i])) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    widths[1] = min(widths[1], 62)
    print()
    print(meta)
    for row in [HEADER, *rows]:
        cells = [
            str(c)[: widths[i]].ljust(widths[i]) if i < 2 else str(c).rjust(widths[i])
            for i, c in enumerate(row)
        ]
        print("  ".join(cells))
    print()
    for name, value, ok in targets:
        print(f"{'–' if ok is None else ('met' if ok else 'NOT met'):8} {name}: {value}")
    for note in notes:
        print(f"note: {note}")
    if not args.no_write:
        problem = plot(chart)
        if problem:
            notes.append(problem)
            print(f"note: {problem}")
        write_doc(markdown(rows, targets, meta, notes))
        print(f"\nwrote {DOC.relative_to(ROOT)}" + ("" if problem else f" and {CHART.relative_to(ROOT)}"))


if __name__ == "__main__":
    main()
