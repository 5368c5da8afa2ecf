"""A few threads for CPU-bound work on uploads (QR codes in pictures, PDFs), with a bounded queue.

A plain ``ThreadPoolExecutor`` queues without limit: a flood of uploads would pile up work (and the
uploaded bytes) that is worthless by the time a thread reaches it. :class:`BoundedWorkers` holds at
most ``workers`` running and ``waiting`` queued jobs; one more is refused at once with
:class:`WorkersBusy`, which the services answer with 503 and ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from types import TracebackType
from typing import ParamSpec, TypeVar

__all__ = ["BUSY_RETRY_SECONDS", "BoundedWorkers", "Reservation", "WorkersBusy"]

P = ParamSpec("P")
T = TypeVar("T")

BUSY_RETRY_SECONDS = 2
"""``Retry-After`` of a 503 answered when the workers are full: a picture takes well under a second."""


class WorkersBusy(RuntimeError):
    """The workers already hold as many jobs as they may (running or waiting)."""


class BoundedWorkers:
    """``workers`` threads and at most ``waiting`` more jobs queued behind them."""

    def __init__(self, workers: int = 2, waiting: int = 6, *, name: str = "work") -> None:
        if workers < 1 or waiting < 0:
            raise ValueError("workers need at least one thread and a non-negative queue")
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._slots = threading.BoundedSemaphore(workers + waiting)

    def reserve(self) -> Reservation:
        """A place for one job, taken now (:class:`WorkersBusy` at once when full) and run later.

        For work that must know there is room before it starts something it cannot undo (a
        sign-in attempt counted against a limit, say): ``with workers.reserve() as place: …
        await place.run(fn)``. Leaving the ``with`` without running a job gives the place back.
        """
        if not self._slots.acquire(blocking=False):
            raise WorkersBusy("all workers are busy and the queue is full")
        return Reservation(self)

    async def run(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(*args, **kwargs)`` in a worker thread; :class:`WorkersBusy` at once when full.

        A slot is given back when the thread has finished the job, not when the caller stops
        waiting (a client that goes away does not free the CPU its upload still uses).
        """
        with self.reserve() as place:
            return await place.run(fn, *args, **kwargs)

    def _submit(self, job: Callable[[], T]) -> asyncio.Future[T]:
        """``job`` on a thread, holding a slot already taken until the thread has finished it."""
        try:
            future = self._pool.submit(job)
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda _: self._slots.release())
        return asyncio.wrap_future(future)

    def close(self) -> None:
        """Stop the threads once their current jobs end; queued jobs are dropped."""
        self._pool.shutdown(wait=False, cancel_futures=True)


class Reservation:
    """A place in :class:`BoundedWorkers` for one job (from :meth:`BoundedWorkers.reserve`)."""

    def __init__(self, workers: BoundedWorkers) -> None:
        self._workers: BoundedWorkers | None = workers

    async def run(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(*args, **kwargs)`` in the reserved place (one job per reservation)."""
        workers, self._workers = self._workers, None
        if workers is None:
            raise RuntimeError("a reservation runs one job")
        return await workers._submit(partial(fn, *args, **kwargs))

    def release(self) -> None:
        """Give the place back if no job was run in it."""
        workers, self._workers = self._workers, None
        if workers is not None:
            workers._slots.release()

    def __enter__(self) -> Reservation:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.release()
