"""The inputs of the semantic layer: the KPI catalog seed and the KPI registry.

``seeds/kpi_definitions.csv`` gives each KPI's code, names, kind and scale;
``macros/kpi/kpi_registry.sql`` says which KPIs come from a per-period model (a distinct
count over the period, which cannot be added up from days).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from orchestration.config import PROJECT_DIR

SEED_PATH = PROJECT_DIR / "seeds" / "kpi_definitions.csv"
REGISTRY_PATHS = (PROJECT_DIR / "macros" / "kpi" / "kpi_registry.sql",)
KINDS = ("ratio", "count", "amount", "snapshot")
_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


# Technician-level KPIs (fct_technician_kpi_daily): code -> (numerator, denominator) measures.
TECHNICIAN_MEASURES: dict[str, tuple[str, str]] = {
    "technician_shift_hours": ("shift_hours", "Technician shift hours"),
    "technician_job_share_hours": ("job_share_hours", "Technician job shares (h)"),
    "technician_sold_hours": ("sold_hours_allocated", "Technician sold hours (split)"),
}
TECHNICIAN_KPIS: dict[str, tuple[str, str]] = {
    "open_rate": ("technician_job_share_hours", "technician_shift_hours"),
    "labor_efficiency": ("technician_sold_hours", "technician_job_share_hours"),
    "productivity_index": ("technician_sold_hours", "technician_shift_hours"),
}


@dataclass(frozen=True)
class KpiDefinition:
    """One row of the kpi_definitions seed (the columns the semantic layer uses)."""

    code: str
    name_zh: str
    name_en: str
    area: str
    kind: str
    scale: Decimal
    seed_source: str


def read_definitions(path: Path = SEED_PATH) -> list[KpiDefinition]:
    """The seed's rows in file order; raises ValueError on an unusable row."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    definitions = [
        KpiDefinition(
            code=row["kpi_code"].strip(),
            name_zh=row["name_zh"].strip(),
            name_en=row["name_en"].strip(),
            area=row["area"].strip(),
            kind=row["kind"].strip(),
            scale=Decimal(row["scale"].strip() or "1"),
            seed_source=row["seed_source"].strip(),
        )
        for row in rows
    ]
    validate(definitions)
    return definitions


def validate(definitions: Sequence[KpiDefinition]) -> None:
    codes = [d.code for d in definitions]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise ValueError(f"duplicate kpi_code in the seed: {duplicates}")
    for definition in definitions:
        if not _NAME.match(definition.code):
            raise ValueError(f"kpi_code {definition.code!r} is not a MetricFlow name")
        if definition.kind not in KINDS:
            raise ValueError(f"{definition.code}: unknown kind {definition.kind!r}")
    unknown = sorted(set(TECHNICIAN_KPIS) - set(codes))
    if unknown:
        raise ValueError(f"codes named in semantic_layer/build.py but not in the seed: {unknown}")


def read_registry(paths: Sequence[Path] = REGISTRY_PATHS) -> str:
    """The text of the KPI registry macro files (files, or folders of ``*.sql``)."""
    files: list[Path] = []
    for path in paths:
        files += sorted(path.glob("*.sql")) if path.is_dir() else [path]
    return "\n".join(f.read_text(encoding="utf-8") for f in files if f.exists())


def registered_kpi_models(
    definitions: Sequence[KpiDefinition], registry_sql: str
) -> dict[str, str]:
    """Model names quoted in the registry macros (comments left out) mapped to their KPI
    code: the longest seeded code ``c`` such that the name starts with ``int_kpi_<c>_``."""
    code_text = re.sub(r"\{#.*?#\}", "", registry_sql, flags=re.DOTALL)
    codes = sorted((d.code for d in definitions), key=len, reverse=True)
    found: dict[str, str] = {}
    for name in re.findall(r"['\"](int_kpi_[a-z0-9_]+)['\"]", code_text):
        code = next((c for c in codes if name.startswith(f"int_kpi_{c}_")), None)
        if code is not None:
            found[name] = code
    return found


def period_model_codes(definitions: Sequence[KpiDefinition], registry_sql: str) -> set[str]:
    """KPI codes that the registry feeds from a per-period model ``int_kpi_<code>_periods``."""
    return {
        code
        for name, code in registered_kpi_models(definitions, registry_sql).items()
        if name == f"int_kpi_{code}_periods"
    }
