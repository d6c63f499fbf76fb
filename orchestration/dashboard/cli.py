"""``aftersales-dashboard`` (the Streamlit app, local, offline) and ``aftersales-report``
(one self-contained HTML file for a period)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from orchestration.dashboard import source

APP_FILE = Path(__file__).with_name("app.py")


def streamlit_command(address: str, port: int) -> list[str]:
    """``streamlit run`` with everything that would reach the internet switched off."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP_FILE),
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        "--global.developmentMode",
        "false",
        "--client.toolbarMode",
        "viewer",
        "--theme.base",
        "light",
    ]


def dashboard_main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="aftersales-dashboard",
        description="Serve the after-sales boards from the served DuckDB file (read-only).",
    )
    parser.add_argument("--served-file", type=Path, help="default: <serving dir>/aftersales.duckdb")
    parser.add_argument("--address", default="127.0.0.1", help="listen address (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8501, help="port (8501)")
    args = parser.parse_args(argv)
    path = (args.served_file or source.default_served_file()).resolve()
    if not path.is_file():
        print(
            f"aftersales-dashboard: no served file at {path}; run `bash scripts/demo.sh` "
            "(or aftersales-refresh) first, or pass --served-file",
            file=sys.stderr,
        )
        return 2
    from orchestration.dashboard.app import SERVED_FILE_ENV

    env = {
        **os.environ,
        SERVED_FILE_ENV: str(path),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    print(f"aftersales-dashboard: {path} on http://{args.address}:{args.port}", flush=True)
    command = streamlit_command(args.address, args.port)
    os.execve(command[0], command, env)
    return 0  # pragma: no cover - execve does not return


def report_main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="aftersales-report",
        description="Write the boards of one period as one self-contained HTML file.",
    )
    parser.add_argument(
        "--period", required=True, help="2025-11 (month), 2025-Q4, 2025 or 2025-W47 (ISO week)"
    )
    parser.add_argument("--out", type=Path, required=True, help="the HTML file to write")
    parser.add_argument("--served-file", type=Path, help="default: <serving dir>/aftersales.duckdb")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")
    parser.add_argument("--region", help="limit to one region")
    parser.add_argument("--branch", help="limit to one branch (branch code)")
    args = parser.parse_args(argv)
    from orchestration.dashboard.report import ReportError, write_report

    path = (args.served_file or source.default_served_file()).resolve()
    try:
        written = write_report(
            path, args.period, args.out, lang=args.lang, region=args.region, branch=args.branch
        )
    except (ReportError, source.ServedFileMissing, ValueError) as error:
        print(f"aftersales-report: {error}", file=sys.stderr)
        return 2
    print(f"aftersales-report: wrote {written} ({written.stat().st_size:,} bytes)")
    return 0
