"""The staging suites read the rows resolved since they last passed
(orchestration/quality/validated.py)."""

from __future__ import annotations

from pathlib import Path

from build_copy import count, execute

from orchestration.config import Settings
from orchestration.quality.suite_runs import run_blocking_suites
from orchestration.quality.validated import scope, validated_through

MODEL = "stg_dms__callbacks"


def _run(directory: Path):
    """The refresh's staging suites, in this process; the result of MODEL's."""
    settings = Settings(directory / "landing", directory, directory / "serving", None)
    return run_blocking_suites(settings, directory / "docs", workers=1, suites=[MODEL]).results[
        MODEL
    ]


def test_only_rows_resolved_since_the_last_pass_are_read_again(build_dir: Path) -> None:
    directory = build_dir
    total = count(directory, f"staging.{MODEL}")
    assert scope(directory, MODEL) == "every row"

    first = _run(directory)
    assert first.success and first.row_count == total
    assert validated_through(directory, MODEL) is not None

    second = _run(directory)  # nothing resolved since
    assert second.success and second.row_count == 0

    # a later build resolves three keys again
    execute(
        directory,
        f"update staging.{MODEL} set _resolved_at = _resolved_at + interval 1 day "
        f"where callback_id in (select callback_id from staging.{MODEL} order by 1 limit 3)",
    )
    third = _run(directory)
    assert third.success and third.row_count == 3


def test_a_failed_run_reads_the_same_rows_again(build_dir: Path) -> None:
    directory = build_dir
    assert _run(directory).success
    through = validated_through(directory, MODEL)
    execute(
        directory,
        f"update staging.{MODEL} set _resolved_at = _resolved_at + interval 1 day, "
        f"channel = 'carrier pigeon' "
        f"where callback_id = (select min(callback_id) from staging.{MODEL})",
    )
    failed = _run(directory)
    assert not failed.success and failed.row_count == 1
    assert validated_through(directory, MODEL) == through  # not advanced
    assert _run(directory).row_count == 1  # still read: not passed yet


def test_a_rebuilt_table_is_read_whole(build_dir: Path) -> None:
    directory = build_dir
    assert _run(directory).success
    # a full refresh stamps every row anew
    execute(directory, f"update staging.{MODEL} set _resolved_at = _resolved_at + interval 2 day")
    total = count(directory, f"staging.{MODEL}")
    assert _run(directory).row_count == total
