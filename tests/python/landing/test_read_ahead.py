"""read_ahead: files are read in a background thread, in order, at most a budget ahead."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from orchestration.landing.read_ahead import read_ahead


def test_items_come_out_in_order_and_all_of_them() -> None:
    assert list(read_ahead(iter(range(1000)), lambda _: 1, 7)) == list(range(1000))


def test_the_reader_runs_in_another_thread_while_the_caller_works() -> None:
    threads: list[str] = []

    def source() -> Iterator[int]:
        for i in range(3):
            threads.append(threading.current_thread().name)
            yield i

    assert list(read_ahead(source(), lambda _: 1, 10)) == [0, 1, 2]
    assert set(threads) == {"read-ahead"}


def test_no_more_than_the_budget_is_held() -> None:
    produced: list[int] = []

    def source() -> Iterator[int]:
        for i in range(30):
            produced.append(i)
            yield i

    most_ahead = 0
    for taken, item in enumerate(read_ahead(source(), lambda _: 3, 7), start=1):
        time.sleep(0.01)  # a slow writer: the reader gets as far ahead as it may
        # queued: two items of 3 (7 would not fit a third); one more in the reader's hand
        most_ahead = max(most_ahead, len(produced) - taken)
        assert item == taken - 1
    assert most_ahead == 3


def test_an_item_heavier_than_the_budget_still_passes() -> None:
    weights = [2, 50, 2, 2]
    assert list(read_ahead(iter(range(4)), lambda i: weights[i], 5)) == [0, 1, 2, 3]


def test_an_error_while_reading_comes_after_the_items_read_before_it() -> None:
    def source() -> Iterator[int]:
        yield 1
        yield 2
        raise OSError("disk gone")

    seen: list[int] = []
    with pytest.raises(OSError, match="disk gone"):
        for item in read_ahead(source(), lambda _: 1, 100):
            seen.append(item)
    assert seen == [1, 2]


def test_a_caller_that_stops_stops_the_reader() -> None:
    produced: list[int] = []

    def source() -> Iterator[int]:
        for i in range(10_000):
            produced.append(i)
            yield i

    items = read_ahead(source(), lambda _: 1, 5)
    assert next(items) == 0
    items.close()  # the caller gives up (an error while writing, say)
    assert len(produced) <= 7
