"""Find personal values of a landing directory in what is served.

The needles are every technician's ``full_name`` and ``phone`` and every follow-up's
``comment`` found in the landing files (CSV or Parquet, any batch, any version). The
haystacks are every text column of every table of a DuckDB file, every text column of
every Parquet file, and any other file as text. A value matches when it equals a needle
(both trimmed) or, for needles of at least :data:`MIN_CONTAINED` characters, contains one.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb

PERSONAL = {"technicians": ("full_name", "phone"), "callbacks": ("comment",)}
MIN_CONTAINED = 4


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def landing_needles(landing: Path) -> set[str]:
    """Trimmed, non-empty personal values of every landing file."""
    needles: set[str] = set()
    with duckdb.connect() as con:
        for table, columns in PERSONAL.items():
            for path in sorted((landing / table).iterdir()):
                if path.suffix == ".parquet":
                    source = f"read_parquet({_quote(str(path))})"
                elif path.suffix == ".csv":
                    source = f"read_csv({_quote(str(path))}, all_varchar = true, header = true)"
                else:
                    continue
                names = {c.lower(): c for c in con.sql(f"select * from {source}").columns}
                for column in columns:
                    if column in names:
                        rows = con.execute(
                            f'select distinct trim(cast("{names[column]}" as varchar)) '
                            f"from {source}"
                        ).fetchall()
                        needles.update(r[0] for r in rows if r[0])
    return needles


def _hits(values: Iterable[str], needles: set[str], where: str) -> list[str]:
    long = [n for n in needles if len(n) >= MIN_CONTAINED]
    hits = []
    for value in values:
        text = value.strip()
        if text in needles or any(n in text for n in long):
            hits.append(f"{where}: {text[:60]!r}")
    return hits


def scan_text(text: str, needles: set[str], where: str) -> list[str]:
    """Hits in one text (a message, a payload, a page)."""
    return _hits([text], needles, where)


def _text_values(con: duckdb.DuckDBPyConnection, relation: str, columns: list[str]) -> set[str]:
    values: set[str] = set()
    for column in columns:
        rows = con.execute(
            f'select distinct cast("{column}" as varchar) from {relation} '
            f'where "{column}" is not null'
        ).fetchall()
        values.update(r[0] for r in rows)
    return values


def scan_duckdb(path: Path, needles: set[str]) -> list[str]:
    """Hits in every text column of every table of the DuckDB file (and its comments)."""
    hits: list[str] = []
    with duckdb.connect(str(path), read_only=True) as con:
        columns = con.execute(
            "select schema_name, table_name, list(column_name) from duckdb_columns() "
            "where database_name = current_database() and data_type = 'VARCHAR' "
            "group by all order by all"
        ).fetchall()
        for schema, table, names in columns:
            relation = f'"{schema}"."{table}"'
            hits += _hits(_text_values(con, relation, names), needles, f"{path.name} {relation}")
        comments = con.execute(
            "select comment from duckdb_columns() where database_name = current_database() "
            "and comment is not null union all select comment from duckdb_tables() "
            "where database_name = current_database() and comment is not null"
        ).fetchall()
        hits += _hits({r[0] for r in comments}, needles, f"{path.name} comments")
    return hits


def scan_parquet(path: Path, needles: set[str]) -> list[str]:
    with duckdb.connect() as con:
        relation = f"read_parquet({_quote(str(path))})"
        rel = con.sql(f"select * from {relation}")
        names = [n for n, t in zip(rel.columns, rel.types, strict=True) if str(t) == "VARCHAR"]
        return _hits(_text_values(con, relation, names), needles, path.name)


def scan_tree(directory: Path, needles: set[str]) -> tuple[list[str], int]:
    """Hits in every file under ``directory`` (links followed); and the files scanned."""
    hits: list[str] = []
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    for path in files:
        if path.suffix == ".duckdb":
            hits += scan_duckdb(path, needles)
        elif path.suffix == ".parquet":
            hits += scan_parquet(path, needles)
        else:
            text = path.read_bytes().decode("utf-8", errors="replace")
            hits += scan_text(text, needles, str(path.relative_to(directory)))
    return hits, len(files)
