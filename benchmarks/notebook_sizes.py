"""How big the example notebooks are once executed and saved with widget state (not a test).

Runs every ``examples/*.ipynb`` with nbclient (which stores the widget state in
the notebook's metadata, as JupyterLab's "Save Widget State Automatically"
does) and prints each saved file's size, its widget-state bytes and how many
widget models it holds. Run it from a checkout whose ``lazyviz`` is importable
(``PYTHONPATH=...`` to measure another version):

    python benchmarks/notebook_sizes.py [out_dir]
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def measure(path: Path, out_dir: Path) -> tuple[int, int, int]:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb,
        timeout=900,
        kernel_name="python3",
        store_widget_state=True,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    out = out_dir / path.name
    nbformat.write(nb, out)
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    models = state.get("state", {})
    return out.stat().st_size, len(json.dumps(state)), len(models)


def main() -> None:
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    out_dir.mkdir(parents=True, exist_ok=True)
    print("| notebook | saved bytes | widget state bytes | widget models |")
    print("|---|---:|---:|---:|")
    for path in sorted(EXAMPLES.glob("*.ipynb")):
        size, state, models = measure(path, out_dir)
        print(f"| {path.name} | {size:,} | {state:,} | {models} |", flush=True)


if __name__ == "__main__":
    main()
