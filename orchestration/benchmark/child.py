"""Run one benchmark stage in its own process and measure its own high-water mark.

The parent starts ``python -m orchestration.benchmark.child STAGE SPEC RESULT`` and reaps it
with ``os.wait4``: the rusage of that child alone gives the stage's peak resident set size
(its imports included), and a stage that dies (out of memory, killed, an exception) is
reported with its exit status, its peak and the tail of its log instead of taking the
benchmark down. A stage that runs a subprocess of its own (``dbt build``) also reports that
subprocess's peak (``RUSAGE_CHILDREN`` inside the child).

The stage's time is measured inside the child around the work itself (interpreter start and
imports excluded, as in the refresh, where they are paid once per process); the wall time
of the whole child is reported beside it. ``runs/<tag>.rusage.json`` keeps each child's
exit, wall time, peak and CPU time (user and system) as soon as it ends (a run stopped
halfway still shows them).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orchestration.config import PROJECT_DIR

KIB = 1024


@dataclass
class StageRun:
    """One run of one stage."""

    stage: str
    ok: bool
    seconds: float  # the work itself, timed inside the child
    wall_seconds: float  # the whole child process
    peak_rss_mb: float  # the child's own maximum resident set size
    subprocess_peak_rss_mb: float = 0.0  # its largest subprocess (dbt)
    detail: dict[str, Any] = field(default_factory=dict)
    error: str = ""

    @property
    def peak_mb(self) -> float:
        """The stage's high-water mark: the child or, if larger, its subprocess, or what the
        stage says its processes held at most at once (``concurrent_peak_rss_mb`` in its
        detail: their peaks added up, e.g. the GX staging suites' workers)."""
        concurrent = float(self.detail.get("concurrent_peak_rss_mb") or 0.0)
        return max(self.peak_rss_mb, self.subprocess_peak_rss_mb, concurrent)


def _rss_mb(kib: int) -> float:
    scale = 1 if sys.platform == "darwin" else KIB  # macOS reports bytes, Linux KiB
    return round(kib * scale / 2**20, 1)


def _exit_text(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        name = signal.Signals(number).name
        hint = " (likely the out-of-memory killer)" if number == signal.SIGKILL else ""
        return f"killed by {name}{hint}"
    return f"exit status {os.WEXITSTATUS(status)}"


def run_in_child(
    stage: str, spec: dict[str, Any], workdir: Path, env: dict[str, str], tag: str
) -> StageRun:
    """Run ``stage`` with ``spec`` in a child process; never raises for a failed stage."""
    runs = workdir / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    spec_path = runs / f"{tag}.spec.json"
    result_path = runs / f"{tag}.result.json"
    log_path = runs / f"{tag}.log"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    result_path.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "orchestration.benchmark.child",
        stage,
        str(spec_path),
        str(result_path),
    ]
    started = time.perf_counter()
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            command, cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    peak = _rss_mb(usage.ru_maxrss)
    # kept beside the stage's result, so that a run stopped halfway still shows its peaks;
    # the CPU seconds (the child's and every process it waited for, dbt included) against
    # the wall time tell a stage bound by the cores from one that waits
    (runs / f"{tag}.rusage.json").write_text(
        json.dumps(
            {
                "exit": _exit_text(status),
                "wall_s": wall,
                "peak_rss_mb": peak,
                "user_s": round(usage.ru_utime, 2),
                "system_s": round(usage.ru_stime, 2),
            }
        ),
        encoding="utf-8",
    )
    if status == 0 and result_path.is_file():
        result = json.loads(result_path.read_text(encoding="utf-8"))
        return StageRun(
            stage=stage,
            ok=True,
            seconds=result["seconds"],
            wall_seconds=wall,
            peak_rss_mb=peak,
            subprocess_peak_rss_mb=_rss_mb(result["children_maxrss_kib"]),
            detail=result.get("detail", {}),
        )
    tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
    return StageRun(
        stage=stage,
        ok=False,
        seconds=float("nan"),
        wall_seconds=wall,
        peak_rss_mb=peak,
        error=f"{stage}: {_exit_text(status)} after {wall:.0f}s at a peak of {peak:.0f} MiB "
        f"(log: {log_path})\n" + "\n".join(tail),
    )


def main(argv: list[str]) -> int:
    from orchestration.benchmark.stages import STAGES

    stage, spec_path, result_path = argv
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    seconds, detail = STAGES[stage](spec)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    Path(result_path).write_text(
        json.dumps({"seconds": seconds, "detail": detail, "children_maxrss_kib": children}),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
