"""What ``aftersales-refresh`` says about landing batches: the files not loaded, and
``--retract``."""

from __future__ import annotations

import sys

import duckdb

from orchestration.engines import Engine, EngineError
from orchestration.landing.model import DEFERRED, IGNORED, REJECTED
from orchestration.landing.register import landing_snapshot


def landing_report(engine: Engine) -> list[str]:
    """The landing files of the latest ingest that were not loaded (rejected, ignored,
    deferred), and the mapping's warnings for loaded ones, one line each, from
    ``raw._landing_files`` (an engine without that register: none)."""
    try:
        with engine.read_build() as con:
            rows = landing_snapshot(con)
    except (duckdb.Error, EngineError):
        return []
    shown = [r for r in rows if r[2] in (REJECTED, IGNORED, DEFERRED)]
    warned = [r for r in rows if r[2] not in (REJECTED, IGNORED, DEFERRED) and r[4]]
    lines = ["Landing files not loaded:"] if shown else []
    for status in (REJECTED, IGNORED, DEFERRED):
        for folder, name, row_status, reason, _warnings in shown:
            if row_status == status:
                where = f"{folder}/{name}" if folder else name
                lines.append(f"  {status.upper():<8} {where}: {reason or ''}".rstrip(": "))
    if warned:
        lines.append("Mapping warnings (the files are loaded; fix the mapping or the export):")
    for folder, name, _status, _reason, found in warned:
        for warning in str(found).split(" | "):
            lines.append(f"  WARNING  {folder}/{name}: {warning}")
    return lines


def retract_batches(engine: Engine, specs: list[str], note: str) -> int:
    """``--retract``: take each batch out of the build warehouse; exit code 1 if any failed."""
    from orchestration.landing.retract import RetractError, still_landed

    settings = engine.settings
    failed = 0
    for spec in specs:
        try:
            done = engine.retract(spec, note)
        except (RetractError, EngineError, OSError) as error:
            print(f"retract failed: {error}", file=sys.stderr)
            failed += 1
            continue
        except Exception as error:  # e.g. the warehouse is locked by a running refresh
            print(f"retract failed: {spec}: {type(error).__name__}: {error}", file=sys.stderr)
            failed += 1
            continue
        print(
            f"retracted {done.table_name}/{done.file_name}: {done.rows_removed} rows removed "
            "from the build warehouse (recorded in raw._retractions)"
        )
        if done.duplicates:
            print(f"  files registered as its duplicates stay so: {', '.join(done.duplicates)}")
        if still_landed(settings.landing_dir, done):
            print(
                f"  NOTE: {done.table_name}/{done.file_name} is still in the landing directory "
                "unchanged: the next refresh loads it again. Replace it with the corrected "
                "file (same name) or remove it first."
            )
    if not failed:
        print("Run aftersales-refresh to rebuild and publish without the retracted batch(es).")
    return 1 if failed else 0
