"""Which mapping a landing directory uses, and loading it from a file.

The shipped mappings live in ``mappings/<name>.yml``; a landing directory points at one
(or holds its own) in ``_mapping.yml``; ``AFTERSALES_MAPPING`` overrides both.
"""

from __future__ import annotations

import os
from pathlib import Path

from orchestration.config import PROJECT_DIR
from orchestration.landing.mapping.load import MappingError, _as_dict, _Doc, parse_mapping
from orchestration.landing.mapping.model import Mapping

MAPPINGS_DIR = PROJECT_DIR / "mappings"
CONTRACT_MAPPING = "contract"
MAPPING_ENV = "AFTERSALES_MAPPING"
LANDING_MAPPING_FILE = "_mapping.yml"


def load_mapping(path: Path | str) -> Mapping:
    """Load a mapping file (``MappingError`` when it is missing or invalid)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MappingError(
            path, [f"{path}: no such file; check the path or the mapping name"]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(path, [f"{path}: cannot be read as UTF-8 text ({exc})"]) from None
    return parse_mapping(text, path)


def shipped_mappings() -> list[str]:
    return sorted(p.stem for p in MAPPINGS_DIR.glob("*.yml"))


def resolve_mapping(reference: str, base: Path) -> Path:
    """A mapping reference: the name of a shipped mapping (``mappings/<name>.yml``) or a
    path to a YAML file (relative to ``base``)."""
    reference = reference.strip()
    if "/" not in reference and "\\" not in reference and not reference.endswith((".yml", ".yaml")):
        path = MAPPINGS_DIR / f"{reference}.yml"
        if not path.is_file():
            raise MappingError(
                path,
                [
                    f"no shipped mapping named {reference!r}; shipped: "
                    f"{', '.join(shipped_mappings())} (or give a path to a .yml file)"
                ],
            )
        return path
    path = Path(reference).expanduser()
    return path if path.is_absolute() else base / path


def select_mapping(landing_dir: Path, environ: dict[str, str] | None = None) -> Mapping:
    """The mapping of a landing directory, first that applies:

    1. ``AFTERSALES_MAPPING`` (a shipped mapping's name or a path; a relative path is
       relative to the project directory, like every other setting);
    2. ``<landing_dir>/_mapping.yml``: either ``mapping: <name or path>`` (a relative path
       is relative to the landing directory) or a complete mapping itself (it has
       ``version:``), e.g. only ``defaults: {encoding: gb18030}`` for contract-shaped files;
    3. the contract itself (``mappings/contract.yml``).
    """
    environ = os.environ if environ is None else environ
    chosen = (environ.get(MAPPING_ENV) or "").strip()
    if chosen:
        return load_mapping(resolve_mapping(chosen, PROJECT_DIR))
    pointer = Path(landing_dir) / LANDING_MAPPING_FILE
    if pointer.is_file():
        doc = _Doc(pointer, pointer.read_text(encoding="utf-8"))
        if doc.errors:
            raise MappingError(pointer, doc.errors)
        data = doc.data if isinstance(doc.data, dict) else {}
        if "version" in data:  # the landing directory's own mapping, written in place
            return load_mapping(pointer)
        _as_dict(doc, data, (), {"mapping"})
        reference = data.get("mapping")
        if not isinstance(reference, str) or not reference.strip():
            doc.error(
                ("mapping",),
                "names no mapping",
                f"write 'mapping: <name>' (shipped: {', '.join(shipped_mappings())}) or a path",
            )
        if doc.errors:
            raise MappingError(pointer, doc.errors)
        return load_mapping(resolve_mapping(str(reference), pointer.parent))
    return load_mapping(MAPPINGS_DIR / f"{CONTRACT_MAPPING}.yml")
