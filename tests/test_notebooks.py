"""The teaching notebooks in examples/: each runs top to bottom, and is stored clean.

They follow the PyTorch edition of d2l.ai's "Lazy Initialization" section, in its order
(LazyLinear and the dry run first, then ``apply_init``, the exercises, then the Gluon
vocabulary), and each names that section at its top. Their claims are checked by
assertions in the notebooks themselves, so running them is the test.

Cells that are meant to fail (the exercises) show their error through the widget or a
``try/except``, so any error output here is a real failure. Each notebook runs in its
own temporary directory, so the HTML pages some of them write land there.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))

pytestmark = pytest.mark.notebooks


CHAPTER = ("d2l.ai", '"Lazy Initialization"', "PyTorch edition")


def test_examples_exist() -> None:
    # Guards the parametrized tests below against silently running on nothing.
    assert len(NOTEBOOKS) >= 9, f"expected the nine teaching notebooks in {EXAMPLES}"
    numbers = [int(path.name[:2]) for path in NOTEBOOKS]
    assert numbers == list(range(1, len(NOTEBOOKS) + 1)), f"numbered 01, 02, ...: {numbers}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path, tmp_path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    try:
        client.execute()
    except CellExecutionError as error:
        pytest.fail(f"{path.name} failed:\n{error}", pytrace=False)
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]
    assert not errors, f"{path.name}: error outputs {[e.ename for e in errors]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_stored_clean(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    assert "widgets" not in nb.metadata, "saved widget state: store the notebook without outputs"
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {i} has stored outputs"
            assert cell.execution_count is None, f"{path.name} cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_names_the_chapter(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    number = int(path.name[:2])
    assert first.source.startswith(f"# {number} · "), f"{path.name}: title '# {number} · ...'"
    for words in CHAPTER:
        assert words in first.source, f"{path.name}: the first cell should name {words}"


def _code(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")


def test_notebooks_follow_the_pytorch_edition() -> None:
    # The chapter's PyTorch order: LazyLinear and UninitializedParameter first, then the
    # dry run with d2l's apply_init, then the exercises; Gluon's vocabulary (defer_init,
    # MyInit) only after that, as a bridge for readers of the other editions.
    first = _code(NOTEBOOKS[0])
    assert "nn.LazyLinear(256)" in first and "UninitializedParameter" in first
    assert "def apply_init(self, inputs, init=None)" in _code(NOTEBOOKS[1])
    exercises = next(i for i, path in enumerate(NOTEBOOKS) if "exercises" in path.stem)
    gluon = next(i for i, path in enumerate(NOTEBOOKS) if "defer_init(" in _code(path))
    assert exercises < gluon, "the exercises come before the Gluon vocabulary"
