"""Read the next landing files while the engine writes the last ones.

An ingest alternates two kinds of work: reading files (hashing, parsing, mapping: mostly
pyarrow, which releases the GIL) and writing a batch into the warehouse (the engine's own
threads). :func:`read_ahead` runs the reading in a background thread, so the two overlap,
and holds at most ``budget`` units (rows, by ``weight``) read but not yet taken; one item
is always let through, however heavy. The items come out in the order they were read. An
error while reading is raised in the caller once the items read before it are taken, and
a caller that stops early stops the reader too.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


class _Shared:
    def __init__(self) -> None:
        self.ready: threading.Condition = threading.Condition()
        self.queue: deque = deque()
        self.held = 0
        self.done = False
        self.stopped = False
        self.error: BaseException | None = None


def _produce(items: Iterable[T], weight: Callable[[T], int], budget: int, shared: _Shared) -> None:
    try:
        for item in items:
            units = max(weight(item), 0)
            with shared.ready:
                while shared.queue and shared.held + units > budget and not shared.stopped:
                    shared.ready.wait()
                if shared.stopped:
                    return
                shared.queue.append((item, units))
                shared.held += units
                shared.ready.notify_all()
    except BaseException as error:  # handed to the caller's thread
        with shared.ready:
            shared.error = error
    finally:
        with shared.ready:
            shared.done = True
            shared.ready.notify_all()


def read_ahead(items: Iterable[T], weight: Callable[[T], int], budget: int) -> Iterator[T]:
    """``items`` in order, produced in a background thread at most ``budget`` ahead."""
    shared = _Shared()
    reader = threading.Thread(
        target=_produce, args=(items, weight, budget, shared), name="read-ahead", daemon=True
    )
    reader.start()
    try:
        while True:
            with shared.ready:
                while not shared.queue and not shared.done:
                    shared.ready.wait()
                if shared.queue:
                    item, units = shared.queue.popleft()
                    shared.held -= units
                    shared.ready.notify_all()
                elif shared.error is not None:
                    raise shared.error
                else:
                    return
            yield item
    finally:
        with shared.ready:
            shared.stopped = True
            shared.ready.notify_all()
        reader.join()
