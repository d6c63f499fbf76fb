"""Small landing files for the tests of ``orchestration.landing`` (contract-shaped)."""

from __future__ import annotations

from pathlib import Path

from orchestration.contract import TABLES

BRANCH_COLUMNS = TABLES["branches"].columns
BRANCH_ROWS = [
    ["B01", "上海一店, 浦东", "华东", "上海", "dealer", "Asia/Shanghai", "08:00", "18:00",
     "123456", "2025-01-01 00:00:00", ""],
    ["B02", 'He said "hi"\nnext line', "华北", "北京", "Dealer ", "Asia/Shanghai", "08:30",
     "17:30", "12345", "2025-01-01T00:00", "N"],
]  # fmt: skip


def csv_text(rows: list[list[str]], columns=BRANCH_COLUMNS, delimiter: str = ",") -> str:
    def field(value: str) -> str:
        if any(ch in value for ch in (delimiter, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    lines = [delimiter.join(columns)] + [delimiter.join(field(v) for v in r) for r in rows]
    return "\r\n".join(lines) + "\r\n"


def write(path: Path, data: bytes | str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path
