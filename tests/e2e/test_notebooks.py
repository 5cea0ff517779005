"""Every notebook runs top to bottom against the demo warehouse."""

from __future__ import annotations

import os

import nbformat
import pytest
from nbclient import NotebookClient

from tests.helpers import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes(path, in_demo_home):
    notebook = nbformat.read(path, as_version=4)
    assert os.environ["AHUAL_HOME"] == str(in_demo_home)  # the kernel inherits it
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(REPO)}}).execute()
    errors = [o for c in notebook.cells for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
