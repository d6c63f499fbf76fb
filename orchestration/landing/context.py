"""Per-folder read settings: the optional ``landing.toml`` at the root of a landing
directory.

    # landing.toml
    [defaults]
    encoding = "gb18030"       # every CSV of this landing directory

    [tables.tickets]
    encoding = "utf-16"        # this folder only (wins over [defaults])

Without the file (or without an ``encoding``) the encoding of each CSV is detected. It is
a small hook: a per-source mapping that carries an ``encoding`` feeds the same
``ReadContext``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from orchestration.landing.encoding import UnknownEncodingError, canonical
from orchestration.landing.model import ReadContext

CONFIG_FILE_NAME = "landing.toml"


class LandingConfigError(ValueError):
    pass


def load_config(landing_dir: Path) -> dict[str, dict[str, str]]:
    """``{"defaults": {...}, "<table>": {...}}`` from ``landing.toml`` (empty without it)."""
    path = landing_dir / CONFIG_FILE_NAME
    if not path.is_file():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise LandingConfigError(f"{path}: not valid TOML ({error})") from error
    config: dict[str, dict[str, str]] = {"defaults": dict(raw.get("defaults", {}))}
    for name, section in dict(raw.get("tables", {})).items():
        config[str(name)] = dict(section)
    for name, section in config.items():
        unknown = set(section) - {"encoding"}
        if unknown:
            raise LandingConfigError(
                f"{path}: unknown setting(s) {sorted(unknown)} in [{name}]; "
                "only 'encoding' is understood"
            )
        if "encoding" in section:
            try:
                canonical(str(section["encoding"]))
            except UnknownEncodingError as error:
                raise LandingConfigError(f"{path}: [{name}] {error}") from error
    return config


def read_context(
    landing_dir: Path, table_name: str, config: dict[str, dict[str, str]] | None = None
) -> ReadContext:
    config = load_config(landing_dir) if config is None else config
    section = {**config.get("defaults", {}), **config.get(table_name, {})}
    return ReadContext(table_name, landing_dir, section.get("encoding"))
