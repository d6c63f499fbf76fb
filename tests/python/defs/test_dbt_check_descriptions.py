"""Dagster asset checks made of dbt tests have readable names and descriptions."""

from __future__ import annotations

import json
import re

from orchestration.defs.dbt.check_descriptions import describe_dbt_test
from orchestration.defs.dbt.project import dbt_project

UNREADABLE = re.compile(r"____|__False__|_[0-9a-f]{32}$")


def test_descriptions_say_what_is_checked() -> None:
    accepted = {
        "name": "kpi_values_comparator_is_known",
        "column_name": "comparator",
        "test_metadata": {
            "name": "accepted_values",
            "kwargs": {"column_name": "comparator", "values": [">", ">=", "<", "<="]},
        },
        "config": {"severity": "error"},
    }
    assert describe_dbt_test(accepted) == (
        "`comparator` is one of: >, >=, <, <=. dbt test `kpi_values_comparator_is_known`; "
        "a failure blocks the publish."
    )
    relationship = {
        "name": "r",
        "column_name": "kpi_code",
        "test_metadata": {
            "name": "relationships",
            "kwargs": {"to": "ref('kpi_definitions')", "field": "kpi_code"},
        },
        "config": {"severity": "warn"},
    }
    assert describe_dbt_test(relationship).startswith(
        "Every `kpi_code` exists as `kpi_code` in kpi_definitions."
    )
    assert describe_dbt_test(relationship).endswith("a failure only warns.")
    columns = {
        "name": "not_null_columns_int_jobs_paired",
        "test_metadata": {
            "name": "not_null_columns",
            "kwargs": {"columns": ["employee_id", "job_hours"], "model": "x"},
        },
        "config": {"severity": "error"},
    }
    assert describe_dbt_test(columns).startswith("`employee_id`, `job_hours` are never null.")
    code = "{#- Rows add up.\n  Returns the rest. -#}\nselect 1"
    singular = {"name": "assert_x", "raw_code": code}
    assert describe_dbt_test(singular).startswith("Rows add up. Returns the rest. dbt test")
    own = {**accepted, "description": "Comparators are the four the seed allows."}
    assert describe_dbt_test(own).startswith("Comparators are the four the seed allows.")


def test_every_dbt_asset_check_is_readable() -> None:
    from orchestration.definitions import defs

    specs = [spec for a in defs.assets for spec in (getattr(a, "check_specs", None) or [])]
    manifest = json.loads(dbt_project.manifest_path.read_text())
    attached = {
        n["name"]
        for n in manifest["nodes"].values()
        if n["resource_type"] == "test" and n.get("attached_node")
    }
    assert len(attached) > 180
    assert attached <= {s.name for s in specs}  # every test of one model is a check
    unreadable = [s.name for s in specs if UNREADABLE.search(s.name)]
    assert unreadable == [], "give these dbt tests a `name:` in their yml"
    undescribed = [s.name for s in specs if not (s.description or "").strip()]
    assert undescribed == []
    names = {s.name: s.description for s in specs}
    assert names["kpi_values_comparator_is_known"].startswith("`comparator` is one of")
