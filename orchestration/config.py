"""Runtime settings, read from environment variables with defaults under ``data/``."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
WAREHOUSE_FILE_NAME = "aftersales.duckdb"


@dataclass(frozen=True)
class Settings:
    """Where the landing files, the build warehouse and the served copy live."""

    landing_dir: Path
    warehouse_dir: Path
    serving_dir: Path
    as_of: str | None
    target: str = "duckdb"  # the engine and dbt target: duckdb or spark

    @property
    def warehouse_path(self) -> Path:
        return self.warehouse_dir / WAREHOUSE_FILE_NAME

    @property
    def serving_path(self) -> Path:
        return self.serving_dir / WAREHOUSE_FILE_NAME

    def dbt_env(self) -> dict[str, str]:
        """Environment variables that dbt (profiles.yml, dbt_project.yml) reads."""
        env = {
            "AFTERSALES_LANDING_DIR": str(self.landing_dir),
            "AFTERSALES_WAREHOUSE_DIR": str(self.warehouse_dir),
            "AFTERSALES_SERVING_DIR": str(self.serving_dir),
        }
        env["AFTERSALES_AS_OF"] = self.as_of or ""
        env["AFTERSALES_TARGET"] = self.target
        return env


def _path(name: str, default: str) -> Path:
    value = os.environ.get(name) or default
    path = Path(value)
    return path if path.is_absolute() else (PROJECT_DIR / path)


def load_settings() -> Settings:
    """Read the settings from the environment (relative paths are project-relative);
    the one place settings and paths resolve, for every engine and command."""
    as_of = os.environ.get("AFTERSALES_AS_OF") or None
    return Settings(
        landing_dir=_path("AFTERSALES_LANDING_DIR", "data/landing"),
        warehouse_dir=_path("AFTERSALES_WAREHOUSE_DIR", "data/warehouse"),
        serving_dir=_path("AFTERSALES_SERVING_DIR", "data/serving"),
        as_of=as_of,
        target=(os.environ.get("AFTERSALES_TARGET") or "duckdb").strip(),
    )


def override(settings: Settings, **values: str | Path | None) -> Settings:
    """``settings`` with the values given (``None`` or empty keeps the setting). A relative
    path is relative to the project directory, as in the environment variables; the CLI
    makes its options absolute first, so they stay relative to the working directory."""
    changes: dict[str, object] = {}
    for name, value in values.items():
        if not value:
            continue
        if name.endswith("_dir"):
            path = Path(value).expanduser()
            changes[name] = path if path.is_absolute() else PROJECT_DIR / path
        else:
            changes[name] = str(value).strip()
    return dataclasses.replace(settings, **changes)
