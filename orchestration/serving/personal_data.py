"""Personal data: the raw-contract columns that must never leave the warehouse.

``technicians.full_name`` and ``technicians.phone`` (a technician is served by
``employee_id``) and ``callbacks.comment`` (the customer's free text; a follow-up is
served by its codes and flags). The rule and its test: docs/decisions.md, D-045.
"""

from __future__ import annotations

from collections.abc import Iterable

PERSONAL_COLUMNS: frozenset[str] = frozenset({"full_name", "phone", "comment"})
WITHHELD = "(withheld: personal data)"


def personal_columns(columns: Iterable[str]) -> list[str]:
    """The names among ``columns`` that hold personal data (case-insensitive)."""
    return sorted(c for c in columns if c.lower() in PERSONAL_COLUMNS)
