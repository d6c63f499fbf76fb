"""Every KPI is one hop from its doc and its test (CONTRIBUTING.md, "Adding a KPI").

For every row of ``seeds/kpi_definitions.csv``: one model ``int_kpi_<code>_daily`` or
``int_kpi_<code>_periods`` in ``models/intermediate/kpis/<area>/`` (``area`` from the
seed); its header names its doc block ``kpi_<code>`` and its unit tests; the doc block is
in the same folder's ``_<area>__docs.md`` and names the model; the folder's
``_<area>__models.yml`` describes the model with that doc block, applies the
``kpi_interface`` test and holds its unit tests (``unit_kpi_<code>_…``); the registry
(``macros/kpi/kpi_registry.sql``) lists it under its area. Headline KPIs are data (the
seed's ``is_headline``).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml

from orchestration.config import PROJECT_DIR
from orchestration.serving import summary

KPIS_DIR = PROJECT_DIR / "models" / "intermediate" / "kpis"
SEED = PROJECT_DIR / "seeds" / "kpi_definitions.csv"
REGISTRY = PROJECT_DIR / "macros" / "kpi" / "kpi_registry.sql"


def _seed() -> list[dict[str, str]]:
    with SEED.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


ROWS = _seed()


def _header(sql: Path) -> str:
    match = re.match(r"\s*\{#-?(.*?)-?#\}", sql.read_text(encoding="utf-8"), re.DOTALL)
    assert match, f"{sql} has no header comment"
    return match.group(1)


def _doc_blocks(docs: Path) -> dict[str, str]:
    text = docs.read_text(encoding="utf-8")
    return dict(re.findall(r"\{% docs (\w+) %\}(.*?)\{% enddocs %\}", text, re.DOTALL))


def _registry_by_area() -> dict[str, list[str]]:
    text = re.sub(r"\{#.*?#\}", "", REGISTRY.read_text(encoding="utf-8"), flags=re.DOTALL)
    body = text[text.index("macro kpi_models_by_area") :]
    body = body[: body.index("endmacro")]
    return {
        area: re.findall(r"'(int_kpi_\w+)'", names)
        for area, names in re.findall(r"'(\w+)': \[(.*?)\]", body, re.DOTALL)
    }


def test_no_kpi_model_outside_its_area_folder() -> None:
    stray = [
        str(p.relative_to(PROJECT_DIR))
        for p in (PROJECT_DIR / "models").rglob("int_kpi_*.sql")
        if p.parent.parent != KPIS_DIR and p.parent.name != "core"
    ]
    assert stray == []
    assert list(KPIS_DIR.glob("*.sql")) == []


@pytest.mark.parametrize("row", ROWS, ids=[r["kpi_code"] for r in ROWS])
def test_kpi_sql_doc_and_unit_test_sit_together(row: dict[str, str]) -> None:
    code, area = row["kpi_code"], row["area"]
    folder = KPIS_DIR / area
    models = [
        p
        for p in (PROJECT_DIR / "models").rglob(f"int_kpi_{code}_*.sql")
        if p.stem in (f"int_kpi_{code}_daily", f"int_kpi_{code}_periods")
    ]
    assert [p.parent for p in models] == [folder], f"{code}: one model in {folder}"
    model = models[0].stem

    header = _header(models[0])
    assert f"kpi_{code}" in header, f"{model}: the header names its doc block kpi_{code}"
    named_tests = set(re.findall(r"\bunit_kpi_\w+", header))

    properties = yaml.safe_load((folder / f"_{area}__models.yml").read_text(encoding="utf-8"))
    entry = next((m for m in properties["models"] if m["name"] == model), None)
    assert entry is not None, f"{model} is not in _{area}__models.yml"
    assert f'doc("kpi_{code}")' in entry["description"]
    assert "kpi_interface" in entry.get("data_tests", [])
    unit_tests = {t["name"] for t in properties.get("unit_tests", []) if t["model"] == model}
    assert unit_tests, f"{model} has no unit test in _{area}__models.yml"
    assert all(t.startswith(f"unit_kpi_{code}_") for t in unit_tests), unit_tests
    assert named_tests and named_tests <= unit_tests, (
        f"{model}: the header names {sorted(named_tests)}, the yml has {sorted(unit_tests)}"
    )

    blocks = _doc_blocks(folder / f"_{area}__docs.md")
    assert f"kpi_{code}" in blocks, f"doc block kpi_{code} is not in _{area}__docs.md"
    assert model in blocks[f"kpi_{code}"], f"doc block kpi_{code} does not name {model}"

    assert model in _registry_by_area().get(area, []), f"{model} not registered under {area}"


def test_registry_lists_exactly_the_seeded_kpis() -> None:
    registered = [name for names in _registry_by_area().values() for name in names]
    assert len(registered) == len(set(registered))
    codes = {re.sub(r"^int_kpi_|_(daily|periods)$", "", name) for name in registered}
    assert codes == {r["kpi_code"] for r in ROWS}


def test_headline_kpis_are_the_seeded_ones() -> None:
    assert {r["is_headline"] for r in ROWS} <= {"true", "false"}
    headline = tuple(r["kpi_code"] for r in ROWS if r["is_headline"] == "true")
    assert headline == summary.HEADLINE_KPIS


def test_only_the_assets_area_reads_assets() -> None:
    """An asset's new row recomputes only the assets area's KPIs
    (``int_builds_scoped.assets_recompute_from``, D-079): no other KPI model may read
    ``stg_dms__assets``, directly or through another model."""
    import json

    from orchestration.config import load_settings
    from orchestration.defs.dbt.project import prepare_manifest

    manifest = json.loads(prepare_manifest(load_settings()).read_text())
    parents = manifest["parent_map"]

    def reads_assets(unique_id: str, seen: set[str]) -> bool:
        for parent in parents.get(unique_id, []):
            if parent == "model.aftersales.stg_dms__assets":
                return True
            if parent not in seen:
                seen.add(parent)
                if reads_assets(parent, seen):
                    return True
        return False

    asset_area = set(_registry_by_area()["assets"])
    readers = {
        node["name"]
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model"
        and re.fullmatch(r"int_kpi_\w+_(daily|periods)", node["name"])
        and reads_assets(unique_id, set())
    }
    assert readers, "no KPI reads stg_dms__assets: the check would prove nothing"
    assert readers <= asset_area, sorted(readers - asset_area)
