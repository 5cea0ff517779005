"""The packages of the `ahual` namespace, found rather than listed: each fixed top-level folder is
`ahual.<folder>` and every folder below it whose name is an identifier is a package of it
(folders such as vendor/bootstrap-4.3.1 or demo/monitoring/round-1 ship as data of the package
above them; see pyproject's package-data). Everything else is in pyproject.toml."""

from pathlib import Path

from setuptools import setup

FOLDERS = ("flows", "warehouse", "datasets", "expectations")


def packages(folder: str) -> list[str]:
    found = [f"ahual.{folder}"]
    for path in sorted(Path(folder).rglob("*")):
        parts = path.relative_to(folder).parts
        if path.is_dir() and all(p.isidentifier() and p != "__pycache__" for p in parts):
            found.append(".".join(("ahual", folder, *parts)))
    return found


setup(package_dir={f"ahual.{folder}": folder for folder in FOLDERS},
      packages=[name for folder in FOLDERS for name in packages(folder)])
