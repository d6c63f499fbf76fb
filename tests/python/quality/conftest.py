from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from build_copy import copy_build


@pytest.fixture
def build_dir(refreshed: SimpleNamespace, tmp_path: Path) -> Path:
    """A warehouse directory holding a writable copy of the refreshed build."""
    return copy_build(refreshed, tmp_path / "warehouse")
