"""SQLite's one writer is handed out in turn: a unit of work that waits goes before one whose
thread just let go and asks again (the leader's sweep, router after router)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from storage.uow import WriterLock


def wait_until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)


def test_a_waiting_unit_goes_before_the_thread_that_let_go_and_asks_again():
    lock = WriterLock()
    order: list[str] = []
    lock.acquire()  # the sweep, in its first router's transaction

    def answer() -> None:
        lock.acquire()
        order.append("answer")
        lock.release()

    waiter = threading.Thread(target=answer)
    waiter.start()
    wait_until(lambda: lock.waiting == 1)
    lock.release()
    lock.acquire()  # the sweep's next transaction, at once
    order.append("sweep")
    lock.release()
    waiter.join()
    assert order == ["answer", "sweep"]


def test_the_writer_lock_is_reentrant_and_only_its_owner_releases_it():
    lock = WriterLock()
    lock.acquire()
    lock.acquire()
    lock.release()
    errors: list[BaseException] = []

    def other() -> None:
        try:
            lock.release()
        except RuntimeError as exc:
            errors.append(exc)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert len(errors) == 1
    lock.release()
    with pytest.raises(RuntimeError):
        lock.release()
