"""Ahual: Prefect flows, tasks and the `ahual` command line."""
