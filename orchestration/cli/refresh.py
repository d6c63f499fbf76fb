"""``aftersales-refresh``: run the ``refresh`` job in-process, then print a KPI summary.

The same assets and checks as the Dagster code location (``orchestration.definitions``):
ingest → dbt build (models, seeds, data tests; the unit tests run in CI) → GX suite →
publish. A failing dbt test or GX expectation stops the run before ``publish``; the exit
code is then 1 and the served file is the previous one. Settings come from the environment
(``orchestration/config.py``); options override them.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from orchestration.config import Settings, load_settings

STEP_LABELS = {
    "ingest": "ingest landing files",
    "landing_freshness": "landing freshness from the ingest register (warning only)",
    "dbt_build": "dbt build (seeds, models, data tests)",
    "gx_staging_suites": "Great Expectations suites on the staging facts",
    "gx_kpi_values_suite": "Great Expectations suite on kpi_values",
    "gx_kpi_trend": "KPI trend check (warning only)",
    "publish": "publish to the serving directory",
}


class ProgressHandler(logging.Handler):
    """Turns Dagster's structured run log into a few readable lines per step."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(level=logging.DEBUG)
        self.stream = stream
        self.materialized: dict[str, int] = {}
        self.checks_passed: dict[str, int] = {}
        self.checks_failed: dict[str, list[str]] = {}
        self.checks_warned: dict[str, list[str]] = {}
        self.failed_steps: list[str] = []

    def _print(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            meta = getattr(record, "dagster_meta", None) or {}
            event = meta.get("dagster_event")
            if event is None:
                if record.levelno >= logging.WARNING or (
                    record.levelno >= logging.INFO and meta.get("step_key")
                ):
                    self._message(record, meta)
                return
            self._event(event)
        except Exception:  # a progress line must never break the run
            self.handleError(record)

    def _message(self, record: logging.LogRecord, meta: dict[str, Any]) -> None:
        step = meta.get("step_key") or ""
        if record.levelno < logging.WARNING and step == "dbt_build":
            return  # dagster-dbt's bookkeeping; dbt prints its own progress
        text = str(meta.get("orig_message") or record.getMessage())
        lines = [line for line in text.splitlines() if line.strip()]
        if not lines:
            return
        if record.levelno < logging.WARNING:
            for line in lines[:20]:
                self._print(f"    {line}")
        else:  # first line only: dagster-dbt's warnings are long explanations
            self._print(f"    {record.levelname}: {lines[0]}")

    def _event(self, event: Any) -> None:
        step = event.step_key or ""
        label = _label(step)
        if event.is_step_start:
            self._print(f"==> {label}")
        elif event.is_step_materialization:
            key = event.asset_key.to_user_string()
            self.materialized[step] = self.materialized.get(step, 0) + 1
            if step != "dbt_build":  # dbt prints its own progress line per node
                self._print(f"    materialized {key}{_metadata_line(event)}")
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.asset_check_evaluation_data
            name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
            severity = getattr(getattr(evaluation, "severity", None), "value", "ERROR")
            if evaluation.passed:
                self.checks_passed[step] = self.checks_passed.get(step, 0) + 1
            elif severity == "WARN":
                self.checks_warned.setdefault(step, []).append(name)
                description = evaluation.description or ""
                self._print(f"    CHECK WARNING {name}: {description}".rstrip(": "))
            else:
                self.checks_failed.setdefault(step, []).append(name)
                self._print(f"    CHECK FAILED {name}")
        elif event.is_step_success:
            seconds = event.step_success_data.duration_ms / 1000
            counts = []
            if self.materialized.get(step):
                counts.append(f"{self.materialized[step]} assets")
            warned = len(self.checks_warned.get(step, []))
            if self.checks_passed.get(step) or self.checks_failed.get(step) or warned:
                counts.append(
                    f"{self.checks_passed.get(step, 0)} checks passed, "
                    f"{len(self.checks_failed.get(step, []))} failed"
                    + (f", {warned} warnings" if warned else "")
                )
            detail = f", {'; '.join(counts)}" if counts else ""
            self._print(f"    done in {seconds:.1f}s{detail}")
        elif event.is_step_failure:
            self.failed_steps.append(step)
            error = event.step_failure_data.error
            message = error.message.strip() if error else "unknown error"
            self._print(f"    FAILED: {label}")
            for line in message.splitlines()[:25]:
                self._print(f"      {line}")
        elif event.is_step_skipped:
            self._print(f"==> {label}: skipped (an upstream step or blocking check failed)")


def _label(step: str) -> str:
    for key, label in STEP_LABELS.items():
        if step == key or step.endswith(f"_{key}"):
            return label
    return step


def _metadata_line(event: Any) -> str:
    metadata = event.materialization.metadata
    shown = []
    names = (
        "files_loaded",
        "files_skipped",
        "rows_loaded",
        "kpi_values_rows",
        "build_id",
        "parquet_tables",
        "served_path",
    )
    for name in names:
        if name in metadata:
            value = metadata[name]
            shown.append(f"{name}={getattr(value, 'value', value)}")
    return f" ({', '.join(shown)})" if shown else ""


def _progress_logger(handler: ProgressHandler) -> Any:
    from dagster import logger

    @logger(description="Readable step-by-step progress on stdout.")
    def progress(_init_context: Any) -> logging.Logger:
        log = logging.Logger("aftersales.refresh", level=logging.DEBUG)
        log.addHandler(handler)
        return log

    return progress


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="aftersales-refresh",
        description="Ingest, build, check and publish the after-sales KPIs (in-process).",
    )
    parser.add_argument("--landing-dir", type=Path, help="default: $AFTERSALES_LANDING_DIR")
    parser.add_argument("--warehouse-dir", type=Path, help="default: $AFTERSALES_WAREHOUSE_DIR")
    parser.add_argument("--serving-dir", type=Path, help="default: $AFTERSALES_SERVING_DIR")
    parser.add_argument(
        "--as-of",
        help="reference time, branch-local 'YYYY-MM-DD HH:MM:SS' (default: $AFTERSALES_AS_OF, "
        "else the latest updated_at in the data)",
    )
    parser.add_argument(
        "--no-publish", action="store_true", help="build and check, but do not publish"
    )
    parser.add_argument(
        "--rollback",
        action="store_true",
        help="serve the previously published version again and exit",
    )
    parser.add_argument(
        "--retract",
        metavar="TABLE/FILE",
        action="append",
        help="remove a loaded batch (its rows and its name) from the build warehouse so "
        "that a corrected file under the same name loads on the next refresh; recorded in "
        "raw._retractions. Repeatable. Does not refresh or publish.",
    )
    parser.add_argument("--note", default="", help="why (recorded with --retract)")
    return parser.parse_args(argv)


def _config(args: argparse.Namespace) -> Any:
    from orchestration.defs.assets import AftersalesConfig

    def text(path: Path | None) -> str | None:
        return str(path.resolve()) if path else None

    return AftersalesConfig(
        landing_dir=text(args.landing_dir),
        warehouse_dir=text(args.warehouse_dir),
        serving_dir=text(args.serving_dir),
        as_of=args.as_of,
    )


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings()

    overrides: dict[str, Any] = {}
    for name in ("landing_dir", "warehouse_dir", "serving_dir"):
        value = getattr(args, name)
        if value:
            overrides[name] = value.resolve()
    if args.as_of:
        overrides["as_of"] = args.as_of
    return dataclasses.replace(settings, **overrides)


def run_refresh(
    settings_args: argparse.Namespace, *, publish: bool = True, stream: TextIO = sys.stdout
) -> tuple[bool, ProgressHandler]:
    """Run the refresh job in-process; return (success, progress handler)."""
    from dagster import AssetKey, DagsterInstance

    from orchestration.definitions import JOB_NAME, build_definitions
    from orchestration.defs.assets import PUBLISH_KEY

    handler = ProgressHandler(stream)
    defs = build_definitions(
        aftersales=_config(settings_args), loggers={"console": _progress_logger(handler)}
    )
    job = defs.resolve_job_def(JOB_NAME)
    selection: list[AssetKey] | None = None
    if not publish:
        selection = [key for key in job.asset_layer.executable_asset_keys if key != PUBLISH_KEY]
    with DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(
            run_config={"loggers": {"console": {}}},
            instance=instance,
            raise_on_error=False,
            asset_selection=selection,
        )
    return result.success and not handler.failed_steps, handler


def _record_cli_failure(settings: Settings, step: str, error: BaseException) -> None:
    """A failure before the Dagster run starts (its hook cannot see it) goes to the run log."""
    import uuid

    from orchestration.defs.automation.run_log import RunFailure, record_failure

    failure = RunFailure(
        run_id=f"cli-{uuid.uuid4()}",
        job_name="refresh",
        step_key=step,
        error_class=type(error).__name__,
        message=str(error),
    )
    try:
        record_failure(settings.warehouse_dir, failure)
    except Exception as log_error:  # the exit code already says it failed
        print(f"    (could not record the failure: {log_error})", file=sys.stderr)


def landing_report(warehouse_path: Path) -> list[str]:
    """The landing files of the latest ingest that were not loaded (rejected, ignored,
    deferred), and the mapping's warnings for loaded ones, one line each, from
    ``raw._landing_files``."""
    import duckdb

    from orchestration.landing.model import DEFERRED, IGNORED, REJECTED
    from orchestration.landing.register import landing_snapshot

    if not warehouse_path.is_file():
        return []
    try:
        with duckdb.connect(str(warehouse_path), read_only=True) as con:
            rows = landing_snapshot(con)
    except duckdb.Error:
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


def _retract(settings: Settings, specs: list[str], note: str) -> int:
    from orchestration.landing.retract import RetractError, retract, still_landed

    failed = 0
    for spec in specs:
        try:
            done = retract(settings.warehouse_path, spec, note)
        except (RetractError, OSError) as error:
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


def main(argv: Sequence[str] | None = None) -> int:
    if (os.environ.get("AFTERSALES_TARGET") or "duckdb").strip() != "duckdb":
        # Spark (and any other target): orchestration/engines/spark/refresh.py, same options
        from orchestration.engines.spark.refresh import main as spark_main

        return spark_main(argv)
    args = parse_args(argv)
    settings = _settings(args)
    if args.rollback:
        from orchestration.serving.publish import PublishError, rollback

        try:
            served = rollback(settings.serving_dir)
        except PublishError as error:
            print(f"rollback failed: {error}", file=sys.stderr)
            return 1
        print(f"now serving the previous version at {served}")
        return 0

    if args.retract:
        return _retract(settings, args.retract, args.note)

    warnings.filterwarnings("ignore", module=r"dagster.*")
    if not sys.stdout.isatty():
        os.environ.setdefault("DBT_USE_COLORS", "false")
    started = time.monotonic()
    print(f"landing   {settings.landing_dir}")
    print(f"warehouse {settings.warehouse_path}")
    print(f"serving   {settings.serving_path}" + ("  (not published)" if args.no_publish else ""))
    from orchestration.landing.context import load_source
    from orchestration.landing.discovery import LandingDirError, check_landing_dir

    try:  # a mistyped path fails at once, before dbt or the warehouse is touched
        check_landing_dir(settings.landing_dir)
        load_source(settings.landing_dir)  # its mapping, validated before dbt parse
    except LandingDirError as error:
        print(f"==> ingest landing files\n    FAILED: {error}")
        print("\nRefresh FAILED; nothing was published.")
        _record_cli_failure(settings, "ingest", error)
        return 1
    from orchestration.defs.dbt.project import manifest_is_current, prepare_manifest

    reuse = manifest_is_current(settings)
    print("==> dbt manifest" + (" (project unchanged: reused)" if reuse else ": dbt parse"))
    try:
        manifest = prepare_manifest(settings)
    except Exception as error:  # dbt's own message is the useful part
        print(f"    FAILED: the dbt project does not parse:\n{error}")
        _record_cli_failure(settings, "dbt_parse", error)
        return 1
    print(f"    {manifest}")

    ok, _ = run_refresh(args, publish=not args.no_publish)
    elapsed = time.monotonic() - started
    landing_lines = landing_report(settings.warehouse_path)
    if not ok:
        print(f"\nRefresh FAILED after {elapsed:.0f}s; nothing was published.")
        if landing_lines:
            print("\n".join(landing_lines))
        return 1
    print(f"\nRefresh succeeded in {elapsed:.0f}s.\n")
    if landing_lines:
        print("\n".join(landing_lines) + "\n")

    from orchestration.serving.summary import format_summary, read_summary

    source = settings.warehouse_path if args.no_publish else settings.serving_path
    print(format_summary(read_summary(source)))
    if args.no_publish:
        print(f"(read from the build warehouse {source}: nothing was published)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
