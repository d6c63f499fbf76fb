"""Pieces of the Dagster definitions that are not assets themselves (check descriptions)."""
