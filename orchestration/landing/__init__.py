"""The landing edge: every file of a landing directory, read the same way by every engine.

One job per module:

- ``discovery``: which files and folders are there, which are data files of a contract
  table, which are ignored (unknown folder or extension) or deferred (still being written);
  refuses a landing directory that looks like a mistake.
- ``encoding``: the text encoding of a CSV (byte-order mark, UTF-8, else charset-normalizer;
  a per-directory pin overrides).
- ``csv_reader``, ``excel_reader``, ``parquet_reader``: one reader per format, each
  ``path → ReadResult`` (an Arrow table of text columns, or the problems that reject it).
- ``readers``: picks the reader by extension.
- ``mapping``: the vendor mapping of a landing directory (YAML: source headers, code
  labels, timestamp formats, units, and the reading options such as ``encoding``).
- ``context``: what a reader needs to know about a folder (the mapping, its encoding pin).
- ``normalize``: THE hook where a freshly read table is turned into the contract's shape
  (the landing directory's mapping, then the header check against the contract).
- ``scan``: path → status for every file (loaded / duplicate / rejected / ignored /
  deferred), engine-neutral; ``orchestration.engines.duckdb.ingest`` (DuckDB) and
  ``orchestration.engines.spark.ingest`` write what it yields.
- ``register``: the per-run file register ``raw._landing_files`` and the retraction log.
- ``retract``: take a loaded batch back out of ``raw``.
- ``dry_run``: ``aftersales-check-landing``.
"""
