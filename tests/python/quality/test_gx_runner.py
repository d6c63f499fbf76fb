"""A suite validates a large table in parts split by its key, and the parts' outcomes
add up to the outcome on the whole table (orchestration/quality/gx_runner.py)."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from build_copy import count, execute, read_only

from orchestration.quality.gx_runner import (
    PART_ROWS_ENV,
    ExpectationOutcome,
    ephemeral_context,
    merge_part_outcomes,
    read_for_suite,
    read_parts,
    validate_frame,
)
from orchestration.quality.kpi_values_suite import run_suite
from orchestration.quality.staging_suites import run_staging_suite

MODEL = "stg_dms__callbacks"


def _facts(result) -> list[tuple]:
    return [
        (o.description, o.success, o.element_count, o.unexpected_count) for o in result.outcomes
    ]


def test_parts_keep_the_rows_of_a_key_together() -> None:
    con = duckdb.connect()
    keys = [f"K{i}" for i in range(10)] + ["K3"]  # K3 twice
    con.register("source", pd.DataFrame({"id": keys, "n": range(len(keys))}))
    con.execute("create table t as select * from source")

    parts = read_parts(con, "t", {"id"}, ("id",), rows_per_part=3)

    assert len(parts) == 4  # 11 rows, at most about 3 per part
    frames = [part.read() for part in parts]
    assert sorted(k for f in frames for k in f["id"]) == sorted(keys)
    assert sorted(n for f in frames for n in f["n"].dropna()) == []  # unchecked: nulls
    homes = {key: {i for i, f in enumerate(frames) if key in set(f["id"])} for key in keys}
    assert all(len(home) == 1 for home in homes.values())
    assert all(part.label.startswith(f"part {i + 1} of 4") for i, part in enumerate(parts))


def test_code_columns_are_read_as_categoricals() -> None:
    con = duckdb.connect()
    con.execute(
        "create table t as select * from (values ('a', 'K1', 1), ('b', 'K2', 2), "
        "(null, 'K3', 3), ('zz', 'K4', 4)) as v(code, id, n)"
    )
    (part,) = read_parts(con, "t", None, ("id",), codes=frozenset({"code", "n", "absent"}))
    data = part.read()
    assert isinstance(data["code"].dtype, pd.CategoricalDtype)
    assert data["code"].tolist()[:2] == ["a", "b"] and pd.isna(data["code"][2])
    assert sorted(data["code"].cat.categories) == ["a", "b", "zz"]
    assert not isinstance(data["n"].dtype, pd.CategoricalDtype)  # a number stays a number
    assert not isinstance(data["id"].dtype, pd.CategoricalDtype)  # not a code column


def test_unread_columns_are_nulls_of_one_byte_in_their_place() -> None:
    con = duckdb.connect()
    con.execute(
        "create table t as select * from (values ('K1', 'x', 1.5::decimal(18,4), "
        "timestamp '2025-01-01 08:00', true)) as v(id, note, amount, seen_at, flag)"
    )
    frame = read_for_suite(con, "t", {"id", "amount"})
    assert list(frame.columns) == ["id", "note", "amount", "seen_at", "flag"]
    assert frame["id"].tolist() == ["K1"] and frame["amount"].tolist() == [1.5]
    for name in ("note", "seen_at", "flag"):
        assert frame[name].isna().all()
        assert frame[name].array.codes.dtype.itemsize == 1  # D-134: one byte a row
    assert read_for_suite(con, "t", set()).columns.tolist() == list(frame.columns)


def test_unread_columns_are_not_read_from_the_database() -> None:
    con = duckdb.connect()
    # reading this column would fail the query: a value that does not cast
    con.execute("create view t as select 'K1' as id, cast('not a number' as integer) as unread")
    frame = read_for_suite(con, "t", {"id"})
    assert frame.columns.tolist() == ["id", "unread"] and frame["unread"].isna().all()
    with pytest.raises(duckdb.ConversionException):
        read_for_suite(con, "t", None)


def test_gx_does_not_hash_the_frames_it_validates() -> None:
    """D-134: GX's batch fingerprint (a hash of the whole frame) is not computed; the
    frame is still validated. Fails when a GX release moves the threshold it reads."""
    from great_expectations.execution_engine import pandas_execution_engine

    ephemeral_context()
    assert pandas_execution_engine.HASH_THRESHOLD == 0

    def suite():
        import great_expectations as gx

        return gx.ExpectationSuite(
            name="ids",
            expectations=[gx.expectations.ExpectColumnValuesToNotBeNull(column="id")],
        )

    passing = validate_frame(pd.DataFrame({"id": ["K1", "K2"]}), suite, "ids")
    failing = validate_frame(pd.DataFrame({"id": ["K1", None]}), suite, "ids")
    assert passing.success and not failing.success
    assert failing.outcomes[0].unexpected_count == 1


def test_a_table_within_the_limit_is_one_part() -> None:
    con = duckdb.connect()
    con.execute("create table t as select range as id from range(5)")
    where_parts = read_parts(con, "t", None, ("id",), "where id > ?", [1], rows_per_part=3)
    assert [len(p.read()) for p in where_parts] == [3]


def test_outcomes_of_parts_add_up() -> None:
    def outcome(success: bool, count: int, bad: int, sample: list) -> ExpectationOutcome:
        return ExpectationOutcome("e", "c", "d", success, count, bad, sample, observed_value=bad)

    merged = merge_part_outcomes(
        [[outcome(True, 5, 0, [])], [outcome(False, 4, 2, ["x", "y"])], [outcome(True, 3, 0, [])]]
    )
    assert merged == [outcome(False, 12, 2, ["x", "y"])]
    kept = merge_part_outcomes([[outcome(False, 30, 30, list(range(15)))]] * 2)
    assert len(kept[0].partial_unexpected) == 20


def test_a_staging_suite_in_parts_gives_the_whole_tables_outcome(
    build_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    execute(  # one key twice, in rows far apart
        build_dir,
        f"insert into staging.{MODEL} "
        f"select * from staging.{MODEL} order by callback_id desc limit 1",
    )
    execute(
        build_dir,
        f"update staging.{MODEL} set channel = 'fax' "
        f"where callback_id = (select min(callback_id) from staging.{MODEL})",
    )
    rows = count(build_dir, f"staging.{MODEL}")
    with read_only(build_dir) as con:
        whole = run_staging_suite(con, MODEL)
        monkeypatch.setenv(PART_ROWS_ENV, str(rows // 7))
        parted = run_staging_suite(con, MODEL, docs_dir=tmp_path / "docs")

    assert not whole.success and not parted.success
    assert parted.row_count == whole.row_count == rows
    assert _facts(parted) == _facts(whole)
    failed = {o.description: o.unexpected_count for o in parted.failed}
    assert failed == {
        "one row per callback_id": 2,
        "channel is one of phone, sms, wechat, letter": 1,
    }
    pages = list((tmp_path / "docs" / "validations").rglob("*.html"))
    assert len(pages) == math.ceil(rows / (rows // 7))  # one validation page per part


def test_kpi_values_row_count_is_checked_on_the_whole_table(
    build_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = count(build_dir, "marts.kpi_values")
    with read_only(build_dir) as con:
        whole = run_suite(con, served=con)
        monkeypatch.setenv(PART_ROWS_ENV, str(rows // 5))
        parted = run_suite(con, served=con, docs_dir=tmp_path / "docs")

    assert whole.success and parted.success, parted.summary()
    assert _facts(parted) == _facts(whole)
    (row_count,) = [o for o in parted.outcomes if o.expectation.startswith("expect_table_row")]
    assert row_count.observed_value == rows
    pages = list((tmp_path / "docs" / "validations").rglob("*.html"))
    assert len(pages) == math.ceil(rows / (rows // 5)) + 1  # the parts and the row count
