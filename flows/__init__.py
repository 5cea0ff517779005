"""Ahual: validated data on the religious situation by region (README.md)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ahual")
except PackageNotFoundError:  # pragma: no cover - running from an unbuilt tree
    __version__ = "0"
