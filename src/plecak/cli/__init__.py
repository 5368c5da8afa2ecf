"""``plecak``: run the whole system on one machine, and issue credentials from a CSV file.

``plecak up`` starts Redis (the embedded one unless ``REDIS_URL`` or ``REDIS_CLUSTER_NODES`` is
set) and the issuer, wallet and verifier services as child processes, waits until each answers
``GET /health``, prints where they are, and stops everything on Ctrl-C or SIGTERM. It watches
its children: a service that exits stops everything (exit code 1); an embedded Redis that dies is
restarted on the same data (:class:`RedisWatch`), a few times at most, then everything stops. With
``--workers N`` every service runs as N processes sharing its port (``SO_REUSEPORT``: the kernel
spreads connections over them); the services keep all state in Redis, so any worker can answer
any request.

``plecak issue-batch`` issues one credential per CSV row through the issuer's HTTP API. Each
row carries an ``Idempotency-Key`` derived from its content, so running the same file again
issues nothing twice: rows already issued come back with the same credential.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from . import batch, up
from .batch import IN_FLIGHT_WAIT
from .batch import _Batch as _Batch
from .common import EXIT_FAILED, EXIT_USAGE, Failure, UsageError, _say
from .csvfile import BatchRow, read_batch
from .up import RedisWatch

__all__ = ["IN_FLIGHT_WAIT", "BatchRow", "Failure", "RedisWatch", "UsageError", "build_parser", "main", "read_batch"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="plecak",
        description="Plecak: issue, keep and verify EU micro-credentials as W3C Verifiable Credentials.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    up.add_parser(commands)
    batch.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except UsageError as exc:
        _say(str(exc))
        return EXIT_USAGE
    except Failure as exc:
        _say(str(exc))
        return EXIT_FAILED
    except KeyboardInterrupt:
        _say("interrupted; running the same command again is safe")
        return 130
    return code
