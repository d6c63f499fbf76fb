"""Small JSON state files beside the build warehouse: what the last dbt build was
(``defs/dbt/incremental.py``) and how far the GX suites got (``quality/validated.py``,
``quality/validated_rows.py``). Read leniently (a missing or damaged file is no state),
written whole (a scratch file renamed over the old one)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def read_state(path: Path) -> dict[str, Any] | None:
    """The JSON object in ``path``; None when it is missing, unreadable or not an object."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return None
    return state if isinstance(state, dict) else None


def write_state(path: Path, state: dict[str, Any]) -> None:
    """Replace ``path`` with ``state`` in one rename: a reader sees the old or the new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f"{path.name}.tmp")
    scratch.write_text(json.dumps(state, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    scratch.replace(path)
