"""Write a batch the way a vendor's DMS exports it: the inverse of a mapping.

``--shape dms_cn`` writes the same records as the contract shape, through the inverse of
``mappings/dms_cn_example.yml``: Chinese headers, Chinese code labels, 是/否 booleans,
timestamps as ``2025/1/3 8:05`` / ``2025/1/3 8:05:07`` (or, in a quarter of the files,
Excel serial numbers such as ``45660.3368055556``), dates as ``2025/1/3``, sold hours in
minutes. Every value that the contract shape writes goes through unchanged in meaning, so
the mapping turns the file back into the same rows; a value the inverse does not know (an
injected contract violation such as status ``closed_pending`` or timestamp
``2025-02-30 25:61``) is written as it is, so the same rows are quarantined for the same
reasons. The contract shape's own random draws are untouched (the shape has its own
random stream), so both shapes of one seed hold the same data.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa

from orchestration.landing.mapping import LANDING_MAPPING_FILE, MAPPINGS_DIR, Mapping, load_mapping
from orchestration.landing.mapping import columns as C
from orchestration.landing.mapping.model import ColumnRule
from orchestration.landing.mapping.temporal import Format, render

SHAPES = {"contract": None, "dms_cn": "dms_cn_example"}
SERIAL_FILE_SHARE = 0.25
_TIMESTAMP = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
)
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
_DECIMAL = re.compile(r"^[+-]?([0-9]+|[0-9]*[.][0-9]+)$")


def _valid(text: str, kind: str) -> bool:
    pattern = {C.TIMESTAMP: _TIMESTAMP, C.DATE: _DATE, C.TIME: _TIME}[kind]
    if not pattern.match(text):
        return False
    try:
        if kind == C.TIMESTAMP:
            datetime.fromisoformat(text.replace("T", " "))
        elif kind == C.DATE:
            datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        return False
    return True


def _pick(formats: tuple[Format, ...], kind: str, text: str, serial: bool) -> Format | None:
    """The format a vendor file writes this value in (None: keep it as it is)."""
    if serial and kind != C.TIME:
        return next((f for f in formats if f.is_serial), None) or _pick(formats, kind, text, False)
    seconds = kind == C.TIMESTAMP and len(text) == 19
    for fmt in formats:
        if fmt.is_serial:
            continue
        if kind == C.TIMESTAMP and ("S" in fmt.parts) != seconds:
            continue
        if kind == C.TIMESTAMP and "H" not in fmt.parts:
            continue
        return fmt
    return None


class VendorShape:
    """The inverse of one mapping, applied to contract-text batches of the generator."""

    def __init__(self, mapping: Mapping, seed: int, file_format: str = "csv") -> None:
        self.mapping = mapping
        self.file_format = file_format  # csv (UTF-8), gb18030 or xlsx (writers.py)
        self.rng = np.random.default_rng(np.random.SeedSequence([seed, 23]))

    @classmethod
    def named(cls, shape: str, seed: int, file_format: str = "csv") -> VendorShape | None:
        if shape not in SHAPES:
            raise ValueError(f"unknown shape {shape!r}; use one of {', '.join(SHAPES)}")
        name = SHAPES[shape]
        if name is None:
            return None
        return cls(load_mapping(MAPPINGS_DIR / f"{name}.yml"), seed, file_format)

    def write_pointer(self, out: Path) -> None:
        """``_mapping.yml`` in the landing directory, so a refresh picks the mapping."""
        (out / LANDING_MAPPING_FILE).write_text(
            f"# written by aftersales-generate --shape\nmapping: {self.mapping.name}\n",
            encoding="utf-8",
        )

    def _column(self, values: list[str | None], rule: ColumnRule, serial: bool) -> list:
        inverse: dict[str, str] = {}
        for label, target in rule.values.items():
            inverse.setdefault(target.lower(), label)
        out: list[str | None] = []
        for value in values:
            if value is None or not value.strip():
                out.append(value)
                continue
            key = value.strip().lower()
            if rule.kind == C.BOOLEAN:
                target = (
                    "true" if key in C.BOOLEAN_TRUE else "false" if key in C.BOOLEAN_FALSE else None
                )
                out.append(inverse.get(target or "", value))
            elif key in inverse:
                out.append(inverse[key])
            elif rule.formats and _valid(value.strip(), rule.kind):
                fmt = _pick(rule.formats, rule.kind, value.strip(), serial)
                out.append(value if fmt is None else render(value.strip(), fmt, rule.kind))
            elif rule.factor not in (None, 1) and _DECIMAL.match(value.strip()):
                factor = rule.factor
                scaled = Decimal(value.strip()) * factor.denominator / factor.numerator
                out.append(format(scaled.normalize(), "f"))
            else:
                out.append(value)
        return out

    def to_vendor(self, table: str, data: pa.Table) -> pa.Table:
        """A contract-text batch with the vendor's headers and spellings."""
        serial = bool(self.rng.random() < SERIAL_FILE_SHARE)
        arrays, names = [], []
        for rule in self.mapping.tables[table].columns:
            if rule.header is None:  # a constant or absent column: the export lacks it
                continue
            values = data.column(rule.column).to_pylist()
            arrays.append(pa.array(self._column(values, rule, serial), pa.string()))
            names.append(rule.header)
        return pa.table(arrays, names=names)
