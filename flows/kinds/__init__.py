"""The input kinds Ahual takes. Each is one module (or package) of this folder whose `KIND`
declares it (flows/kinds/base.py says what a declaration holds); nothing else names kinds by
hand: the command line, the inbox, the demo and `ahual doctor` iterate over this registry.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from ahual.flows.kinds.base import Kind
from ahual.flows.problems import Problem, UsageError


@cache
def kinds() -> dict[str, Kind]:
    """Every kind by name, in name order."""
    found = {}
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.name == "base":
            continue
        kind = importlib.import_module(f"{__name__}.{module.name}").KIND
        if kind.name != module.name:
            raise ValueError(f"flows/kinds/{module.name} declares the kind {kind.name!r}: a "
                             "kind's module is named by its kind")
        found[kind.name] = kind
    return found


def kind(name: str) -> Kind:
    return kinds()[name]


def raw_tables() -> list[str]:
    """Every raw table an input kind writes."""
    return [table for k in kinds().values() for table in k.raw_tables]


def home_registry_problems() -> list[Problem]:
    """What is wrong with the registries the centre keeps in its home (the study registry,
    AHUAL_HOME/studies/): file, row and rule."""
    return [p for k in kinds().values() if k.home_registry is not None
            for p in k.home_registry.check()]


def check_home_registries() -> None:
    """Nothing is loaded or built while a registry of the home breaks a rule: a usage error
    naming file, row and rule."""
    problems = home_registry_problems()
    if problems:
        raise UsageError("a registry of this home breaks its rules; nothing was loaded or "
                         "built (fix the files named):\n  "
                         + "\n  ".join(p.plain() for p in problems))
