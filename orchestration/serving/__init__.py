"""What BI tools read, and how it is written.

- :mod:`orchestration.serving.selection`: which tables go out (dbt models whose config has
  ``meta: {served: true}``; ``dbt_project.yml`` sets it per folder) and their descriptions,
  read from dbt's ``manifest.json``;
- :mod:`orchestration.serving.writer`: writes the served DuckDB file from the build
  warehouse: a new file in an older storage format (DuckDB 1.4 and later read it) with
  only the selected tables, each table and column commented with its dbt description;
- :mod:`orchestration.serving.personal_data`: the columns that hold personal data, which
  nothing served may carry;
- :mod:`orchestration.serving.parquet`: the same tables as Parquet files.

The atomic swap, the build stamp and rollback are :mod:`orchestration.serving.publish`.
"""
