"""engines/duckdb"""
