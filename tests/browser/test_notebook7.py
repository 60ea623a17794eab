"""End to end in Notebook 7: display, play from Python, sync back, keys, dark theme.

Starts ``jupyter notebook`` (Notebook 7, built on JupyterLab components) on
127.0.0.1 through servers.py and opens ``/notebooks/widget.ipynb`` (the cells
of test_lab_widget.py) in the session's Chromium.

Measured here (notebook 7.6.5): Notebook 7 has no status bar; the kernel's
state is the circle right of the kernel name in the notebook toolbar,
``.jp-Notebook-ExecutionIndicator`` whose ``data-status`` (and tooltip
"Kernel status: Idle") goes ``idle`` ~2.5 s after the page opens while the
kernel name button (``.jp-Toolbar-kernelName``) still says "No Kernel",
then ``initializing``, ``connecting``, ``unknown`` and ``idle`` again ~1 s
later, with "Python 3 (ipykernel)". Shift+Enter pressed at the first idle
advances the selection and silently runs nothing (as in Lab before the
status bar says Idle), so the tests wait for idle *and* the kernel's name.
The page also logs an uncaught "Cannot read properties of undefined (reading
'schema')" and "[yjs#509] Not same Y.Doc" warnings while it loads, before
any cell runs: Notebook 7's own, so page errors are not asserted on here.

Cells and outputs are Lab's (``.jp-NotebookPanel .jp-Cell``,
``.jp-OutputArea``); command mode's ArrowUp/ArrowDown and j/k move the active
cell (``.jp-mod-active``). The menus are Lumino's: Settings > Theme >
JupyterLab Dark switches the page live (``body[data-jp-theme-light=false]``)
and the choice is saved in the server's settings dir, so the dark test runs
last.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from jupyter_ui import dark_theme_reaches_the_widget, keys_stay_with_the_widget
from playwright.sync_api import Browser, Page
from servers import jupyter_server, write_notebook
from test_lab_widget import CELLS, _run_cell

pytestmark = pytest.mark.lab

REPO = Path(__file__).resolve().parents[2]
ROOT = ".jp-OutputArea .lazyviz"
# The indicator says idle once before the session has a kernel (next to "No Kernel"),
# then initializing, connecting, unknown and idle again: wait for that second idle.
KERNEL_IDLE = """() => {
  const status = document.querySelector('.jp-Notebook-ExecutionIndicator');
  const name = document.querySelector('.jp-Toolbar-kernelName');
  return status?.dataset.status === 'idle'
    && name?.textContent.trim() === 'Python 3 (ipykernel)';
}"""


@pytest.fixture(scope="module")
def nb7(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Notebook 7 server on loopback serving a directory with ``widget.ipynb``; its URL."""
    with jupyter_server("notebook", tmp_path_factory) as (root, url):
        write_notebook(root / "widget.ipynb", CELLS)
        yield url


def _open_and_run_first_cell(page: Page, nb7: str) -> None:
    """Open the notebook, wait for the kernel indicator to say idle, run the widget's cell."""
    page.goto(f"{nb7}/notebooks/widget.ipynb")
    page.wait_for_function(KERNEL_IDLE, timeout=90_000)
    _run_cell(page, 0)
    page.wait_for_selector(f"{ROOT}[data-steps]", state="attached", timeout=90_000)


def _shoot(page: Page, name: str) -> None:
    """A screenshot in out/ once the widget's transitions (fills fading in) have finished."""
    page.wait_for_function(
        "s => document.querySelector(s).getAnimations({ subtree: true }).length === 0",
        arg=ROOT,
        timeout=30_000,
    )
    out = REPO / "out"
    out.mkdir(exist_ok=True)
    page.screenshot(path=str(out / name))


def test_nb7_displays_plays_and_syncs_the_widget(nb7: str, chromium: Browser) -> None:
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        _open_and_run_first_cell(page, nb7)
        root = page.locator(ROOT).first
        assert root.get_attribute("data-step") == "0"
        steps = root.get_attribute("data-steps")
        assert steps is not None and int(steps) > 0
        lazy = root.locator('[data-path="0"]').first
        assert lazy.get_attribute("data-state") == "unresolved"

        _run_cell(page, 1)  # w.speed = 8.0; w.playing = True
        page.wait_for_function(
            f"() => {{ const r = document.querySelector('{ROOT}');"
            " return r.dataset.step === r.dataset.steps; }",
            timeout=60_000,
        )
        assert lazy.get_attribute("data-state") == "resolved"
        _shoot(page, "nb7-widget.png")

        _run_cell(page, 2)
        # The front end wrote step and playing back to the kernel; the user's net stayed lazy.
        page.get_by_text(f"position {steps} {steps} False UninitializedParameter").wait_for(
            timeout=60_000
        )

        _run_cell(page, 3)  # w.feed(torch.rand(2, 30)): the first layer turns red
        page.wait_for_selector(
            f'{ROOT} [data-path="0"][data-state="error"]', state="attached", timeout=60_000
        )
    finally:
        context.close()


def test_nb7_saves_the_widgets_picture_in_its_output(nb7: str, chromium: Browser) -> None:
    """The same display update as in JupyterLab: a saved notebook carries the picture."""
    context = chromium.new_context(viewport={"width": 1300, "height": 1000})
    try:
        page = context.new_page()
        _open_and_run_first_cell(page, nb7)
        deadline = time.monotonic() + 120  # polls, not a timing assertion
        while True:
            page.locator(".jp-NotebookPanel .jp-Cell").first.click()
            page.keyboard.press("Control+s")
            page.wait_for_timeout(1500)
            with urllib.request.urlopen(f"{nb7}/api/contents/widget.ipynb") as response:
                cell = json.load(response)["content"]["cells"][0]
            data = cell["outputs"][0]["data"] if cell["outputs"] else {}
            if "image/svg+xml" in data:
                break
            assert time.monotonic() < deadline, f"no picture in the saved output: {sorted(data)}"
        assert "LazyLinear" in "".join(data["image/svg+xml"])
        assert "application/vnd.jupyter.widget-view+json" in data
        assert page.locator(ROOT).count() == 1, "the updated output still shows one widget"
    finally:
        context.close()


def test_nb7_arrows_step_the_focused_widget_not_the_notebook(nb7: str, chromium: Browser) -> None:
    """Keyboard only: with the widget focused, arrows step it and Notebook 7's command
    mode (ArrowUp/ArrowDown, j/k select another cell) does not see them; Space plays."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        _open_and_run_first_cell(page, nb7)
        root = page.locator(ROOT).first
        page.keyboard.press("Escape")  # command mode: where the notebook's arrow shortcuts live
        root.locator(".lv-counter").click()  # a click on the widget, not on a control
        root.focus()
        keys_stay_with_the_widget(page, root, ROOT)
    finally:
        context.close()


def test_nb7_dark_theme_reaches_the_widget(nb7: str, chromium: Browser) -> None:
    """Settings > Theme > JupyterLab Dark: the widget turns dark, its text stays readable.

    Last in the module: the theme choice is saved in the server's settings.
    """
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        _open_and_run_first_cell(page, nb7)
        page.wait_for_selector(f'{ROOT}[data-lv-theme="light"]', state="attached", timeout=30_000)
        dark_theme_reaches_the_widget(page, ROOT)
        _shoot(page, "nb7-dark.png")
    finally:
        context.close()
