"""Table styling shared by the app: values formatted by KPI unit, cells coloured by
meets (green) / misses (red) their target."""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from orchestration.dashboard.fmt import format_value, status_of

MEETS_BACKGROUND = "background-color: #dafbe1; color: #116329"
MISSES_BACKGROUND = "background-color: #ffebe9; color: #a40e26"


def cell_styles(flags: pd.DataFrame) -> pd.DataFrame:
    def css(flag: object) -> str:
        return {"meets": MEETS_BACKGROUND, "misses": MISSES_BACKGROUND}.get(status_of(flag), "")

    return flags.map(css)


def styled(values: pd.DataFrame, flags: pd.DataFrame, units: dict[str, str]) -> Styler:
    """``values`` formatted per column unit and coloured by ``flags`` (same shape)."""
    styler = values.style.apply(lambda _: cell_styles(flags.reindex_like(values)), axis=None)
    for column in values.columns:
        unit = units.get(column, "")
        styler = styler.format(lambda v, unit=unit: format_value(v, unit), subset=[column])
    return styler
