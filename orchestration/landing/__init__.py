"""The input edge: what happens to a landed file before its rows are written to ``raw``."""
