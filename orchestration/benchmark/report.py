"""The benchmark report as text: stages of the full refresh, the daily refresh and the
refresh with no new file side by side, the hand-written pass, the ratios against issue 12's
targets, peak memory per stage, the dbt nodes each build spent most on and those the daily
batch made dearer."""

from __future__ import annotations

import math
from typing import Any

from orchestration.benchmark.dbt_timing import difference, largest
from orchestration.benchmark.refresh_bench import MODES

# the column of each refresh mode; a mode without its own label is named by its key
MODE_LABELS = {"unchanged": "no new file"}
COLUMN_LABELS = {mode: MODE_LABELS.get(mode, mode) for mode in MODES}
STAGE_LABELS = {
    "ingest": "ingest",
    "dbt_build": "dbt build",
    "gx": "GX suites",
    "publish": "publish",
}
NODES_SHOWN = 5  # the largest dbt nodes named per refresh
BATCH_NODES_SHOWN = 8  # the nodes the daily batch made dearest


def _s(value: float | None, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.{digits}f}"


def _mb(entry: dict[str, Any] | None) -> str:
    return f"{entry['peak_rss_mb']:.0f}" if entry else "-"


def ratio_text(value: float | None) -> str:
    """A ratio to four decimals: enough to show one just over its target."""
    return _s(value, 4)


def verdict(ratio: float, target: float) -> str:
    """Whether ``ratio`` (unrounded) is within ``target``."""
    if math.isnan(ratio):
        return "not measured"
    return "meets the target" if ratio <= target else "over the target"


def _row(label: str, values: list[str], peaks: list[str] | str) -> str:
    """One line of the stage table: per refresh, its seconds and its peak (or blank)."""
    peaks = peaks if isinstance(peaks, list) else [peaks] * len(values)
    cells = "".join(f"{value:>15}{peak:>10}" for value, peak in zip(values, peaks, strict=True))
    return f"{label:<22}{cells}".rstrip()


def _dbt_groups(groups: list[dict[str, Any]]) -> list[str]:
    """dbt build's layers: each refresh's span, then the busy seconds and node count."""
    lines = []
    for group in dict.fromkeys(name for by_group in groups for name in by_group):
        entries = [by_group.get(group) for by_group in groups]
        spans = [_s(e and e["span_s"]) for e in entries]
        busy = " / ".join(_s(e and e["busy_s"]) for e in entries)
        nodes = int(next((e for e in entries if e), {}).get("nodes", 0))
        lines.append(f"{_row('  ' + group, spans, '')}   span; busy {busy} s, {nodes} nodes")
    return lines


def _node_list(times: list[tuple[str, float]], sign: str = "") -> str:
    return "; ".join(f"{name} {sign}{seconds:.2f}" for name, seconds in times) or "-"


def dbt_node_lines(report: dict[str, Any], modes: list[str]) -> list[str]:
    """The dbt nodes each refresh spent most on, and those the daily batch made dearer
    than a build with no new file (median node seconds; nodes run side by side)."""
    times = {mode: (report[mode].get("dbt_build") or {}).get("node_s") for mode in modes}
    times = {mode: found for mode, found in times.items() if found}
    if not times:
        return []
    lines = [f"largest dbt nodes (s, each node's own time; {NODES_SHOWN} per build):"]
    for mode, found in times.items():
        lines.append(f"  {COLUMN_LABELS[mode]:<12} {_node_list(largest(found, NODES_SHOWN))}")
    if "daily" in times and "unchanged" in times:
        added = difference(times["daily"], times["unchanged"])
        total = sum(added.values())
        shown = [(name, value) for name, value in largest(added, BATCH_NODES_SHOWN) if value > 0]
        lines.append(
            f"what the daily batch added per dbt node (daily less no new file; {total:+.2f} s "
            f"of node time in all): {_node_list(shown, '+')}"
        )
    return lines


def format_report(report: dict[str, Any]) -> str:
    sizing = report["sizing"]
    modes = [mode for mode in COLUMN_LABELS if report.get(mode)]
    width = 22 + 25 * len(modes)
    raw_rows = sum((report.get("raw_rows") or {}).values())
    lines = [
        f"work orders: {report.get('work_orders') or '-'} ({sizing['branches']} branches x "
        f"{sizing['days']} days x {sizing['orders_per_day']} per branch-day), "
        f"{report.get('files') or '-'} export files, {raw_rows:,} raw rows; "
        f"repeat {report['repeat']} (medians), dbt threads {report['dbt_threads']}"
        f" ({report.get('dbt_full_refresh_threads', report['dbt_threads'])} in a full refresh)",
        f"daily delivery: the last batch, {len(report['held_back'])} files held back "
        f"({', '.join(report['held_back'][:3])}{', ...' if len(report['held_back']) > 3 else ''})",
        "",
        _row("stage", [f"{COLUMN_LABELS[mode]} s" for mode in modes], "peak MiB"),
        "-" * width,
    ]
    for stage, label in STAGE_LABELS.items():
        entries = [report[mode].get(stage) for mode in modes]
        lines.append(
            _row(label, [_s(e and e["median_s"]) for e in entries], [_mb(e) for e in entries])
        )
        if stage == "dbt_build":
            lines += _dbt_groups([(e or {}).get("by_group", {}) for e in entries])
    totals, ratios = report["totals_s"], report["ratios"]
    daily_ratio, hand_ratio = ratios["daily_over_full"], ratios["full_over_hand_pass"]
    unchanged_ratio = ratios.get("unchanged_over_full", float("nan"))
    hand = report.get("hand_pass") or {}
    lines += [
        "-" * width,
        _row("refresh total", [_s(totals.get(mode)) for mode in modes], ""),
        _row("hand-written pass", [_s(totals["hand_pass"])], [_mb(hand or None)]),
        "",
        f"daily / full            {ratio_text(daily_ratio):>8}   target <= "
        f"{ratios['daily_target']:.2f}: {verdict(daily_ratio, ratios['daily_target'])}",
    ]
    if "unchanged" in modes:
        arrived_ratio = ratios.get("arrived_over_full", float("nan"))
        lines += [
            f"no new file / full      {ratio_text(unchanged_ratio):>8}   the floor under every "
            "daily refresh",
            f"what arrived / full     {ratio_text(arrived_ratio):>8}   the daily refresh less the "
            "floor: what the day's batch cost",
        ]
    lines.append(
        f"full / hand-written     {ratio_text(hand_ratio):>8}   target <= "
        f"{ratios['hand_pass_target']:.2f}: {verdict(hand_ratio, ratios['hand_pass_target'])}"
    )
    evicted = report.get("landing_evicted_from_page_cache")
    if evicted:
        lines.append(
            f"the hand-written pass and each ingest started with the landing's "
            f"{evicted['files']} files ({evicted['bytes'] / 1e9:.1f} GB) out of the page cache"
            if evicted["supported"]
            else "the landing could not be evicted from the page cache on this system "
            "(no posix_fadvise): the hand-written pass and the ingest read it as they found it"
        )
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
        generated = setup["generate"].get("detail", {})
        parse = f"dbt parse: {_s(setup.get('prepare', {}).get('median_s'))} s"
        if generated.get("reused"):
            lines.append(
                f"generate: the work directory's landing reused ({generated['reused']}); {parse}"
            )
        else:
            lines.append(
                f"generate (not part of a refresh): {_s(setup['generate']['median_s'])} s, "
                f"peak {_mb(setup['generate'])} MiB; {parse}"
            )
        if generated.get("not_reused"):
            lines.append(f"  the landing was not reused: {generated['not_reused']}")
    for mode in modes:
        scope = (report[mode].get("dbt_build") or {}).get("detail", {}).get("scope")
        if scope:
            lines.append(f"{COLUMN_LABELS[mode]} build: {scope['text']}")
    lines += dbt_node_lines(report, modes)
    if report["daily_ingested_only_held_back"] is not None:
        lines.append(
            "daily ingest loaded exactly the held-back files: "
            + ("yes" if report["daily_ingested_only_held_back"] else "NO")
        )
    if report.get("unchanged_ingested_nothing") is not None:
        lines.append(
            "the refresh with no new file loaded no file: "
            + ("yes" if report["unchanged_ingested_nothing"] else "NO")
        )
    for mode in modes:
        gx = report[mode].get("gx", {}).get("detail")
        if gx and not gx["passed"]:
            label = COLUMN_LABELS[mode]
            lines.append(f"{label} refresh: a blocking GX suite failed: {gx['suites']}")
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
