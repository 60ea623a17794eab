"""End to end in JupyterLab: a cell displays the widget, Python plays it, the position syncs back.

Starts ``jupyter lab`` on 127.0.0.1 (servers.py: a free port, temporary config
and workspace dirs, no token), opens a notebook in the session's Chromium, runs
its cells and saves a screenshot to ``out/lab-widget.png``. Measured here: a
cell run before the status bar says ``Python 3 (ipykernel) | Idle`` silently
does nothing, so the test waits for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from jupyter_ui import dark_theme_reaches_the_widget
from playwright.sync_api import Browser, Page
from servers import jupyter_server, write_notebook

pytestmark = pytest.mark.lab

REPO = Path(__file__).resolve().parents[2]
CELLS = [
    "import torch\nfrom torch import nn\nimport lazyviz\n"
    "net = nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))\n"
    "X = torch.rand(2, 20)\n"
    "w = lazyviz.LazyViz(net, X)\nw",
    "w.speed = 8.0\nw.playing = True",
    "print('position', w.step, w.steps, w.playing, type(net[0].weight).__name__)",
    "w.feed(torch.rand(2, 30))\nw.step = w.steps",
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A JupyterLab server on loopback serving a directory with ``widget.ipynb``; its URL."""
    with jupyter_server("lab", tmp_path_factory) as (root, url):
        write_notebook(root / "widget.ipynb", CELLS)
        yield url


def _run_cell(page: Page, index: int) -> None:
    cell = page.locator(".jp-NotebookPanel .jp-Cell").nth(index)
    cell.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")


def _open_and_run_first_cell(page: Page, lab: str) -> None:
    """Open the test notebook, wait for its kernel (a cell run earlier silently does not
    run), then run the cell that displays the widget."""
    page.goto(f"{lab}/lab/tree/widget.ipynb")
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)
    _run_cell(page, 0)


def test_lab_displays_plays_and_syncs_the_widget(lab: str, chromium: Browser) -> None:
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        _open_and_run_first_cell(page, lab)
        root = page.locator(".jp-OutputArea .lazyviz").first
        root.wait_for(state="attached", timeout=90_000)
        page.wait_for_selector(
            ".jp-OutputArea .lazyviz[data-steps]", state="attached", timeout=60_000
        )
        assert root.get_attribute("data-step") == "0"
        steps = root.get_attribute("data-steps")
        assert steps is not None and int(steps) > 0
        lazy = root.locator('[data-path="0"]').first
        assert lazy.get_attribute("data-state") == "unresolved"

        _run_cell(page, 1)
        page.wait_for_function(
            "() => { const r = document.querySelector('.jp-OutputArea .lazyviz');"
            " return r.dataset.step === r.dataset.steps; }",
            timeout=60_000,
        )
        assert lazy.get_attribute("data-state") == "resolved"
        out = REPO / "out"
        out.mkdir(exist_ok=True)
        page.screenshot(path=str(out / "lab-widget.png"))

        _run_cell(page, 2)
        # The front end wrote step and playing back to the kernel; the user's net stayed lazy.
        page.get_by_text(f"position {steps} {steps} False UninitializedParameter").wait_for(
            timeout=60_000
        )

        _run_cell(page, 3)  # a batch that no longer fits: the first layer turns red
        page.wait_for_selector(
            '.jp-OutputArea .lazyviz [data-path="0"][data-state="error"]',
            state="attached",
            timeout=60_000,
        )
    finally:
        context.close()


def test_lab_dark_theme_reaches_the_widget(lab: str, chromium: Browser) -> None:
    """Settings > Theme > JupyterLab Dark: the widget turns dark, its text stays readable.

    Last in the module: the theme choice is saved in the server's settings.
    """
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        _open_and_run_first_cell(page, lab)
        page.wait_for_selector(
            '.jp-OutputArea .lazyviz[data-lv-theme="light"]', state="attached", timeout=90_000
        )
        dark_theme_reaches_the_widget(page, ".jp-OutputArea .lazyviz")
        out = REPO / "out"
        out.mkdir(exist_ok=True)
        page.wait_for_timeout(1500)  # Lab's splash (the Jupyter logo) covers a theme switch
        page.screenshot(path=str(out / "lab-widget-dark.png"))
    finally:
        context.close()
