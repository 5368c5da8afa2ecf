"""Fill a :class:`plecak.runtime.workers.BoundedWorkers` with jobs that wait for an event (never a
sleep), so that "full" is certain and nothing depends on timing; let them go on leaving."""

from __future__ import annotations

import asyncio
import threading
from types import TracebackType

from plecak.runtime.workers import BoundedWorkers, WorkersBusy

__all__ = ["HeldWorkers"]

MAX_PLACES = 100


class HeldWorkers:
    """``async with HeldWorkers(pool): …``: every thread and queue place of ``pool`` is taken meanwhile."""

    def __init__(self, workers: BoundedWorkers) -> None:
        self.workers = workers
        self.gate = threading.Event()
        self.jobs: list[asyncio.Future[bool]] = []

    async def __aenter__(self) -> HeldWorkers:
        for _ in range(MAX_PLACES):
            try:
                place = self.workers.reserve()
            except WorkersBusy:
                return self
            self.jobs.append(asyncio.ensure_future(place.run(self.gate.wait, 30)))
        raise AssertionError(f"the workers took more than {MAX_PLACES} jobs")

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.gate.set()
        assert all(await asyncio.gather(*self.jobs)), "a held job was never let go"
