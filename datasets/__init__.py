"""Ahual's reference data, contracts and demo inputs, shipped as package data."""
