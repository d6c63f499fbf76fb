"""Dagster's structured run log as a few readable lines per step, for
``aftersales-refresh``."""

from __future__ import annotations

import logging
from typing import Any, TextIO

STEP_LABELS = {
    "ingest": "ingest landing files",
    "landing_freshness": "landing freshness from the ingest register (warning only)",
    "dbt_build": "dbt build (seeds, models, data tests)",
    "gx_blocking_suites": "Great Expectations suites on kpi_values and the staging facts",
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


def progress_logger(handler: ProgressHandler) -> Any:
    from dagster import logger

    @logger(description="Readable step-by-step progress on stdout.")
    def progress(_init_context: Any) -> logging.Logger:
        log = logging.Logger("aftersales.refresh", level=logging.DEBUG)
        log.addHandler(handler)
        return log

    return progress
