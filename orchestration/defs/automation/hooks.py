"""The failure hook of the refresh job: record why a step failed
(``orchestration/defs/automation/run_log.py``).

It runs after any failed step of a ``refresh`` run, in ``dagster dev`` and in
``aftersales-refresh`` alike (a blocking check that fails is a failed step too). It writes
to ``<warehouse_dir>/run_log.duckdb``, never to the build warehouse, and POSTs to
``AFTERSALES_FAILURE_WEBHOOK_URL`` when that is set. A hook must not fail the run a second
time: its own errors are logged and swallowed.
"""

from dagster import HookContext, failure_hook

from orchestration.defs.automation.run_log import RunFailure, record_failure


def _error_text(context: HookContext) -> tuple[str | None, str]:
    error = context.op_exception
    if error is None:
        return None, "the step failed"
    description = getattr(error, "description", None)
    return type(error).__name__, str(description or error)


@failure_hook(
    name="record_failure",
    required_resource_keys={"aftersales"},
)
def record_failure_hook(context: HookContext) -> None:
    error_class, message = _error_text(context)
    failure = RunFailure(
        run_id=context.run_id,
        job_name=context.job_name,
        step_key=context.step_key,
        error_class=error_class,
        message=message,
    )
    try:
        settings = context.resources.aftersales.settings()
        status = record_failure(settings.warehouse_dir, failure)
        context.log.info(f"failure recorded in the run log (webhook: {status})")
    except Exception as error:  # never fail the run a second time
        context.log.error(f"could not record the failure: {type(error).__name__}: {error}")
