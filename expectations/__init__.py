"""Ahual's Great Expectations suites: one per input kind and per mart."""
