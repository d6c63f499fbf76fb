"""The benchmark report as text: stages of the full and daily refresh side by side, the
hand-written pass, the ratios against issue 12's targets, peak memory per stage."""

from __future__ import annotations

import math
from typing import Any

STAGE_LABELS = {
    "ingest": "ingest",
    "dbt_build": "dbt build",
    "gx": "GX suites",
    "publish": "publish",
}


def _s(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.2f}"


def _mb(entry: dict[str, Any] | None) -> str:
    return f"{entry['peak_rss_mb']:.0f}" if entry else "-"


def _verdict(ratio: float, target: float) -> str:
    if math.isnan(ratio):
        return "not measured"
    return "meets the target" if ratio <= target else "over the target"


def format_report(report: dict[str, Any]) -> str:
    sizing = report["sizing"]
    raw_rows = sum((report.get("raw_rows") or {}).values())
    lines = [
        f"work orders: {report.get('work_orders') or '-'} ({sizing['branches']} branches x "
        f"{sizing['days']} days x {sizing['orders_per_day']} per branch-day), "
        f"{report.get('files') or '-'} export files, {raw_rows:,} raw rows; "
        f"repeat {report['repeat']} (medians), dbt threads {report['dbt_threads']}",
        f"daily delivery: the last batch, {len(report['held_back'])} files held back "
        f"({', '.join(report['held_back'][:3])}{', ...' if len(report['held_back']) > 3 else ''})",
        "",
        f"{'stage':<22}{'full s':>10}{'peak MiB':>10}{'daily s':>10}{'peak MiB':>10}",
        "-" * 62,
    ]
    full, daily = report["full"], report["daily"]
    for stage, label in STAGE_LABELS.items():
        f_entry, d_entry = full.get(stage), daily.get(stage)
        lines.append(
            f"{label:<22}{_s(f_entry and f_entry['median_s']):>10}{_mb(f_entry):>10}"
            f"{_s(d_entry and d_entry['median_s']):>10}{_mb(d_entry):>10}"
        )
        if stage == "dbt_build":
            groups = {**(f_entry or {}).get("by_group", {})}
            daily_groups = (d_entry or {}).get("by_group", {})
            for group in dict.fromkeys([*groups, *daily_groups]):
                f_group, d_group = groups.get(group), daily_groups.get(group)
                lines.append(
                    f"  {group:<20}{_s(f_group and f_group['span_s']):>10}{'':>10}"
                    f"{_s(d_group and d_group['span_s']):>10}"
                    f"   span; busy {_s(f_group and f_group['busy_s'])} / "
                    f"{_s(d_group and d_group['busy_s'])} s, "
                    f"{int((f_group or d_group or {}).get('nodes', 0))} nodes"
                )
    totals, ratios = report["totals_s"], report["ratios"]
    daily_ratio, hand_ratio = ratios["daily_over_full"], ratios["full_over_hand_pass"]
    hand = report.get("hand_pass") or {}
    lines += [
        "-" * 62,
        f"{'refresh total':<22}{_s(totals['full']):>10}{'':>10}{_s(totals['daily']):>10}",
        f"{'hand-written pass':<22}{_s(totals['hand_pass']):>10}{_mb(hand or None):>10}",
        "",
        f"daily / full            {_s(daily_ratio):>8}   target <= "
        f"{ratios['daily_target']:.2f}: {_verdict(daily_ratio, ratios['daily_target'])}",
        f"full / hand-written     {_s(hand_ratio):>8}   target <= "
        f"{ratios['hand_pass_target']:.2f}: {_verdict(hand_ratio, ratios['hand_pass_target'])}",
    ]
    comparison = hand.get("detail", {}).get("comparison")
    if comparison:
        worst = max(
            comparison["by_kpi"].items(),
            key=lambda item: item[1]["max_value_diff"] or 0,
            default=(None, {}),
        )
        lines.append(
            f"hand-written pass vs kpi_values (month, per branch): largest value difference "
            f"{comparison['max_value_diff']:.2g}" + (f" ({worst[0]})" if worst[0] else "")
        )
        for code, entry in comparison["by_kpi"].items():
            lines.append(
                f"  {code:<20} {entry['matched']} rows matched, {entry['values_differing']} "
                f"differ (max {entry['max_value_diff'] or 0:.2g}), only in kpi_values "
                f"{entry['only_in_kpi_values']}, only in the pass {entry['only_in_hand_pass']}"
            )
    setup = report["setup"]
    if "generate" in setup:
        lines.append(
            f"generate (not part of a refresh): {_s(setup['generate']['median_s'])} s, "
            f"peak {_mb(setup['generate'])} MiB; dbt parse: "
            f"{_s(setup.get('prepare', {}).get('median_s'))} s"
        )
    for mode in ("full", "daily"):
        scope = (report[mode].get("dbt_build") or {}).get("detail", {}).get("scope")
        if scope:
            lines.append(f"{mode} build: {scope['text']}")
    if report["daily_ingested_only_held_back"] is not None:
        lines.append(
            "daily ingest loaded exactly the held-back files: "
            + ("yes" if report["daily_ingested_only_held_back"] else "NO")
        )
    for mode in ("full", "daily"):
        gx = report[mode].get("gx", {}).get("detail")
        if gx and not gx["passed"]:
            lines.append(f"{mode} refresh: a blocking GX suite failed: {gx['suites']}")
    budget = report["memory_budget_mb"] / 1024
    if report["over_memory_budget"]:
        lines.append(
            f"OVER the {budget:.0f} GiB memory budget: " + "; ".join(report["over_memory_budget"])
        )
    else:
        lines.append(f"every stage stayed under the {budget:.0f} GiB memory budget")
    if report["failure"]:
        lines += ["", f"FAILED: {report['failure']}"]
        if report["not_run"]:
            lines.append("not run: " + ", ".join(report["not_run"]))
    return "\n".join(lines)
