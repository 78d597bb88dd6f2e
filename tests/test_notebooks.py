"""The notebooks in notebooks/ run top to bottom (nbclient, kernel python3, cwd notebooks/),
are stored without outputs, and the SPARQL cookbook covers every bundled query."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
NAMES = ["01_quickstart.ipynb", "02_stance_networks.ipynb", "03_sparql_cookbook.ipynb"]
CELL_TIMEOUT = 120  # seconds per cell; extraction of the seed and four short articles takes well under that


def _load(name: str) -> dict:
    return json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))


def _snapshot() -> set[str]:
    return {p.relative_to(NOTEBOOKS).as_posix() for p in NOTEBOOKS.rglob("*")}


def test_every_notebook_is_listed():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_stored_without_outputs(name):
    nb = _load(name)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, "clear the outputs before committing"


def test_cookbook_explains_every_bundled_query():
    text = "\n".join("".join(c["source"]) for c in _load("03_sparql_cookbook.ipynb")["cells"])
    for rq in sorted((ROOT / "kg" / "queries").glob("*.rq")):
        assert f'run("{rq.stem}")' in text, f"03_sparql_cookbook.ipynb does not run {rq.name}"


def test_illustrative_articles_are_labelled():
    for line in (NOTEBOOKS / "data" / "illustrative_articles.jsonl").read_text(encoding="utf-8").splitlines():
        article = json.loads(line)
        assert article["title"].startswith("Illustrative:")
        assert "illustrative, written for the kg project" in article["source"]


@pytest.mark.notebook
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs(name):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    before = _snapshot()
    client = nbclient.NotebookClient(
        nb, timeout=CELL_TIMEOUT, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as exc:  # the failing cell and its traceback
        pytest.fail(f"{name}: {exc}")
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, errors
    assert _snapshot() == before, "a notebook wrote files next to itself"
    # the networks were drawn inline
    html = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if "text/html" in o.get("data", {}) and "<iframe srcdoc=" in o["data"]["text/html"]
    ]
    if name != "03_sparql_cookbook.ipynb":
        assert html, "no inline network in the outputs"
