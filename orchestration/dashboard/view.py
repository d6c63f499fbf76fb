"""One board's figures for a selection (grain, period, scope), shared by app and report.

Everything comes from kpi_values (and the technician and scorecard marts) of the served
file: the network and branch rows as published, a region as the sum of its branches'
numerators and denominators (``rollup``). Nothing is averaged here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd

from orchestration.dashboard import queries
from orchestration.dashboard.boards import Board, BoardConfig
from orchestration.dashboard.rollup import roll_up

NETWORK, REGION, BRANCH = "network", "region", "branch"
_VALUE_COLUMNS = ["numerator", "denominator", "value", "target", "comparator", "meets_target"]


@dataclass(frozen=True)
class Scope:
    """The whole network, one region, or one branch."""

    level: str = NETWORK
    code: str | None = None

    def branch_codes(self, branches: pd.DataFrame) -> list[str]:
        if self.level == BRANCH:
            return [str(self.code)]
        if self.level == REGION:
            return branches.loc[branches["region"] == self.code, "branch_code"].tolist()
        return branches["branch_code"].tolist()


@dataclass(frozen=True)
class Context:
    """What every board needs besides its own rows: catalogue, branches, periods."""

    catalogue: pd.DataFrame
    branches: pd.DataFrame
    periods: dict[str, pd.DataFrame]

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, grains: tuple[str, ...]) -> Context:
        return cls(
            catalogue=queries.catalogue(con),
            branches=queries.branches(con),
            periods={grain: queries.periods(con, grain) for grain in grains},
        )

    def kpi(self, code: str) -> pd.Series:
        return self.catalogue.set_index("kpi_code").loc[code]

    def window(self, grain: str, period_start: date, length: int) -> pd.DataFrame:
        """The selected period and the ``length - 1`` before it, oldest first."""
        periods = self.periods[grain].sort_values("period_start")
        periods = periods[periods["period_start"] <= pd.Timestamp(period_start)]
        return periods.tail(length).reset_index(drop=True)


@dataclass
class BoardView:
    board: Board
    grain: str
    period_start: date
    scope: Scope
    period_end: date | None
    is_complete: bool
    headline: pd.DataFrame
    trend: pd.DataFrame
    comparison: pd.DataFrame
    aging: pd.DataFrame = field(default_factory=pd.DataFrame)
    technicians: pd.DataFrame = field(default_factory=pd.DataFrame)


def scope_values(rows: pd.DataFrame, scope: Scope, ctx: Context, by: list[str]) -> pd.DataFrame:
    """Rows of one scope keyed by ``by``: published rows for network and branch, the sum of
    the region's branches for a region."""
    if scope.level == NETWORK:
        picked = rows[rows["branch_code"].isna()]
        return picked[[*by, *_VALUE_COLUMNS]].reset_index(drop=True)
    if scope.level == BRANCH:
        picked = rows[rows["branch_code"] == scope.code]
        return picked[[*by, *_VALUE_COLUMNS]].reset_index(drop=True)
    members = rows[rows["branch_code"].isin(scope.branch_codes(ctx.branches))]
    return roll_up(members, by, ctx.catalogue)


def _ordered(frame: pd.DataFrame, codes: tuple[str, ...]) -> pd.DataFrame:
    order = {code: i for i, code in enumerate(codes)}
    frame = frame[frame["kpi_code"].isin(order)].copy()
    frame["_order"] = frame["kpi_code"].map(order)
    return frame.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def _with_all_codes(frame: pd.DataFrame, codes: tuple[str, ...]) -> pd.DataFrame:
    """One row per code (a KPI without a row in the period shows as no value)."""
    missing = [code for code in codes if code not in set(frame["kpi_code"])]
    if missing:
        filler = pd.DataFrame({"kpi_code": missing})
        frame = pd.concat([frame, filler], ignore_index=True) if not frame.empty else filler
    for column in _VALUE_COLUMNS:
        if column not in frame:
            frame[column] = None
    return _ordered(frame, codes)


def comparison_rows(
    period_rows: pd.DataFrame, scope: Scope, ctx: Context, codes: tuple[str, ...]
) -> pd.DataFrame:
    """The network, every region, and the branches in scope, for the period (long form:
    level, unit, kpi_code, values)."""
    rows = period_rows[period_rows["kpi_code"].isin(codes)]
    parts = []
    network = scope_values(rows, Scope(), ctx, ["kpi_code"])
    parts.append(network.assign(level=NETWORK, unit=""))
    regions = sorted(ctx.branches["region"].unique())
    if scope.level != NETWORK:
        regions = (
            [ctx.branches.set_index("branch_code").at[scope.code, "region"]]
            if (scope.level == BRANCH)
            else [scope.code]
        )
    for region in regions:
        values = scope_values(rows, Scope(REGION, region), ctx, ["kpi_code"])
        parts.append(values.assign(level=REGION, unit=region))
    for branch in scope.branch_codes(ctx.branches):
        values = scope_values(rows, Scope(BRANCH, branch), ctx, ["kpi_code"])
        parts.append(values.assign(level=BRANCH, unit=branch))
    frame = pd.concat([p for p in parts if not p.empty], ignore_index=True)
    return frame[["level", "unit", "kpi_code", *_VALUE_COLUMNS]]


def technician_rows(
    con: duckdb.DuckDBPyConnection,
    board: Board,
    grain: str,
    period_start: date,
    scope: Scope,
    ctx: Context,
) -> pd.DataFrame:
    """Technicians of the scope (network: their all-branch rows; else per branch)."""
    if not board.technicians:
        return pd.DataFrame()
    branch_codes = None if scope.level == NETWORK else scope.branch_codes(ctx.branches)
    return queries.technician_rows(con, grain, period_start, board.technicians, branch_codes)


def build_board(
    con: duckdb.DuckDBPyConnection,
    config: BoardConfig,
    ctx: Context,
    board: Board,
    grain: str,
    period_start: date,
    scope: Scope,
) -> BoardView:
    window = ctx.window(grain, period_start, config.trend_periods)
    if window.empty:
        raise ValueError(f"no {grain} period starting on or before {period_start}")
    first = window["period_start"].iloc[0].date()
    rows = queries.kpi_rows(con, grain, board.kpi_codes, first, period_start)
    selected = window.iloc[-1]
    period_rows = rows[rows["period_start"] == pd.Timestamp(period_start)]

    headline = _with_all_codes(scope_values(period_rows, scope, ctx, ["kpi_code"]), board.headline)
    trend = scope_values(
        rows[rows["kpi_code"].isin(board.trend)], scope, ctx, ["kpi_code", "period_start"]
    ).merge(window[["period_start", "is_period_complete"]], on="period_start", how="left")
    trend = trend.sort_values(["kpi_code", "period_start"]).reset_index(drop=True)
    comparison = comparison_rows(period_rows, scope, ctx, board.compare)
    aging = pd.DataFrame()
    if board.aging:
        aging = comparison_rows(period_rows, scope, ctx, board.aging)
    return BoardView(
        board=board,
        grain=grain,
        period_start=period_start,
        scope=scope,
        period_end=pd.Timestamp(selected["period_end"]).date(),
        is_complete=bool(selected["is_period_complete"]),
        headline=headline,
        trend=trend,
        comparison=comparison,
        aging=aging,
        technicians=technician_rows(con, board, grain, period_start, scope, ctx),
    )


@dataclass
class ScorecardView:
    grain: str
    period_start: date
    scope: Scope
    is_complete: bool
    ranking: pd.DataFrame
    trend: pd.DataFrame
    kpis: pd.DataFrame


def build_scorecard(
    con: duckdb.DuckDBPyConnection,
    config: BoardConfig,
    ctx: Context,
    grain: str,
    period_start: date,
    scope: Scope,
) -> ScorecardView:
    """Ranked branches of one period (ranks over the whole network, as published), the
    score of the last periods, and each branch's KPI attainment; limited to the scope."""
    window = ctx.window(grain, period_start, config.trend_periods)
    first = window["period_start"].iloc[0].date() if not window.empty else period_start
    members = scope.branch_codes(ctx.branches)
    scores = queries.scorecard(con, grain, first, period_start)
    scores = scores[scores["branch_code"].isin(members)]
    regions = ctx.branches.set_index("branch_code")["region"]
    ranking = scores[scores["period_start"] == pd.Timestamp(period_start)].copy()
    ranking["region"] = ranking["branch_code"].map(regions)
    kpis = queries.scorecard_kpis(con, grain, period_start)
    kpis = kpis[kpis["branch_code"].isin(members)].reset_index(drop=True)
    complete = window[window["period_start"] == pd.Timestamp(period_start)]
    return ScorecardView(
        grain=grain,
        period_start=period_start,
        scope=scope,
        is_complete=bool(complete["is_period_complete"].iloc[0]) if not complete.empty else False,
        ranking=ranking.sort_values(["rank", "branch_code"]).reset_index(drop=True),
        trend=scores.merge(
            window[["period_start", "is_period_complete"]], on="period_start", how="left"
        ).reset_index(drop=True),
        kpis=kpis,
    )
