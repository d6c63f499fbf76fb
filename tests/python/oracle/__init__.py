"""An independent re-implementation of the raw contract and four headline KPIs.

Used by ``test_end_to_end.py`` as an oracle for the published ``kpi_values``. It reads the
landing files with the standard library, pyarrow and ``zoneinfo`` only: no dbt model, no
project module. Plain loops over rows: meant to be obviously correct on small data, not
fast.

- ``contract``: column types and quarantine rules of the raw contract;
- ``landing``: CSV / Parquet reading, duplicate-content files counted once;
- ``resolve``: quarantine, version resolution, as_of;
- ``labour``: shift and job pairing, job shares;
- ``kpis``: the roll-up to every grain and the headline area (four KPIs);
- ``areas``: every KPI area, one module each (``kpis_<area>.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .areas import AREAS, HOURS_PARTS, KPI_CODES, NO_DENOMINATOR
from .kpis import kpi_table
from .labour import Pair, jobs, orphans, punches, shifts
from .resolve import Resolved, resolve

__all__ = ["HOURS_PARTS", "KPI_CODES", "NO_DENOMINATOR", "Oracle", "run_oracle"]


@dataclass(frozen=True)
class Oracle:
    data: Resolved
    kpis: pd.DataFrame
    shift_pairs: list[Pair]
    job_pairs: list[Pair]
    orphan_punch_ids: frozenset[str]


def run_oracle(landing_dir: Path) -> Oracle:
    data = resolve(landing_dir)
    zones = {code: str(row["timezone"]) for code, row in data.current["branches"].items()}
    all_punches = punches(data.current["time_punches"], zones)
    shift_pairs, job_pairs = shifts(all_punches), jobs(all_punches)
    unpaired = orphans(all_punches, shift_pairs + job_pairs)
    return Oracle(data, kpi_table(data, AREAS), shift_pairs, job_pairs, frozenset(unpaired))
