"""Tests of the sample data generator (small sizes; a few seconds in all)."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pyarrow.parquet as pq
import pytest

from orchestration.contract import TABLES
from orchestration.sample_data import GENERATOR_DIR, generate
from orchestration.sample_data.schema import CODE_VALUES, KINDS, NULLABLE, STATUS_VALUES
from orchestration.sample_data.violations import MIN_BATCH_ROWS

SMALL = {"seed": 7, "days": 12, "branches": 3, "orders_per_day": 20}
SPRING = date(2025, 3, 26)  # covers the 2025-03-30 change in Europe/Berlin
AUTUMN = date(2025, 10, 22)  # covers the 2025-10-26 change
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$")
BOOL_WORDS = {"true", "false", "1", "0", "y", "n", "yes", "no", "t", "f"}
MAX_PAIR = timedelta(hours=16)


@pytest.fixture(scope="module")
def spring(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("spring")
    generate(out, start_date=SPRING, **SMALL)
    return out


@pytest.fixture(scope="module")
def autumn(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("autumn")
    generate(out, start_date=AUTUMN, **SMALL)
    return out


@pytest.fixture(params=["spring", "autumn"])
def landing(request: pytest.FixtureRequest) -> Path:
    return request.getfixturevalue(request.param)


# --- reading --------------------------------------------------------------------------


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


@cache
def read_file(path: Path) -> tuple[list[str], list[dict[str, str | None]]]:
    """Column names and rows (as text; null = None) of one landed file."""
    if path.suffix == ".parquet":
        table = pq.read_table(path)
        return table.column_names, [
            {k: _text(v) for k, v in row.items()} for row in table.to_pylist()
        ]
    rel = duckdb.sql(
        f"select * from read_csv('{path}', all_varchar = true, header = true, "
        "delim = ',', quote = '\"', escape = '\"')"
    )
    names = rel.columns
    return names, [dict(zip(names, r, strict=True)) for r in rel.fetchall()]


def table_files(landing: Path, table: str) -> list[Path]:
    return sorted(p for p in (landing / table).iterdir() if p.suffix in (".csv", ".parquet"))


def manifest(landing: Path) -> list[dict[str, str]]:
    with (landing / GENERATOR_DIR / "violations.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# --- a reference validator written from the contract ----------------------------------


def _ts(text: str) -> datetime | None:
    if not TS_RE.match(text):
        return None
    try:
        return datetime.fromisoformat(text.replace("T", " "))
    except ValueError:
        return None


def _num(text: str) -> float | None:
    return float(text) if re.fullmatch(r"-?\d+(\.\d+)?", text) else None


def row_reasons(table: str, row: dict[str, str | None], branches: set[str]) -> list[str]:
    """Reason codes of a row's contract breaks (empty when the row is valid)."""
    reasons: list[str] = []
    pk = TABLES[table].primary_key
    if not row.get(pk):
        reasons.append("missing_primary_key")
    for col, kind in KINDS[table].items():
        value = row.get(col)
        if col == pk:
            continue
        if value is None or value == "":
            if kind != "bool" and col not in NULLABLE[table]:
                reasons.append(f"missing_required:{col}")
            continue
        if kind == "ts" and _ts(value) is None:
            reasons.append(f"unparseable_timestamp:{col}")
        elif kind in ("bool", "bool_null") and value.strip().lower() not in BOOL_WORDS:
            reasons.append(f"unparseable_boolean:{col}")
        elif kind in ("dec", "int"):
            number = _num(value)
            if number is None or (kind == "int" and number != int(number)):
                reasons.append(f"unparseable_number:{col}")
            elif number < 0:
                reasons.append(f"negative_value:{col}")
        elif kind == "code":
            allowed = STATUS_VALUES[table] if col == "status" else CODE_VALUES[col]
            if value.strip().lower() not in allowed:
                reasons.append(f"invalid_code:{col}")
        elif kind == "date":
            try:
                date.fromisoformat(value)
            except ValueError:
                reasons.append(f"unparseable_date:{col}")
    code = row.get("branch_code")
    if code and table != "branches" and code.strip() not in branches:
        reasons.append("unknown_branch_code")
    if table == "part_requests":
        q, s = _num(row["qty_requested"] or ""), _num(row["qty_from_stock"] or "")
        if q is not None and s is not None and s > q:
            reasons.append("qty_from_stock_exceeds_requested")
    if table == "callbacks" and row["nps_score"]:
        n = _num(row["nps_score"])
        if n is not None and n == int(n) and not 0 <= n <= 10:
            reasons.append("nps_out_of_range")
    if table == "tickets" and row["opened_at"] and _ts(row["opened_at"]):
        opened = _ts(row["opened_at"])
        for col, code in (
            ("delivered_at", "delivered_before_opened"),
            ("work_completed_at", "completed_before_opened"),
        ):
            t = _ts(row[col] or "")
            if t is not None and opened is not None and t < opened:
                reasons.append(code)
    return reasons


def branch_info(landing: Path) -> dict[str, str]:
    """branch_code -> time zone, from the landed branch files."""
    out: dict[str, str] = {}
    for path in table_files(landing, "branches"):
        for row in read_file(path)[1]:
            out[str(row["branch_code"]).strip()] = str(row["timezone"])
    return out


def invalid_rows(landing: Path) -> dict[tuple[str, str, int], list[str]]:
    branches = set(branch_info(landing))
    out = {}
    for table in TABLES:
        for path in table_files(landing, table):
            for i, row in enumerate(read_file(path)[1], start=1):
                reasons = row_reasons(table, row, branches)
                if reasons:
                    out[(table, path.name, i)] = reasons
    return out


# --- tests ------------------------------------------------------------------------------


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    def digest(root: Path) -> dict[str, str]:
        return {
            str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != "summary.json"
        }

    params = {"seed": 3, "days": 5, "branches": 2, "orders_per_day": 15}
    generate(tmp_path / "a", **params)
    generate(tmp_path / "b", **params)
    generate(tmp_path / "c", **{**params, "seed": 4})
    a, b, c = digest(tmp_path / "a"), digest(tmp_path / "b"), digest(tmp_path / "c")
    assert a == b
    assert a != c
    assert len(a) > 20


def test_layout_and_columns(landing: Path) -> None:
    folders = {p.name for p in landing.iterdir() if p.is_dir()}
    assert folders == set(TABLES) | {GENERATOR_DIR}
    suffixes = Counter()
    for table, spec in TABLES.items():
        files = table_files(landing, table)
        assert files, table
        assert [p.name for p in files] == sorted(p.name for p in files)
        for path in files:
            names, rows = read_file(path)
            assert list(names) == list(spec.columns), path
            assert rows, path
            suffixes[path.suffix] += 1
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{6}", path.stem), path
    assert suffixes[".csv"] and suffixes[".parquet"]


def test_csv_mess_is_present(spring: Path) -> None:
    raw = b"".join(
        p.read_bytes() for t in TABLES for p in table_files(spring, t) if p.suffix == ".csv"
    )
    csv_files = [p for t in TABLES for p in table_files(spring, t) if p.suffix == ".csv"]
    assert any(p.read_bytes().startswith(b"\xef\xbb\xbf") for p in csv_files)
    text = raw.decode("utf-8", errors="replace")
    assert re.search(r",\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2},", text)  # T separator
    assert re.search(r",\d{4}-\d{2}-\d{2} \d{2}:\d{2},", text)  # no seconds
    assert re.search(r",(Y|yes|T|1),", text) and re.search(r",(N|no|F|False),", text)
    assert '" Reached "' in text or "REACHED" in text or "REPAIR" in text or '" Repair "' in text
    assert '""' in text and "\n但是" in text  # quotes and newlines inside fields


def test_resent_file_is_identical(spring: Path) -> None:
    summary = json.loads((spring / GENERATOR_DIR / "summary.json").read_text("utf-8"))
    assert summary["resent_files"]
    for rel in summary["resent_files"]:
        copy = spring / rel
        same = [
            p for p in copy.parent.iterdir() if p != copy and p.read_bytes() == copy.read_bytes()
        ]
        assert len(same) == 1 and same[0].name < copy.name


def test_change_feed_versions_and_deletes(spring: Path) -> None:
    statuses: dict[str, set[str]] = defaultdict(set)
    deleted = Counter()
    for table in TABLES:
        for path in table_files(spring, table):
            for row in read_file(path)[1]:
                if (row["is_deleted"] or "").strip().lower() in {"true", "1", "y", "yes", "t"}:
                    deleted[table] += 1
                if table == "tickets" and row["ticket_id"]:
                    statuses[row["ticket_id"]].add(str(row["status"]).strip().lower())
    assert sum(1 for s in statuses.values() if {"open", "delivered"} <= s) > 50
    assert any("waiting_parts" in s for s in statuses.values())
    assert deleted["tickets"] + deleted["time_punches"] + deleted["callbacks"] > 0


def test_manifest_matches_invalid_rows(landing: Path) -> None:
    """Exactly the manifest's rows break the contract, with the manifest's reason."""
    found = invalid_rows(landing)
    listed = {
        (m["table_name"], m["source_file"], int(m["row_number"])): m
        for m in manifest(landing)
        if m["reason"] != "orphan_punch"
    }
    assert listed, "no violations injected"
    assert set(found) == set(listed)
    for key, m in listed.items():
        assert found[key] == [m["reason"]], key
        _, rows = read_file(landing / m["table_name"] / m["source_file"])
        pk = TABLES[m["table_name"]].primary_key
        assert (rows[int(m["row_number"]) - 1][pk] or "") == m["primary_key"]
    reasons = {m["reason"] for m in listed.values()}
    for expected in (
        "missing_primary_key",
        "unknown_branch_code",
        "nps_out_of_range",
        "qty_from_stock_exceeds_requested",
        "delivered_before_opened",
    ):
        assert expected in reasons


def test_quarantine_share_below_limit(landing: Path) -> None:
    bad = Counter((t, f) for t, f, _ in invalid_rows(landing))
    for (table, name), n_bad in bad.items():
        n_rows = len(read_file(landing / table / name)[1])
        assert n_rows - n_bad >= MIN_BATCH_ROWS
        assert n_bad / n_rows < 0.05, (table, name)


def _winning(landing: Path, table: str) -> dict[str, dict[str, str | None]]:
    """The contract's version rule over the valid rows of a table (deletes removed)."""
    branches = set(branch_info(landing))
    best: dict[str, tuple[tuple, dict]] = {}
    pk = TABLES[table].primary_key
    for path in table_files(landing, table):
        for i, row in enumerate(read_file(path)[1], start=1):
            if row_reasons(table, row, branches):
                continue
            key = (_ts(str(row["updated_at"])), path.name, i)
            if row[pk] not in best or key > best[row[pk]][0]:
                best[str(row[pk])] = (key, row)
    return {
        k: r
        for k, (_, r) in best.items()
        if (r["is_deleted"] or "").strip().lower() not in {"true", "1", "y", "yes", "t"}
    }


def test_orphan_punches_are_exactly_the_manifest(landing: Path) -> None:
    zones = branch_info(landing)
    punches = _winning(landing, "time_punches")
    events = defaultdict(list)
    for pid, r in punches.items():
        local = _ts(str(r["punched_at"]))
        assert local is not None
        absolute = local.replace(tzinfo=ZoneInfo(zones[str(r["branch_code"]).strip()]))
        kind = str(r["punch_type"]).strip().lower()
        group = (
            (r["employee_id"], "shift")
            if kind.startswith("shift")
            else (r["employee_id"], r["ticket_id"])
        )
        events[group].append((absolute.timestamp(), kind.endswith("start"), pid))
    orphans = set()
    for evs in events.values():
        evs.sort()
        i = 0
        while i < len(evs):
            t, is_start, pid = evs[i]
            nxt = evs[i + 1] if i + 1 < len(evs) else None
            if is_start and nxt and not nxt[1] and nxt[0] - t <= MAX_PAIR.total_seconds():
                i += 2
                continue
            orphans.add(pid)
            i += 1
    listed = {m["primary_key"] for m in manifest(landing) if m["reason"] == "orphan_punch"}
    assert listed
    assert orphans == listed


def test_timestamps_exist_once_in_branch_zone(landing: Path) -> None:
    zones = branch_info(landing)
    dst = [c for c, z in zones.items() if z != "Asia/Shanghai"]
    assert len(dst) == 1
    zone = ZoneInfo(zones[dst[0]])
    params = json.loads((landing / GENERATOR_DIR / "summary.json").read_text("utf-8"))
    first = date.fromisoformat(params["parameters"]["start_date"])
    end = datetime.combine(
        first + timedelta(days=params["parameters"]["days"]), datetime.min.time()
    )
    checked = 0
    for table in TABLES:
        ts_cols = [c for c, k in KINDS[table].items() if k == "ts"]
        for path in table_files(landing, table):
            for row in read_file(path)[1]:
                updated = _ts(str(row["updated_at"]))
                assert updated is None or updated < end
                owner = (
                    row.get("branch_code") or row.get("ticket_id") or row.get("callback_id") or ""
                )
                if not str(owner).strip().startswith(dst[0]):
                    continue
                for col in ts_cols:
                    t = _ts(row[col] or "")
                    if t is None:
                        continue
                    a, b = t.replace(tzinfo=zone, fold=0), t.replace(tzinfo=zone, fold=1)
                    assert a.utcoffset() == b.utcoffset(), (path, col, t)
                    roundtrip = a.astimezone(ZoneInfo("UTC")).astimezone(zone)
                    assert roundtrip.replace(tzinfo=None) == t, (path, col, t)
                    checked += 1
    assert checked > 1000


def test_night_shift_crosses_the_dst_change(landing: Path) -> None:
    zones = branch_info(landing)
    dst = next(c for c, z in zones.items() if z != "Asia/Shanghai")
    zone = ZoneInfo(zones[dst])
    punches = _winning(landing, "time_punches")
    starts = {pid[:-1]: r for pid, r in punches.items() if pid.endswith("-S")}
    crossing = []
    for pid, r in punches.items():
        if pid.endswith("-E") and pid[:-1] in starts and str(r["branch_code"]) == dst:
            s = _ts(str(starts[pid[:-1]]["punched_at"]))
            e = _ts(str(r["punched_at"]))
            assert s is not None and e is not None
            s_abs, e_abs = s.replace(tzinfo=zone), e.replace(tzinfo=zone)
            if s_abs.utcoffset() != e_abs.utcoffset():
                real = e_abs.timestamp() - s_abs.timestamp()
                crossing.append((real, (e - s).total_seconds()))
    assert crossing
    # Elapsed hours differ from wall-clock hours by exactly the DST shift.
    assert all(abs(wall - real) == 3600 for real, wall in crossing)


def test_realistic_shape(spring: Path) -> None:
    tickets = _winning(spring, "tickets")
    status = Counter(str(r["status"]).strip().lower() for r in tickets.values())
    assert status["delivered"] > 0.6 * len(tickets)
    assert status["cancelled"] and (
        status["open"] + status["in_progress"] + status["waiting_parts"] + status["completed"]
    )
    assert any(r["appointment_at"] for r in tickets.values())
    assert any(r["rework_of_ticket_id"] for r in tickets.values()) or SMALL["days"] < 14
    for r in tickets.values():
        opened = _ts(str(r["opened_at"]))
        for col in ("work_started_at", "work_completed_at", "invoiced_at", "delivered_at"):
            t = _ts(r[col] or "")
            assert t is None or opened is None or t >= opened - timedelta(minutes=1), col
        assert _ts(str(r["updated_at"])) >= (_ts(r["delivered_at"] or "") or opened)
    lines = _winning(spring, "part_requests")
    assert any(r["ordered_at"] and r["received_at"] for r in lines.values())
    calls = _winning(spring, "callbacks")
    channels = Counter(str(r["channel"]).strip().lower() for r in calls.values())
    assert channels["phone"] and channels["wechat"]
    staff = _winning(spring, "technicians")
    assert {str(r["role"]).strip().lower() for r in staff.values()} == {"technician", "advisor"}


def test_cli_writes_to_out(tmp_path: Path) -> None:
    from orchestration.sample_data.cli import main

    assert (
        main(
            [
                "--out",
                str(tmp_path),
                "--days",
                "2",
                "--branches",
                "2",
                "--orders-per-day",
                "5",
                "--seed",
                "1",
            ]
        )
        == 0
    )
    summary = json.loads((tmp_path / GENERATOR_DIR / "summary.json").read_text("utf-8"))
    assert summary["parameters"]["days"] == 2
    assert summary["rows"]["tickets"] > 0
