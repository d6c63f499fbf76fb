"""Landing files into the raw tables: the ``ingest`` asset and the landing freshness check."""
