"""Benchmark of Ahual's validated loads against DuckDB's own floor (see bench/README.md)."""
