"""What a build recomputed, read from ``intermediate.int_builds_scoped``
(``orchestration/defs/dbt/build_scope.py``), and the refresh's log line of it."""

from __future__ import annotations

from datetime import date, datetime

from build_scope_fakes import BuildReader, scope_table

from orchestration.defs.dbt.build_scope import BuildScope, last_build_scope

ROWS = [
    # built_at, as_of, recompute_from, assets_recompute_from, recompute_reason
    (datetime(2026, 1, 1, 2), datetime(2025, 12, 30, 23), None, None, "full refresh"),
    (
        datetime(2026, 1, 2, 2),
        datetime(2025, 12, 31, 23, 59),
        date(2025, 10, 26),
        date(2024, 12, 29),
        "changed days",
    ),
]


def test_the_newest_build_is_read_and_its_days_counted() -> None:
    with scope_table(list(reversed(ROWS))) as con:
        scope = last_build_scope(con)
    assert scope is not None
    assert scope.built_at == ROWS[1][0]
    assert scope.days(scope.recompute_from) == 67  # 2025-10-26 .. 2025-12-31
    assert scope.days(scope.assets_recompute_from) == 368
    assert scope.describe() == (
        "KPI days recomputed from 2025-10-26 (67 days to the as-of date 2025-12-31; "
        "changed days), the assets area's KPIs from 2024-12-29 (368 days)"
    )
    as_json = scope.as_json()
    assert as_json["days"] == 67 and as_json["assets_days"] == 368
    assert as_json["recompute_from"] == "2025-10-26"


def test_a_full_refresh_recomputes_every_day() -> None:
    with scope_table(ROWS[:1]) as con:
        scope = last_build_scope(con)
    assert scope is not None
    assert scope.describe() == "every KPI day recomputed (full refresh)"
    assert scope.as_json()["days"] is None


def test_the_assets_bound_is_named_only_when_it_differs() -> None:
    scope = BuildScope(
        built_at=datetime(2026, 1, 2),
        as_of=datetime(2025, 12, 31, 12),
        recompute_from=date(2025, 12, 30),
        assets_recompute_from=date(2025, 12, 30),
        reason="changed days",
    )
    assert "assets" not in scope.describe()
    assert scope.days(scope.recompute_from) == 2


def test_no_build_recorded_reads_as_none() -> None:
    with scope_table([]) as con:
        assert last_build_scope(con) is None


class _Log:
    def __init__(self) -> None:
        self.info_lines: list[str] = []
        self.warnings: list[str] = []

    def info(self, text: str) -> None:
        self.info_lines.append(text)

    def warning(self, text: str) -> None:
        self.warnings.append(text)


class _Context:
    def __init__(self) -> None:
        self.log = _Log()


def test_the_refresh_logs_what_its_build_recomputed() -> None:
    from orchestration.defs.dbt.assets import log_build_scope

    context = _Context()
    with scope_table(ROWS) as con:
        log_build_scope(context, BuildReader(con))  # type: ignore[arg-type]
    assert context.log.info_lines == [
        "dbt build: KPI days recomputed from 2025-10-26 (67 days to the as-of date "
        "2025-12-31; changed days), the assets area's KPIs from 2024-12-29 (368 days)"
    ]
    assert context.log.warnings == []


def test_a_failed_read_of_the_scope_is_a_warning_not_a_failure() -> None:
    from orchestration.defs.dbt.assets import log_build_scope

    context = _Context()
    reader = BuildReader(error=RuntimeError("no build warehouse at /nowhere"))
    log_build_scope(context, reader)  # type: ignore[arg-type]
    assert context.log.info_lines == []
    assert len(context.log.warnings) == 1
    assert "intermediate.int_builds_scoped" in context.log.warnings[0]
    assert "no build warehouse at /nowhere" in context.log.warnings[0]
