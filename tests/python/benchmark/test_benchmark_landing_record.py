"""A generated landing is recorded, and ``--reuse-landing`` reuses it only when it is
exactly what was generated with the same parameters (``landing_record.py``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orchestration.benchmark import landing_record
from orchestration.benchmark.refresh_bench import Runs, _before, bench_settings, held_back_dir
from orchestration.benchmark.run import parse_args
from orchestration.benchmark.stages import generate_stage


def spec(workdir: Path, reuse: bool = False, **sizes: int) -> dict[str, object]:
    parameters = {"seed": 7, "days": 3, "branches": 1, "orders_per_day": 2, **sizes}
    return {
        "workdir": str(workdir),
        "landing_dir": str(workdir / "landing"),
        "reuse_landing": reuse,
        **parameters,
    }


def test_a_recorded_landing_is_reused_as_it_is(tmp_path: Path) -> None:
    seconds, first = generate_stage(spec(tmp_path))
    landing = tmp_path / "landing"
    record = json.loads(landing_record.record_path(tmp_path).read_text(encoding="utf-8"))
    assert record["parameters"] == {"seed": 7, "days": 3, "branches": 1, "orders_per_day": 2}
    assert record["files"] == landing_record.landing_files(landing) and record["files"]
    assert record["detail"] == first and seconds > 0
    times = {p: p.stat().st_mtime_ns for p in landing.rglob("*") if p.is_file()}

    seconds, again = generate_stage(spec(tmp_path, reuse=True))
    assert seconds == 0.0
    assert again.pop("reused").startswith("generated at ")
    assert again == first
    assert {p: p.stat().st_mtime_ns for p in landing.rglob("*") if p.is_file()} == times


def test_a_landing_that_differs_is_generated_again_and_says_why(tmp_path: Path) -> None:
    generate_stage(spec(tmp_path))
    landing = tmp_path / "landing"
    removed = sorted(p for p in landing.rglob("*.csv"))[0]
    removed.unlink()
    (landing / "tickets" / "stray.csv").write_text("x\n", encoding="utf-8")
    _, detail = generate_stage(spec(tmp_path, reuse=True))
    reason = detail["not_reused"]
    assert "1 files missing" in reason and removed.relative_to(landing).as_posix() in reason
    assert "1 not generated ['tickets/stray.csv']" in reason
    # generated again into an empty folder: the stray file is gone, the missing one back
    assert not (landing / "tickets" / "stray.csv").exists() and removed.is_file()
    _, reused = generate_stage(spec(tmp_path, reuse=True))
    assert "reused" in reused

    _, other = generate_stage(spec(tmp_path, reuse=True, days=4))
    assert "it was generated with" in other["not_reused"] and "'days': 3" in other["not_reused"]


def test_a_generation_that_did_not_finish_is_not_reused(tmp_path: Path) -> None:
    generate_stage(spec(tmp_path))
    landing_record.forget(tmp_path)  # what a generation that died leaves
    record, reason = landing_record.reusable(
        tmp_path, tmp_path / "landing", landing_record.parameters_of(spec(tmp_path))
    )
    assert record is None and reason.startswith("no record of a finished generation")


def test_files_an_earlier_run_held_back_go_back_before_the_landing_is_checked(
    tmp_path: Path,
) -> None:
    generate_stage(spec(tmp_path))
    settings = bench_settings(tmp_path)
    moved = sorted(p for p in settings.landing_dir.rglob("*") if p.is_file())[-1]
    name = moved.relative_to(settings.landing_dir).as_posix()
    held = held_back_dir(tmp_path) / name
    held.parent.mkdir(parents=True)
    moved.rename(held)
    _before("setup", "generate", settings, tmp_path, Runs())
    assert moved.is_file() and not held.exists()
    _, detail = generate_stage(spec(tmp_path, reuse=True))
    assert "reused" in detail


def test_reuse_needs_a_work_directory(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--work-orders", "1000", "--reuse-landing"])
    assert "--reuse-landing needs --workdir" in capsys.readouterr().err


def test_a_changed_generator_or_file_is_not_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate_stage(spec(tmp_path))
    landing, parameters = tmp_path / "landing", landing_record.parameters_of(spec(tmp_path))
    edited = sorted(landing.rglob("*.csv"))[0]
    data = edited.read_bytes()
    edited.write_bytes(data[:-2] + b"9\n" if not data.endswith(b"9\n") else data[:-2] + b"8\n")
    record, reason = landing_record.reusable(tmp_path, landing, parameters)
    assert record is None and "1 of another size or time" in reason  # same size, new time

    generate_stage(spec(tmp_path))
    monkeypatch.setattr(landing_record, "generator_digest", lambda *a: "0" * 16)
    record, reason = landing_record.reusable(tmp_path, landing, parameters)
    assert record is None and reason.startswith("the generator's code changed since")
