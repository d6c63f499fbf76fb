"""Vendor mappings: a per-source YAML file that turns a DMS export's own headers, code
labels, timestamp styles and units into the raw contract (format: docs/mapping.md).

- ``load.py``: read and validate a mapping file, choose the mapping of a landing directory;
- ``apply.py``: ``apply_mapping(table, mapping, ctx) -> (table, problems)``, pure;
- ``temporal.py``: timestamp / date / time formats and Excel serial numbers;
- ``columns.py``: what the mapping needs to know about each contract column;
- ``model.py``: the validated mapping.
"""

from orchestration.landing.mapping.apply import (
    REJECT,
    WARNING,
    FileContext,
    MappedFileRejected,
    Problem,
    apply_mapping,
    is_rejected,
    mapped_or_raise,
)
from orchestration.landing.mapping.load import MappingError, parse_mapping
from orchestration.landing.mapping.model import Mapping
from orchestration.landing.mapping.select import (
    LANDING_MAPPING_FILE,
    MAPPING_ENV,
    MAPPINGS_DIR,
    load_mapping,
    select_mapping,
)

__all__ = [
    "LANDING_MAPPING_FILE",
    "MAPPINGS_DIR",
    "MAPPING_ENV",
    "REJECT",
    "WARNING",
    "FileContext",
    "MappedFileRejected",
    "Mapping",
    "MappingError",
    "Problem",
    "apply_mapping",
    "is_rejected",
    "load_mapping",
    "mapped_or_raise",
    "parse_mapping",
    "select_mapping",
]
