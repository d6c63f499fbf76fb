"""Display tables of a board view, shared by the app and the report: KPI names by
language, unit labels, wide tables (one column per KPI) with the meets flags beside."""

from __future__ import annotations

import pandas as pd

from orchestration.dashboard.labels import label
from orchestration.dashboard.view import BRANCH, NETWORK, REGION, Context


def kpi_name(ctx: Context, code: str, lang: str) -> str:
    row = ctx.kpi(code)
    return str(row["name_zh"] if lang == "zh" else row["name_en"])


def kpi_help(ctx: Context, code: str, lang: str) -> str:
    """Formula and direction of a KPI, for a tooltip or the side panel."""
    row = ctx.kpi(code)
    direction = label(lang, str(row["better_when"]))
    return f"`{code}` · {label(lang, 'formula')}: {row['formula']} · {direction}"


def unit_label(ctx: Context, level: str, unit: str, lang: str) -> str:
    if level == NETWORK:
        return label(lang, "network")
    if level == REGION:
        return f"{label(lang, 'region')} {unit}"
    names = ctx.branches.set_index("branch_code")["branch_name"]
    return f"{unit} {names.get(unit, '')}".strip()


def wide(frame: pd.DataFrame, index: list[str], ctx: Context, lang: str) -> pd.DataFrame:
    """Long rows (index…, kpi_code, value, meets_target) → one column per KPI (values)."""
    if frame.empty:
        return pd.DataFrame()
    order = list(dict.fromkeys(frame["kpi_code"]))
    table = frame.pivot_table(
        index=index, columns="kpi_code", values="value", aggfunc="first", dropna=False, sort=False
    )
    table = table.reindex(columns=order)
    table.columns = [kpi_name(ctx, code, lang) for code in order]
    return table


def meets_wide(frame: pd.DataFrame, index: list[str], ctx: Context, lang: str) -> pd.DataFrame:
    """The meets_target flags shaped like :func:`wide` (True / False / None)."""
    if frame.empty:
        return pd.DataFrame()
    order = list(dict.fromkeys(frame["kpi_code"]))
    flags = frame.assign(meets=frame["meets_target"].astype(object)).pivot_table(
        index=index, columns="kpi_code", values="meets", aggfunc="first", dropna=False, sort=False
    )
    flags = flags.reindex(columns=order)
    flags.columns = [kpi_name(ctx, code, lang) for code in order]
    return flags


def comparison_table(
    comparison: pd.DataFrame, codes: tuple[str, ...], ctx: Context, lang: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Network, regions, branches (rows) by KPIs (columns): values and meets flags."""
    frame = comparison[comparison["kpi_code"].isin(codes)].copy()
    order = {code: i for i, code in enumerate(codes)}
    frame["_o"] = frame["kpi_code"].map(order)
    frame = frame.sort_values("_o", kind="stable")
    frame["row"] = [
        unit_label(ctx, level, unit, lang)
        for level, unit in zip(frame["level"], frame["unit"], strict=True)
    ]
    values, flags = wide(frame, ["row"], ctx, lang), meets_wide(frame, ["row"], ctx, lang)
    values.index.name = flags.index.name = label(lang, "level")
    return values, flags


def technician_table(
    technicians: pd.DataFrame, codes: tuple[str, ...], ctx: Context, lang: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Technicians (by employee id, and branch) by KPIs: values and meets flags."""
    if technicians.empty:
        return pd.DataFrame(), pd.DataFrame()
    frame = technicians.copy()
    frame["branch_code"] = frame["branch_code"].fillna(label(lang, "all_branches"))
    order = {code: i for i, code in enumerate(codes)}
    frame["_o"] = frame["kpi_code"].map(order)
    frame = frame.sort_values(["_o", "branch_code", "employee_id"], kind="stable")
    index = ["branch_code", "employee_id"]
    values, flags = wide(frame, index, ctx, lang), meets_wide(frame, index, ctx, lang)
    values.index.names = [label(lang, "branch"), label(lang, "technician")]
    flags.index.names = values.index.names
    return values.sort_index(), flags.sort_index()


def aging_frame(
    aging: pd.DataFrame, codes: tuple[str, ...], ctx: Context, lang: str
) -> pd.DataFrame:
    """Backlog-aging rows for the chart: label (unit), threshold (KPI name), value; the
    thresholds in the board's order."""
    frame = aging[aging["level"] != REGION].copy() if (aging["level"] == BRANCH).any() else aging
    frame = frame.copy()
    frame["label"] = [
        unit_label(ctx, level, unit, lang)
        for level, unit in zip(frame["level"], frame["unit"], strict=True)
    ]
    frame["threshold"] = [kpi_name(ctx, code, lang) for code in frame["kpi_code"]]
    frame["_o"] = frame["kpi_code"].map({code: i for i, code in enumerate(codes)})
    frame = frame.sort_values("_o", kind="stable")
    return frame[["label", "threshold", "kpi_code", "value"]].reset_index(drop=True)
