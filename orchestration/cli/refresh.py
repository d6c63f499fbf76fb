"""``aftersales-refresh``: run the ``refresh`` job in-process, then print a KPI summary.

The same job, assets and checks as the Dagster code location (``orchestration.definitions``)
on the engine of ``AFTERSALES_TARGET`` (``duckdb``, the default, or ``spark``): ingest → dbt
build (models, seeds, data tests; the unit tests run in CI) → GX suites → publish. A failing
dbt test or GX expectation stops the run before ``publish``; the exit code is then 1 and
what is served stays the previous build. Settings come from the environment
(``orchestration/config.py``); options override them.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from orchestration.cli.batches import landing_report, retract_batches
from orchestration.cli.progress import ProgressHandler, progress_logger
from orchestration.config import Settings, load_settings, override
from orchestration.defs.dbt.build_scope import last_build_line
from orchestration.defs.dbt.incremental import full_refresh_reason
from orchestration.engines import Engine, EngineError, engine_for


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="aftersales-refresh",
        description="Ingest, build, check and publish the after-sales KPIs (in-process), on "
        "the engine of $AFTERSALES_TARGET (duckdb, the default, or spark).",
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
        "--full-refresh",
        action="store_true",
        help="rebuild every incremental model from all loaded rows (done by itself after a "
        "failed build or a change to the dbt project)",
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
        "raw._retractions. Repeatable. Does not refresh or publish. DuckDB only for now.",
    )
    parser.add_argument("--note", default="", help="why (recorded with --retract)")
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace) -> Settings:
    """The environment's settings, overridden by the options (paths relative to the
    working directory, as a user typing them expects)."""

    def absolute(path: Path | None) -> str | None:
        return str(path.resolve()) if path else None

    return override(
        load_settings(),
        landing_dir=absolute(args.landing_dir),
        warehouse_dir=absolute(args.warehouse_dir),
        serving_dir=absolute(args.serving_dir),
        as_of=args.as_of,
    )


def run_refresh(
    settings: Settings,
    *,
    publish: bool = True,
    full_refresh: bool = False,
    stream: TextIO | None = None,
) -> tuple[bool, ProgressHandler]:
    """Run the refresh job in-process; return (success, progress handler). Progress goes
    to ``stream``, default the current ``sys.stdout`` (read at call time, so that a caller's
    redirection applies)."""
    from dagster import AssetKey, DagsterInstance

    from orchestration.definitions import JOB_NAME, build_definitions
    from orchestration.defs.publish.assets import PUBLISH_KEY
    from orchestration.defs.resources import AftersalesConfig

    handler = ProgressHandler(stream or sys.stdout)
    config = AftersalesConfig.of(settings, full_refresh=full_refresh)
    defs = build_definitions(aftersales=config, loggers={"console": progress_logger(handler)})
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


def _prepare(settings: Settings) -> bool:
    """Check the landing directory and its mapping, and prepare the dbt manifest, before
    the job (and the warehouse) is touched; False (with the reason printed) if one fails."""
    from orchestration.defs.dbt.project import manifest_is_current, prepare_manifest
    from orchestration.landing.context import load_source
    from orchestration.landing.discovery import LandingDirError, check_landing_dir

    try:  # a mistyped path fails at once, before dbt or the warehouse is touched
        check_landing_dir(settings.landing_dir)
        load_source(settings.landing_dir)  # its mapping, validated before dbt parse
    except LandingDirError as error:
        print(f"==> ingest landing files\n    FAILED: {error}")
        print("\nRefresh FAILED; nothing was published.")
        _record_cli_failure(settings, "ingest", error)
        return False
    reuse = manifest_is_current(settings)
    print("==> dbt manifest" + (" (project unchanged: reused)" if reuse else ": dbt parse"))
    try:
        manifest = prepare_manifest(settings)
    except Exception as error:  # dbt's own message is the useful part
        print(f"    FAILED: the dbt project does not parse:\n{error}")
        _record_cli_failure(settings, "dbt_parse", error)
        return False
    print(f"    {manifest}")
    return True


def _summary(engine: Engine, published: bool) -> None:
    from orchestration.serving.summary import format_summary, read_summary

    reader = engine.read_served() if published else engine.read_build()
    with reader as con:
        print(format_summary(read_summary(con)) if con is not None else "nothing served yet")
    if not published:
        print("(read from the build warehouse: nothing was published)")


def _build_scope_line(engine: Engine) -> str:
    """Which KPI days the refresh's dbt build recomputed, and why (int_builds_scoped)."""
    line, _ = last_build_line(engine)
    return line or "dbt build: no scope recorded"


def refresh(engine: Engine, args: argparse.Namespace) -> int:
    settings = engine.settings
    warnings.filterwarnings("ignore", module=r"dagster.*")
    if not sys.stdout.isatty():
        os.environ.setdefault("DBT_USE_COLORS", "false")
    started = time.monotonic()
    print(f"engine    {engine.name}")
    print(f"landing   {settings.landing_dir}")
    print(f"warehouse {settings.warehouse_dir}")
    print(f"serving   {settings.serving_dir}" + ("  (not published)" if args.no_publish else ""))
    reason = full_refresh_reason(settings, requested=args.full_refresh)
    print(f"dbt build {'full refresh: ' + reason if reason else 'incremental'}")
    if not _prepare(settings):
        return 1
    ok, _ = run_refresh(settings, publish=not args.no_publish, full_refresh=args.full_refresh)
    elapsed = time.monotonic() - started
    landing_lines = landing_report(engine)
    if not ok:
        print(f"\nRefresh FAILED after {elapsed:.0f}s; nothing was published.")
        if landing_lines:
            print("\n".join(landing_lines))
        return 1
    print(f"\nRefresh succeeded in {elapsed:.0f}s.")
    print(_build_scope_line(engine) + "\n")
    if landing_lines:
        print("\n".join(landing_lines) + "\n")
    _summary(engine, published=not args.no_publish)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    settings = settings_from(args)
    try:
        engine = engine_for(settings)
    except EngineError as error:
        print(str(error), file=sys.stderr)
        return 2
    if args.rollback:
        try:
            served = engine.rollback()
        except EngineError as error:
            print(f"rollback failed: {error}", file=sys.stderr)
            return 1
        print(f"now serving {served}")
        return 0
    if args.retract:
        return retract_batches(engine, args.retract, args.note)
    return refresh(engine, args)


if __name__ == "__main__":
    raise SystemExit(main())
