"""End to end: generated landing files → ``aftersales-refresh`` → the published kpi_values,
checked against an independent oracle (``tests/python/oracle``) computed from the landing
files alone.

The refresh command runs three times in-process, the way a user runs it:

1. on the generated landing directory (``small_landing`` from conftest.py);
2. again with no new file: nothing may change;
3. after copying a landed file under a new name (a resend): nothing may change.

Comparison rules (``test_kpi_matches_oracle``):

- keys are (kpi_code, grain, period_start, branch_code), branch_code null = network;
- a key whose numerator and denominator are both zero may be present on one side and
  absent on the other (whether a day with records but nothing to count gets a row is a
  presentation choice); every other key must be on both sides;
- counts (parts_fill_rate, revisit_rate) and sold hours (decimals with one decimal place in
  the source) agree within 1e-6;
- sums of hours (open_rate, labor_efficiency's denominator) are exact fractions of an hour
  in the oracle; the warehouse stores every record's hours as ``decimal(38, s)`` (s = the
  published scale, 6) before summing, so each contributing record may be off by half a unit
  in the last place. Allowed: ``records * 0.5 * 10**-s + 1e-9 * |value|``, i.e. at most a few
  hundredths of a second on a day; one second of difference (2.8e-4 h) fails.
- value = numerator / denominator (null when the denominator is 0).
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from oracle import HOURS_PARTS, KPI_CODES, NO_DENOMINATOR, Oracle, run_oracle
from refresh_env import refresh_dirs

from orchestration.contract import TABLES as CONTRACT_TABLES

COUNT_TOLERANCE = 1e-6
RELATIVE_TOLERANCE = 1e-9
TABLES = tuple(CONTRACT_TABLES)
RESENT_TABLE = "time_punches"


@dataclass
class Snapshot:
    exit_code: int
    kpi_values: pd.DataFrame
    raw_counts: dict[str, int]
    loaded_files: pd.DataFrame


@dataclass
class Pipeline:
    landing: Path
    serving: Path
    warehouse: Path
    oracle: Oracle
    runs: list[Snapshot] = field(default_factory=list)
    resent: tuple[str, str] = ("", "")  # (original name, copy name)

    def published(self) -> duckdb.DuckDBPyConnection:
        """The served file (the BI layer only)."""
        return duckdb.connect(str(self.serving / "aftersales.duckdb"), read_only=True)

    def built(self) -> duckdb.DuckDBPyConnection:
        """The build warehouse (staging, intermediate and config stay there)."""
        return duckdb.connect(str(self.warehouse / "aftersales.duckdb"), read_only=True)


def _snapshot(exit_code: int, serving: Path, warehouse: Path) -> Snapshot:
    with duckdb.connect(str(serving / "aftersales.duckdb"), read_only=True) as con:
        kpi_values = con.execute(
            "select * from marts.kpi_values order by kpi_code, grain, period_start, branch_code"
        ).df()
    with duckdb.connect(str(warehouse / "aftersales.duckdb"), read_only=True) as con:
        raw_counts = {t: con.execute(f"select count(*) from raw.{t}").fetchone()[0] for t in TABLES}
        loaded_files = con.execute(
            "select table_name, file_name, file_hash, row_count, status, duplicate_of "
            "from raw._loaded_files order by table_name, file_name"
        ).df()
    return Snapshot(exit_code, kpi_values, raw_counts, loaded_files)


def _refresh(serving: Path, warehouse: Path) -> Snapshot:
    from orchestration.cli.refresh import main

    return _snapshot(main([]), serving, warehouse)


@pytest.fixture(scope="module")
def pipeline(small_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    with refresh_dirs(small_landing, tmp_path_factory.mktemp("end_to_end")) as dirs:
        landing, warehouse, serving = dirs.landing, dirs.warehouse, dirs.serving
        result = Pipeline(landing, serving, warehouse, run_oracle(landing))
        result.runs.append(_refresh(serving, warehouse))
        assert result.runs[0].exit_code == 0, "the first refresh failed"
        result.runs.append(_refresh(serving, warehouse))

        # A resend: an already landed file, same bytes, under a later export name.
        folder = landing / RESENT_TABLE
        landed = sorted(folder.iterdir())
        original = next((p for p in landed if p.suffix == ".parquet"), landed[len(landed) // 2])
        copy = original.with_name(original.stem[:-4] + "3000" + original.suffix)
        assert not copy.exists() and copy.name > original.name
        shutil.copyfile(original, copy)
        result.resent = (original.name, copy.name)
        result.runs.append(_refresh(serving, warehouse))
        yield result


def test_every_refresh_succeeds(pipeline: Pipeline) -> None:
    assert [run.exit_code for run in pipeline.runs] == [0, 0, 0]


def _keyed(frame: pd.DataFrame) -> dict[tuple[object, ...], dict[str, object]]:
    """Rows by (kpi_code, grain, period_start as a date, branch_code or None)."""
    out = {}
    for row in frame.to_dict("records"):
        start = pd.Timestamp(row["period_start"]).date()
        branch = None if pd.isna(row["branch_code"]) else row["branch_code"]
        out[(row["kpi_code"], row["grain"], start, branch)] = row
    return out


def _is_zero(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value == 0


@pytest.mark.parametrize("kpi", KPI_CODES)
def test_kpi_matches_oracle(pipeline: Pipeline, kpi: str) -> None:
    with pipeline.published() as con:
        scale = con.execute(
            "select numeric_scale from information_schema.columns "
            "where table_schema = 'marts' and table_name = 'kpi_values' "
            "and column_name = 'numerator'"
        ).fetchone()[0]
        scales = dict(con.execute("select kpi_code, scale from marts.dim_kpis").fetchall())
    half_ulp = 0.5 * 10.0 ** -int(scale)
    kpi_values, oracle = pipeline.runs[0].kpi_values, pipeline.oracle.kpis
    published = _keyed(kpi_values[kpi_values["kpi_code"] == kpi])
    expected = _keyed(oracle[oracle["kpi_code"] == kpi])
    assert expected, f"the oracle found no {kpi} rows: the sample is too small"
    problems: list[str] = []
    for key in sorted(set(published) | set(expected), key=str):
        mine, theirs = expected.get(key), published.get(key)
        if mine is None or theirs is None:
            present = mine or theirs
            if not (_is_zero(present["numerator"]) and _is_zero(present["denominator"])):
                side = "only in kpi_values" if mine is None else "missing from kpi_values"
                problems.append(f"{key}: {side} ({present['numerator']}/{present['denominator']})")
            continue
        for part in ("numerator", "denominator"):
            if mine[part] is None:  # a count or amount KPI publishes no denominator
                if not pd.isna(theirs[part]):
                    problems.append(f"{key} {part}: {theirs[part]!r} in kpi_values, expected null")
                continue
            want = float(mine[part])
            if pd.isna(theirs[part]):
                problems.append(f"{key} {part}: null in kpi_values, oracle {want!r}")
                continue
            got = float(theirs[part])
            allowed = COUNT_TOLERANCE
            if (kpi, part) in HOURS_PARTS:
                allowed = mine["facts"] * half_ulp + RELATIVE_TOLERANCE * abs(want)
            if abs(got - want) > allowed:
                problems.append(f"{key} {part}: kpi_values {got!r}, oracle {want!r}")
        value = theirs["value"]
        if kpi in NO_DENOMINATOR:
            if value != float(theirs["numerator"]):
                problems.append(f"{key}: value {value} is not the numerator of a count KPI")
            continue
        denominator = 0.0 if pd.isna(theirs["denominator"]) else float(theirs["denominator"])
        if denominator == 0:
            if not pd.isna(value):
                problems.append(f"{key}: value {value} with a zero denominator")
            continue
        expected_value = float(theirs["numerator"]) / denominator * scales[kpi]
        if abs(value - expected_value) > 1e-12 * max(1.0, abs(value)):
            problems.append(f"{key}: value {value} is not numerator / denominator x scale")
    assert not problems, f"{len(problems)} differences for {kpi}:\n" + "\n".join(problems[:40])


def test_sample_covers_what_the_oracle_must_check(pipeline: Pipeline) -> None:
    """Guards the test itself: whole months, a shift across a DST change, revisits whose
    outcome is not known yet, quarantined rows in every transactional table."""
    oracle = pipeline.oracle
    kpis = oracle.kpis
    months = kpis[(kpis["grain"] == "month") & kpis["branch_code"].isna()]
    assert len(set(months["period_start"])) >= 3
    across_dst = [
        pair
        for pair in oracle.shift_pairs
        if (pair.end.local - pair.start.local).total_seconds() != pair.end.at - pair.start.at
    ]
    assert across_dst, "no technician shift spans a DST change: the sample misses that case"
    for table in ("tickets", "part_requests", "time_punches", "callbacks"):
        assert oracle.data.quarantined[table], table
    revisit = kpis[(kpis["kpi_code"] == "revisit_rate") & (kpis["grain"] == "day")]
    assert (revisit["denominator"] == 0).any() and (revisit["numerator"] > 0).any()


def _same_kpi_values(before: pd.DataFrame, after: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        before.reset_index(drop=True), after.reset_index(drop=True), check_exact=True
    )


def test_rerun_without_new_files_changes_nothing(pipeline: Pipeline) -> None:
    first, second = pipeline.runs[0], pipeline.runs[1]
    assert second.raw_counts == first.raw_counts
    pd.testing.assert_frame_equal(first.loaded_files, second.loaded_files)
    _same_kpi_values(first.kpi_values, second.kpi_values)


def test_resent_file_under_new_name_changes_nothing(pipeline: Pipeline) -> None:
    second, third = pipeline.runs[1], pipeline.runs[2]
    original, copy = pipeline.resent
    assert third.raw_counts == second.raw_counts
    files = third.loaded_files.set_index(["table_name", "file_name"])
    row = files.loc[(RESENT_TABLE, copy)]
    assert row["status"] == "duplicate_content"
    assert row["duplicate_of"] == original
    assert row["row_count"] == 0
    _same_kpi_values(second.kpi_values, third.kpi_values)


def _manifest(landing: Path) -> list[dict[str, str]]:
    with (landing / "_generator" / "violations.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_injected_violation_is_quarantined_with_its_reason(pipeline: Pipeline) -> None:
    manifest = _manifest(pipeline.landing)
    assert manifest, "the generator injected no violation"
    missing = []
    with pipeline.built() as con:
        orphans = dict(
            con.execute(
                "select punch_id, _source_file from intermediate.int_punches_orphaned"
            ).fetchall()
        )
        for entry in manifest:
            table, reason = entry["table_name"], entry["reason"]
            if reason == "orphan_punch":
                # int_punches_orphaned has no row number: the punch id and its file identify it.
                if orphans.get(entry["primary_key"]) != entry["source_file"]:
                    missing.append(entry)
                continue
            reasons = [
                r[0]
                for r in con.execute(
                    f"select quarantine_reason from staging.stg_dms__{table}_quarantine "
                    "where _source_file = ? and _row_number = ?",
                    [entry["source_file"], int(entry["row_number"])],
                ).fetchall()
            ]
            if not any(reason in (text or "") for text in reasons):
                missing.append({**entry, "found": reasons})
    assert not missing, f"{len(missing)} violations not quarantined as expected: {missing[:10]}"


def test_oracle_quarantines_every_injected_violation(pipeline: Pipeline) -> None:
    """Guards the oracle: it must find every violation the generator injected."""
    data = pipeline.oracle.data
    found = {
        (q.table, q.source_file, q.row_number): q.reasons
        for rows in data.quarantined.values()
        for q in rows
    }
    for entry in _manifest(pipeline.landing):
        if entry["reason"] == "orphan_punch":
            assert entry["primary_key"] in pipeline.oracle.orphan_punch_ids, entry
            continue
        reasons = found.get((entry["table_name"], entry["source_file"], int(entry["row_number"])))
        assert reasons and entry["reason"] in reasons, (entry, reasons)


def test_quarantine_and_orphans_match_oracle(pipeline: Pipeline) -> None:
    """The warehouse quarantines exactly the rows the oracle does, and the same orphans."""
    data = pipeline.oracle.data
    with pipeline.built() as con:
        for table in TABLES:
            theirs = set(
                con.execute(
                    f"select _source_file, _row_number from staging.stg_dms__{table}_quarantine"
                ).fetchall()
            )
            mine = {(q.source_file, q.row_number) for q in data.quarantined[table]}
            assert theirs == mine, (table, sorted(theirs - mine)[:5], sorted(mine - theirs)[:5])
        orphans = {
            r[0]
            for r in con.execute(
                "select punch_id from intermediate.int_punches_orphaned"
            ).fetchall()
        }
    assert orphans == set(pipeline.oracle.orphan_punch_ids)


def test_batch_quality_adds_up(pipeline: Pipeline) -> None:
    with pipeline.built() as con:
        quality = con.execute(
            "select table_name, source_file, rows_arrived, rows_kept, rows_quarantined "
            "from staging.stg_dms__batch_quality"
        ).fetchall()
    assert quality
    by_key = {(t, f): (a, k, q) for t, f, a, k, q in quality}
    for (table, source_file), (arrived, kept, quarantined) in by_key.items():
        assert arrived == kept + quarantined, (table, source_file)
    expected = {key: counts for key, counts in pipeline.oracle.data.batch_counts.items()}
    assert by_key == expected


def test_as_of_matches_oracle(pipeline: Pipeline) -> None:
    with pipeline.built() as con:
        (as_of,) = con.execute("select as_of from intermediate.int_as_of_resolved").fetchone()
    assert as_of == pipeline.oracle.data.as_of
