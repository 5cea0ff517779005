"""Executed HTML copies of the notebooks: each notebook run top to bottom in a fresh kernel
against the published warehouse, written as one self-contained page
(`python -m ahual.flows.notebook [--lang kk] [OUT_DIR]`, default AHUAL_HOME/notebooks/).
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter
from nbformat import NotebookNode

from ahual.flows import resources
from ahual.flows.notebook.published import home
from ahual.flows.notebook.words import LANGUAGES, Words


@dataclass
class Executed:
    source: Path  # the notebook in notebooks/
    notebook: NotebookNode  # with its outputs
    html: Path  # the executed HTML copy
    error: str | None = None  # the failing cell's error, if one failed


class NotebookFailed(RuntimeError):
    pass


def notebooks_folder() -> Path:
    folder = resources.notebooks()
    if folder is None:
        raise FileNotFoundError("no notebooks/ folder: the notebooks come with the checkout, "
                                "not the installed package")
    return folder


def set_parameter(notebook: NotebookNode, name: str, value: str) -> None:
    """Give the first `NAME = "..."` assignment in the notebook a new value (e.g. LANG)."""
    line = re.compile(rf'^{name}\s*=\s*["\'][^"\']*["\']', re.MULTILINE)
    for cell in notebook.cells:
        if cell.cell_type == "code" and line.search(cell.source):
            cell.source = line.sub(f"{name} = {value!r}", cell.source, count=1)
            return
    raise ValueError(f"the notebook has no {name} = \"...\" line")


def execute(path: Path, out_dir: Path, *, lang: str | None = None,
            timeout: int = 600) -> Executed:
    """Run one notebook top to bottom in a fresh kernel started in its folder (as Jupyter
    does when the analyst opens it) and write its executed HTML copy to out_dir/<name>.html
    (<name>-<lang>.html when `lang` overrides the notebook's LANG), even when a cell fails."""
    notebook = nbformat.read(path, as_version=4)
    if lang is not None:
        Words(lang)  # a known language
        set_parameter(notebook, "LANG", lang)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    error = None
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as failure:
        error = str(failure) or type(failure).__name__
    name = path.stem if lang is None else f"{path.stem}-{lang}"
    html = out_dir / f"{name}.html"
    write_html(notebook, html, title=path.stem)
    return Executed(path, notebook, html, error)


def write_html(notebook: NotebookNode, target: Path, title: str) -> Path:
    """The notebook as one self-contained HTML page (charts embedded as PNG, no script fetched
    from the internet), written whole or not at all."""
    exporter = HTMLExporter(template_name="lab", require_js_url="", mathjax_url="")
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": title}})
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(body, encoding="utf-8")
    partial.replace(target)
    return target


def execute_all(out_dir: Path | None = None, *, lang: str | None = None,
                timeout: int = 600, check: bool = True) -> list[Executed]:
    """Execute every notebook in notebooks/ against the published warehouse and write the
    executed HTML copies (default: AHUAL_HOME/notebooks/). With `check`, a notebook with a
    failing cell raises NotebookFailed after all copies are written."""
    out_dir = Path(out_dir) if out_dir is not None else home().notebooks
    done = [execute(path, out_dir, lang=lang, timeout=timeout)
            for path in sorted(notebooks_folder().glob("[0-9][0-9]-*.ipynb"))]
    failed = [item for item in done if item.error]
    if check and failed:
        raise NotebookFailed("\n\n".join(f"{item.source.name} failed (its copy: {item.html}):\n"
                                         f"{item.error}" for item in failed))
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ahual.flows.notebook",
        description="Execute the notebooks against the published warehouse and write executed "
                    "HTML copies (default: AHUAL_HOME/notebooks/).")
    parser.add_argument("out_dir", nargs="?", type=Path, help="where to write the HTML copies")
    parser.add_argument("--lang", choices=LANGUAGES, help="run them in this language instead "
                                                           "of each notebook's LANG")
    args = parser.parse_args(argv)
    done = execute_all(args.out_dir, lang=args.lang, check=False)
    for item in done:
        print(f"{'FAILED' if item.error else 'ok':6} {item.source.name:28} {item.html}")
    failed = [item for item in done if item.error]
    for item in failed:
        print(f"\n{item.source.name}:\n{item.error}", file=sys.stderr)
    return 1 if failed else 0
