"""The record of a generated landing directory, so that a later run can reuse it.

Generating a year of exports is not part of any refresh, yet at 10 M work orders it takes
37 minutes of an idle machine (more than a third of the run), and a session that must
also leave room for CI could not fit it beside the measured stages. So after the
``generate`` stage has written every file, it records in ``<workdir>/landing.json`` the
generator's parameters (seed, days, branches, work orders per branch-day), a digest of
the generator's code, what it reported (files, bytes, work orders, rows) and every file
with its size and modification time. With ``aftersales-benchmark --reuse-landing`` the
next run in that work directory skips the generation when the record holds the same
parameters and code digest and the landing still holds exactly the recorded files
(holding a batch back and putting it back are renames: they keep both); otherwise it says
why and generates again.

The record is removed before a generation starts and written only after it has ended, so
a generation that died leaves no record, and nothing half-written is reused.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RECORD_NAME = "landing.json"
PARAMETERS = ("seed", "days", "branches", "orders_per_day")
GENERATOR_DIR = Path(__file__).resolve().parents[1] / "sample_data"


def record_path(workdir: Path) -> Path:
    return workdir / RECORD_NAME


def parameters_of(spec: Mapping[str, Any]) -> dict[str, int]:
    """The generator's parameters in a stage spec."""
    return {name: int(spec[name]) for name in PARAMETERS}


def generator_digest(directory: Path = GENERATOR_DIR) -> str:
    """A digest of the generator's code (``orchestration/sample_data/*.py``)."""
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*.py")):
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def landing_files(landing_dir: Path) -> dict[str, list[int]]:
    """Every file under ``landing_dir``: relative path -> [size in bytes, mtime in ns]."""
    files = {}
    for path in sorted(landing_dir.rglob("*")):
        if path.is_file():
            stat = path.stat()
            files[path.relative_to(landing_dir).as_posix()] = [stat.st_size, stat.st_mtime_ns]
    return files


def forget(workdir: Path) -> None:
    """Remove the record (before the landing is generated again)."""
    record_path(workdir).unlink(missing_ok=True)


def write(
    workdir: Path,
    landing_dir: Path,
    parameters: Mapping[str, int],
    seconds: float,
    detail: Mapping[str, Any],
) -> Path:
    """Record the landing just generated (written to a temporary name, then renamed)."""
    record = {
        "parameters": dict(parameters),
        "generator": generator_digest(),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(seconds, 3),
        "detail": dict(detail),
        "files": landing_files(landing_dir),
    }
    path = record_path(workdir)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(record, indent=1), encoding="utf-8")
    os.replace(temporary, path)
    return path


def reusable(
    workdir: Path, landing_dir: Path, parameters: Mapping[str, int]
) -> tuple[dict[str, Any] | None, str]:
    """The record of ``landing_dir`` when it can be reused for ``parameters``, and ""; or
    None and why not."""
    path = record_path(workdir)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        recorded = {name: int(record["parameters"][name]) for name in PARAMETERS}
        generator = str(record["generator"])
        files = {str(k): [int(x) for x in v] for k, v in record["files"].items()}
    except FileNotFoundError:
        return None, f"no record of a finished generation ({path})"
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        return None, f"{path} cannot be read ({error})"
    if recorded != dict(parameters):
        return None, f"it was generated with {recorded}, this run needs {dict(parameters)}"
    if generator != generator_digest():
        return None, (
            f"the generator's code changed since (digest {generator}, now "
            f"{generator_digest()}: {GENERATOR_DIR})"
        )
    if not landing_dir.is_dir():
        return None, f"{landing_dir} is gone"
    found = landing_files(landing_dir)
    if found != files:
        missing = sorted(files.keys() - found.keys())
        extra = sorted(found.keys() - files.keys())
        changed = sorted(k for k in files.keys() & found.keys() if files[k] != found[k])
        return None, (
            f"{landing_dir} is not as generated: {len(missing)} files missing "
            f"{missing[:3]}, {len(extra)} not generated {extra[:3]}, "
            f"{len(changed)} of another size or time {changed[:3]}"
        )
    return record, ""
