"""The hand-written pass agrees with ``marts.kpi_values`` of a real refresh (the shared
``refreshed`` fixture): the same (KPI, branch, month) rows, values within the differences
it documents (it applies only the quarantine rules that decide whether a row can be read)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.benchmark.hand_pass import compare_with_kpi_values, main, run_hand_pass
from orchestration.benchmark.hand_pass_sql import hand_pass_sql
from orchestration.serving.summary import HEADLINE_KPIS

# The largest difference of a monthly branch value the README documents (rows the pass
# counts that staging quarantines, ties within a file; the KPI measure's rounding).
MAX_VALUE_DIFF = 0.005


@pytest.fixture(scope="module")
def comparison(refreshed) -> dict:
    assert refreshed.exit_code == 0
    seconds, rows = run_hand_pass(refreshed.landing)
    assert seconds > 0 and rows
    path = refreshed.warehouse / "aftersales.duckdb"
    with duckdb.connect(str(path), read_only=True) as con:
        return compare_with_kpi_values(rows, con)


def test_every_headline_kpi_row_is_on_both_sides(comparison: dict) -> None:
    assert set(comparison["by_kpi"]) == set(HEADLINE_KPIS)
    for code, entry in comparison["by_kpi"].items():
        assert entry["matched"] > 0, code
        assert entry["only_in_kpi_values"] == 0, code
        assert entry["only_in_hand_pass"] == 0, code


def test_values_agree_within_the_documented_difference(comparison: dict) -> None:
    assert comparison["max_value_diff"] <= MAX_VALUE_DIFF
    # parts lines and follow-ups need no pairing: most months are equal to the last digit
    for code in ("parts_fill_rate", "revisit_rate"):
        entry = comparison["by_kpi"][code]
        assert entry["values_differing"] <= entry["matched"] // 2, (code, entry)


def test_the_pass_is_one_query_over_the_files_as_text(refreshed) -> None:
    sql = hand_pass_sql(refreshed.landing)
    assert sql.count("read_csv(") >= 7  # every table has CSV files (one list per line end)
    assert "all_varchar = true" in sql and "columns(*)::varchar" in sql
    assert "union_by_name = true, filename" not in sql.split("read_parquet")[0]  # not sniffed
    assert "aftersales.duckdb" not in sql  # straight over the files, no warehouse


def test_the_standalone_command_times_it_and_writes_the_sql(refreshed, tmp_path, capsys) -> None:
    out = tmp_path / "pass.sql"
    assert main([str(refreshed.landing), "--sql-out", str(out)]) == 0
    assert f"duckdb {duckdb.__version__}: median" in capsys.readouterr().out
    with duckdb.connect() as con:
        rows = con.execute(out.read_text(encoding="utf-8")).fetchall()
    assert {row[0] for row in rows} == set(HEADLINE_KPIS)


def test_the_pass_spills_under_the_directory_it_is_given(refreshed, tmp_path, monkeypatch) -> None:
    from orchestration.benchmark import hand_pass

    spills: list[str] = []
    connect = duckdb.connect

    def recording_connect(*args, config=None, **kwargs):
        spills.append(config["temp_directory"])
        return connect(*args, config=config, **kwargs)

    monkeypatch.setattr(hand_pass.duckdb, "connect", recording_connect)
    _, rows = run_hand_pass(refreshed.landing, spill_parent=tmp_path)
    assert rows
    # the benchmark's work directory, whose disk it checked; removed after the pass
    assert [Path(spill).parent for spill in spills] == [tmp_path]
    assert list(tmp_path.iterdir()) == []


def test_a_row_with_a_role_the_contract_does_not_know_is_not_a_version(
    small_landing: Path, tmp_path: Path
) -> None:
    """Staging quarantines a technician's row whose role is not a contract code, so it never
    competes as a version (seen at 10 M: a later ``manager`` row took a technician's hours
    out of the pass). The same row, later than the technician's own, leaves the pass's
    labour rows as they are."""
    landing = tmp_path / "landing"
    shutil.copytree(small_landing, landing)
    first = sorted((landing / "technicians").glob("*.csv"))[0]
    with first.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames or []), list(reader)
    technician = next(row for row in rows if row["role"].strip().lower() == "technician")
    later = dict(technician, role="manager", updated_at="2099-01-01 00:00:00")
    _, before = run_hand_pass(small_landing, as_of="2025-04-17 00:00:00")
    extra = landing / "technicians" / "2099-01-01T000000.csv"
    with extra.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerow(later)
    _, after = run_hand_pass(landing, as_of="2025-04-17 00:00:00")
    labour = ("labor_efficiency", "open_rate")
    branch = technician["branch_code"]
    mine = [row for row in before if row[0] in labour and row[1] == branch]
    assert mine  # the technician's branch has labour rows

    def rounded(rows: list[tuple]) -> list[tuple]:  # sums of doubles in another order
        return sorted(
            tuple(round(v, 6) if isinstance(v, float) else v for v in row)
            for row in rows
            if row[0] in labour
        )

    assert rounded(after) == rounded(before)
