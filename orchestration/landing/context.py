"""Per-folder read settings, from the landing directory's mapping (one place per source).

The mapping of a landing directory (``mapping.select_mapping``: ``AFTERSALES_MAPPING``, else
``<landing>/_mapping.yml``, else the contract) describes the source completely: its
headers and labels *and* its reading options::

    # mappings/my_dms.yml (or the landing directory's own _mapping.yml with version: 1)
    defaults:
      encoding: gb18030        # every CSV of this landing directory
    tables:
      tickets:
        encoding: utf-16       # this folder only (wins over defaults)

Without an ``encoding`` the encoding of each CSV is detected. The former ``landing.toml``
is refused with a message saying where its settings go now (docs/decisions.md D-096).
"""

from __future__ import annotations

from pathlib import Path

from orchestration.landing.discovery import LandingDirError
from orchestration.landing.mapping import LANDING_MAPPING_FILE, Mapping, MappingError
from orchestration.landing.mapping import select_mapping as _select
from orchestration.landing.model import ReadContext

RETIRED_CONFIG_FILE = "landing.toml"


class LandingConfigError(LandingDirError):
    """The landing directory's configuration (its mapping) is unusable: nothing is read."""


def load_source(landing_dir: Path) -> Mapping:
    """The validated mapping of ``landing_dir`` (``LandingConfigError`` when unusable)."""
    retired = landing_dir / RETIRED_CONFIG_FILE
    if retired.is_file():
        raise LandingConfigError(
            f"{retired}: landing.toml is no longer read; its settings moved into the "
            f"mapping: put 'encoding: <codec>' under 'defaults:' (or under "
            f"'tables: <table>:') of the mapping file this landing directory uses (its "
            f"{LANDING_MAPPING_FILE} or AFTERSALES_MAPPING; docs/mapping.md), then remove "
            "landing.toml"
        )
    try:
        return _select(landing_dir)
    except MappingError as error:
        raise LandingConfigError(str(error)) from error


def read_context(landing_dir: Path, table_name: str, mapping: Mapping | None = None) -> ReadContext:
    """What readers and ``normalize`` get for a file of ``table_name``'s folder."""
    mapping = load_source(landing_dir) if mapping is None else mapping
    return ReadContext(table_name, landing_dir, mapping.encodings.get(table_name), mapping)
