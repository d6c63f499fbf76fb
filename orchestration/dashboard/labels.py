"""Interface strings per language (``labels.yaml`` in this package)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

LABELS_FILE = Path(__file__).with_name("labels.yaml")
LANGUAGES = ("zh", "en")


@cache
def _all_labels() -> dict[str, dict[str, str]]:
    with LABELS_FILE.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    missing = {lang: set(raw["en"]) ^ set(raw[lang]) for lang in LANGUAGES}
    if any(missing.values()):
        raise ValueError(f"{LABELS_FILE.name}: keys differ between languages: {missing}")
    return raw


def label(lang: str, key: str, **values: object) -> str:
    """The label ``key`` in ``lang`` (``zh`` or ``en``), formatted with ``values``."""
    text = _all_labels()[lang if lang in LANGUAGES else "en"][key]
    return text.format(**values) if values else text
