"""plecak.runtime.workers: a few threads with a bounded queue; a job beyond it is refused at once.

The threads are held by jobs that wait on an event the test sets: no sleeps, no timing."""

from __future__ import annotations

import asyncio
import threading

import pytest

from plecak.runtime.qr import QrReader, ReaderBusy
from plecak.runtime.workers import BoundedWorkers, WorkersBusy


def _held(release: threading.Event, value: str) -> str:
    assert release.wait(30), "the test never released the job"
    return value


async def _drain(workers: BoundedWorkers) -> None:
    """Wait until every job before this one has ended (one thread: jobs run in order, and a job's
    slot is given back before the thread takes the next one)."""
    await asyncio.wrap_future(workers._pool.submit(lambda: None))


async def test_jobs_beyond_the_threads_and_the_queue_are_refused_at_once() -> None:
    workers = BoundedWorkers(workers=1, waiting=1, name="test")
    release = threading.Event()
    running = asyncio.ensure_future(workers.run(_held, release, "running"))
    queued = asyncio.ensure_future(workers.run(_held, release, "queued"))
    await asyncio.sleep(0)  # both tasks take their slots (no time passes)
    with pytest.raises(WorkersBusy):
        await workers.run(str.upper, "refused")
    release.set()
    assert [await running, await queued] == ["running", "queued"]
    assert await workers.run(str.upper, "again") == "AGAIN"  # the slots were given back
    workers.close()


async def test_a_slot_is_held_until_the_job_ends_even_if_the_caller_stops_waiting() -> None:
    workers = BoundedWorkers(workers=1, waiting=0, name="test")
    release = threading.Event()
    caller = asyncio.ensure_future(workers.run(_held, release, "abandoned"))
    await asyncio.sleep(0)
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    with pytest.raises(WorkersBusy):  # the thread still works on the abandoned job
        await workers.run(str.upper, "x")
    release.set()
    await _drain(workers)
    assert await workers.run(str.upper, "x") == "X"
    workers.close()


async def test_an_error_in_a_job_reaches_the_caller_and_frees_its_slot() -> None:
    workers = BoundedWorkers(workers=1, waiting=0, name="test")
    with pytest.raises(ValueError, match="bad picture"):
        await workers.run(_fail, "bad picture")
    assert await workers.run(str.upper, "x") == "X"
    workers.close()


def _fail(message: str) -> None:
    raise ValueError(message)


async def test_a_reserved_place_counts_as_taken_until_its_job_ends_or_it_is_given_back() -> None:
    workers = BoundedWorkers(workers=1, waiting=0, name="test")
    with workers.reserve() as place:
        with pytest.raises(WorkersBusy):
            workers.reserve()  # taken before any job runs in it
        assert await place.run(str.upper, "x") == "X"
        with pytest.raises(RuntimeError, match="one job"):
            await place.run(str.upper, "twice")
    with workers.reserve():
        pass  # left without a job: given back
    assert await workers.run(str.upper, "y") == "Y"
    workers.close()


def test_workers_need_a_thread_and_a_non_negative_queue() -> None:
    with pytest.raises(ValueError, match="thread"):
        BoundedWorkers(workers=0)
    with pytest.raises(ValueError, match="queue"):
        BoundedWorkers(workers=1, waiting=-1)


async def test_a_qr_reader_uses_its_decoder_and_is_bounded_like_any_workers() -> None:
    release = threading.Event()
    seen: list[tuple[bytes, int]] = []

    def decode(data: bytes, *, max_pixels: int = 0) -> list[str]:
        seen.append((data, max_pixels))
        return [_held(release, data.decode())]

    reader = QrReader(workers=1, waiting=0, decode=decode)
    first = asyncio.ensure_future(reader.read(b"first", max_pixels=7))
    await asyncio.sleep(0)
    with pytest.raises(ReaderBusy):
        await reader.read(b"second")
    release.set()
    assert await first == ["first"]
    assert seen == [(b"first", 7)]
    reader.close()
