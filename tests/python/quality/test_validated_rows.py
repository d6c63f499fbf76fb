"""The kpi_values suite reads the rows that have not passed it before
(orchestration/quality/validated_rows.py)."""

from __future__ import annotations

from pathlib import Path

from build_copy import count, execute, read_only

from orchestration.quality.kpi_values_suite import run_suite
from orchestration.quality.validated_rows import scope


def _run(directory: Path):
    with read_only(directory) as con:
        return run_suite(con, served=con, warehouse_dir=directory)


def _total(directory: Path) -> int:
    return count(directory, "marts.kpi_values")


def test_rows_that_passed_are_not_read_again(build_dir: Path) -> None:
    directory = build_dir
    total = _total(directory)
    assert scope(directory) == "every row"

    first = _run(directory)
    assert first.success and first.row_count == total, first.summary()
    assert scope(directory) == f"rows not among the {total} that passed before"

    second = _run(directory)  # a rebuild that changed nothing
    assert second.success and second.row_count == 0
    (row_count,) = [o for o in second.outcomes if o.expectation.startswith("expect_table_row")]
    assert row_count.observed_value == total  # the band still sees the whole table

    execute(  # three rows come out otherwise in the next build
        directory,
        "update marts.kpi_values set numerator = numerator + 1 where rowid in "
        "(select rowid from marts.kpi_values where denominator is null order by rowid limit 3)",
    )
    third = _run(directory)
    assert third.success and third.row_count == 3, third.summary()


def test_a_failed_run_reads_the_same_rows_again(build_dir: Path) -> None:
    directory = build_dir
    assert _run(directory).success
    execute(
        directory,
        "update marts.kpi_values set denominator = -1 where rowid = "
        "(select min(rowid) from marts.kpi_values where denominator > 0)",
    )
    for _ in range(2):  # nothing recorded: the bad row is read every time
        result = _run(directory)
        assert not result.success and result.row_count == 1
        assert [o.unexpected_count for o in result.failed] == [1]


def test_changed_definitions_read_every_row(build_dir: Path) -> None:
    directory = build_dir
    total = _total(directory)
    assert _run(directory).success
    execute(
        directory,
        "update config.kpi_definitions set value_max = 2 * value_max "
        "where kpi_code = 'first_time_fix_rate'",
    )
    result = _run(directory)
    assert result.success and result.row_count == total  # a new suite: everything again
    assert _run(directory).row_count == 0


def test_a_lost_record_reads_every_row(build_dir: Path) -> None:
    directory = build_dir
    total = _total(directory)
    assert _run(directory).success
    (directory / "gx_kpi_values_validated.parquet").unlink()
    assert _run(directory).row_count == total
