"""``prepare_manifest`` reuses the manifest while the project and its dbt environment are
unchanged, and parses again when either changes."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace

import pytest
from dagster_dbt import DbtProject

from orchestration.config import Settings
from orchestration.defs.dbt import project as project_module
from orchestration.defs.dbt.project import prepare_manifest


class CountingPreparer:
    """Stands in for ``parse_project``: counts the parses and the targets they name."""

    def __init__(self) -> None:
        self.calls = 0
        self.targets: list[str] = []

    def __call__(self, project: SimpleNamespace, target: str) -> None:
        self.calls += 1
        self.targets.append(target)
        project.manifest_path.parent.mkdir(parents=True, exist_ok=True)
        project.manifest_path.write_text("{}")


def test_manifest_is_reused_until_the_project_or_env_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AFTERSALES_DBT_THREADS", raising=False)
    project_dir = tmp_path / "project"
    (project_dir / "models").mkdir(parents=True)
    (project_dir / "dbt_project.yml").write_text("name: p\n")
    model = project_dir / "models" / "m.sql"
    model.write_text("select 1 as x\n")
    preparer = CountingPreparer()
    monkeypatch.setattr(project_module, "parse_project", preparer)
    project = SimpleNamespace(
        project_dir=project_dir,
        manifest_path=tmp_path / "target" / "manifest.json",
    )
    settings = Settings(
        landing_dir=tmp_path / "l",
        warehouse_dir=tmp_path / "w",
        serving_dir=tmp_path / "s",
        as_of=None,
    )

    prepare_manifest(settings, project)
    prepare_manifest(settings, project)
    assert preparer.calls == 1

    model.write_text("select 2 as x\n")
    prepare_manifest(settings, project)
    assert preparer.calls == 2

    (project_dir / "macros").mkdir()
    (project_dir / "macros" / "new.sql").write_text("{% macro m() %}1{% endmacro %}")
    prepare_manifest(settings, project)
    assert preparer.calls == 3

    settings = dataclasses.replace(settings, as_of="2025-03-01 00:00:00")
    prepare_manifest(settings, project)
    assert preparer.calls == 4

    monkeypatch.setenv("AFTERSALES_DBT_THREADS", "1")  # profiles.yml reads it
    prepare_manifest(settings, project)
    prepare_manifest(settings, project)
    assert preparer.calls == 5

    prepare_manifest(settings, project, force=True)
    assert preparer.calls == 6

    project.manifest_path.unlink()  # a missing manifest is always parsed again
    prepare_manifest(settings, project)
    assert preparer.calls == 7
    assert set(preparer.targets) == {"duckdb"}  # the target the refresh builds

    settings = dataclasses.replace(settings, target="spark")
    prepare_manifest(settings, project)
    assert preparer.calls == 8 and preparer.targets[-1] == "spark"


def test_the_parse_names_the_target_of_the_build(monkeypatch: pytest.MonkeyPatch) -> None:
    """dbt keeps a parse for the next build only when both name the same --target."""
    commands: list[tuple[list[str], str | None]] = []

    class Recording:
        def __init__(self, project_dir: DbtProject) -> None:
            self.target = project_dir.target

        def cli(self, args: list[str], target_path: Path) -> SimpleNamespace:
            commands.append((args, self.target))
            return SimpleNamespace(wait=lambda: None)

    monkeypatch.setattr(project_module, "DbtCliResource", Recording)
    project_module.parse_project(project_module.make_dbt_project(), "spark")
    assert commands == [(["parse", "--quiet"], "spark")]
