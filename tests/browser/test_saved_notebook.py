"""A notebook saved from a real JupyterLab shows the widgets to readers with no kernel.

What each reader sees is in README, "Sharing notebooks".

JupyterLab runs three cells (two ``LazyViz``, one ``compare_inits``), waits
until each output carries the picture its front end sent back, saves, and:

* saved *without* widget state (JupyterLab's default): ``jupyter nbconvert
  --to html`` opened offline shows each widget's picture, graph and labels;
* saved *with* widget state: the bundle is stored once per widget class
  (each widget stores a 2 KB loader), and the notebook reopened shows the
  widgets drawn from that state, their code found through the widget manager.

Measured while writing it: the first picture reaches the file 2-4 s after
the cell ran (a second of quiet, then one message and one display update).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from servers import jupyter_server, write_notebook

pytestmark = pytest.mark.lab

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "out"
CELLS = [
    "import torch\nfrom torch import nn\nimport lazyviz\n"
    "net = nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))\n"
    "X = torch.rand(2, 20)\n"
    "w1 = lazyviz.LazyViz(net, X)\nw1",
    "w2 = lazyviz.LazyViz(nn.Sequential(nn.LazyConv2d(8, 3), nn.ReLU(), nn.Flatten(),"
    " nn.LazyLinear(4)), torch.rand(1, 3, 8, 8))\nw2.step = w2.steps\nw2",
    "c = lazyviz.compare_inits(net, X, grads=False)\nc",
]
WIDGET = "application/vnd.jupyter.widget-view+json"
PICTURES = ("image/svg+xml", "image/png")


@pytest.fixture(scope="module", params=[False, True], ids=["state-not-saved", "state-saved"])
def saved(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, chromium: Browser
) -> Iterator[tuple[bool, Path, str]]:
    """Runs the notebook in JupyterLab, saving widget state or not: (state?, file, url)."""
    save_state = bool(request.param)
    settings = {"@jupyter-widgets/jupyterlab-manager/plugin": {"saveState": save_state}}
    with jupyter_server("lab", tmp_path_factory, settings=settings) as (root, url):
        path = root / "saved.ipynb"
        write_notebook(path, CELLS)
        context = chromium.new_context(viewport={"width": 1300, "height": 1000})
        try:
            page = context.new_page()
            page.goto(f"{url}/lab/tree/saved.ipynb")
            page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)
            for i in range(len(CELLS)):
                _run_cell(page, i)
            page.wait_for_function(
                "() => document.querySelectorAll('.jp-OutputArea .lazyviz[data-steps]').length"
                " === 2 && document.querySelector("
                "'.jp-OutputArea .lazyviz-inits[data-ready=\"true\"]')",
                timeout=120_000,
            )
            _save_until_pictured(page, path)
            # The re-published outputs took over the drawings: still one widget per output,
            # each drawn once (a view that draws afresh marks "lazyviz:render" again).
            assert page.locator(".jp-OutputArea .lazyviz").count() == 2
            renders = "performance.getEntriesByName('lazyviz:render').length"
            assert page.evaluate(renders) == 2
            assert page.locator(".jp-OutputArea .lazyviz-inits").count() == 1
            second = page.locator(".jp-OutputArea .lazyviz").nth(1)
            assert second.get_attribute("data-step") == second.get_attribute("data-steps")
            OUT.mkdir(exist_ok=True)
            page.screenshot(path=str(OUT / f"saved-lab-state-{save_state}.png"))
        finally:
            context.close()
        yield save_state, path, url


def _run_cell(page: Page, index: int) -> None:
    page.locator(".jp-NotebookPanel .jp-Cell").nth(index).locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")


def _outputs(path: Path) -> list[dict[str, Any]]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [o for c in nb["cells"] for o in c.get("outputs", []) if WIDGET in o.get("data", {})]


def _save_until_pictured(page: Page, path: Path) -> None:
    """Saves (Ctrl+S) until every widget output in the file carries a picture."""
    deadline = time.monotonic() + 120  # polls, not a timing assertion
    while True:
        page.locator(".jp-NotebookPanel .jp-Cell").first.click()
        page.keyboard.press("Control+s")
        page.wait_for_timeout(1500)
        outputs = _outputs(path)
        if len(outputs) == 3 and all(any(m in o["data"] for m in PICTURES) for o in outputs):
            return
        if time.monotonic() > deadline:
            kinds = [sorted(o["data"]) for o in outputs]
            pytest.fail(f"the saved outputs never all carried a picture: {kinds}")


def test_each_widget_output_carries_its_picture_and_readable_text(
    saved: tuple[bool, Path, str],
) -> None:
    _, path, _ = saved
    outputs = _outputs(path)
    texts = ["".join(o["data"]["text/plain"]) for o in outputs]
    assert "LazyLinear" in texts[0] and "object at 0x" not in " ".join(texts)
    assert texts[2].startswith("lazyviz.InitsWidget")
    graph = "".join(outputs[0]["data"].get("image/svg+xml", ""))
    assert "LazyLinear" in graph and "<svg" in graph, "the picture shows the graph's labels"


def test_nbconvert_html_offline_shows_the_pictures(
    saved: tuple[bool, Path, str], open_offline: Any, tmp_path: Path
) -> None:
    save_state, path, _ = saved
    if save_state:
        pytest.skip("with widget state nbconvert loads the widget manager from a CDN (README)")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter",
            "nbconvert",
            "--to",
            "html",
            str(path),
            "--output-dir",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    html_path = tmp_path / "saved.html"
    offline = open_offline(html_path, wait_for_widget=False, lazyviz_page=False)
    page = offline.page
    pictures = page.locator(".jp-OutputArea-output svg.lazyviz-picture, .jp-OutputArea-output img")
    pictures.first.wait_for(timeout=30_000)
    assert pictures.count() >= 3
    assert "LazyLinear" in page.locator(".jp-OutputArea-output").first.inner_text() or (
        "LazyLinear" in page.content()
    )
    box = pictures.first.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / "saved-nbconvert-offline.png"), full_page=True)


def test_with_state_the_bundle_is_stored_once_and_each_widget_adds_little(
    saved: tuple[bool, Path, str],
) -> None:
    save_state, path, _ = saved
    nb = json.loads(path.read_text(encoding="utf-8"))
    state = (
        nb.get("metadata", {})
        .get("widgets", {})
        .get("application/vnd.jupyter.widget-state+json", {})
        .get("state", {})
    )
    if not save_state:
        assert state == {}
        return
    runtimes = [m for m in state.values() if "code" in m.get("state", {})]
    assert sorted(m["state"]["name"] for m in runtimes) == ["inits", "widget"]
    views = [m for m in state.values() if "_runtime" in m.get("state", {})]
    assert len(views) == 3
    for model in views:
        s = model["state"]
        own = sum(len(json.dumps(s[k])) for k in s if not k.startswith("_"))
        assert len(json.dumps(s)) - own <= 50_000, f"{len(json.dumps(s)) - own:,} bytes beyond data"
    print(f"saved with state: {path.stat().st_size:,} bytes for 3 widgets")


def test_with_state_the_reopened_notebook_draws_the_widgets_from_it(
    saved: tuple[bool, Path, str], chromium: Browser
) -> None:
    save_state, path, url = saved
    if not save_state:
        pytest.skip("without saved state JupyterLab says 'model not found' (README)")
    context = chromium.new_context(viewport={"width": 1300, "height": 1000})
    try:
        page = context.new_page()
        page.goto(f"{url}/lab/tree/{path.name}")
        page.wait_for_function(
            "() => document.querySelectorAll('.jp-OutputArea .lazyviz[data-steps]').length === 2",
            timeout=120_000,
        )
        first = page.locator(".jp-OutputArea .lazyviz").first
        assert first.locator('[data-path="0"]').first.get_attribute("data-state") is not None
        page.screenshot(path=str(OUT / "saved-lab-reopened.png"))
    finally:
        context.close()
