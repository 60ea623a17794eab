"""The initializer comparison exported as an offline page, in headless Chromium, network cut.

One panel per initializer with bars and a theory curve, the parameter picker
in graph order, the across-depth plot; picking a parameter redraws the
panels; model text stays text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn

import lazyviz

INITS = {
    "N(0, 0.01)": "normal(std=0.01)",
    "xavier_uniform": "xavier_uniform",
    "kaiming_normal": "kaiming_normal(nonlinearity='relu')",
    "<b>evil</b>": "zeros",
}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    layers: list[nn.Module] = []
    for _ in range(6):
        layers += [nn.LazyLinear(64), nn.ReLU()]
    net = nn.Sequential(*layers, nn.LazyLinear(10))
    w = lazyviz.compare_inits(net, torch.randn(64, 20), inits=INITS, seed=1)
    path = w.to_html(tmp_path_factory.mktemp("inits") / "inits.html")
    return path, w.to_dict()


def test_comparison_page(open_offline: Any, exported: tuple[Path, dict[str, Any]]) -> None:
    path, record = exported
    view = open_offline(path, wait_for_widget=False)
    page = view.page
    page.wait_for_selector(".lazyviz-inits[data-ready]", state="attached", timeout=60_000)
    root = page.locator(".lazyviz-inits")
    assert root.get_attribute("data-selected") == "0.weight"

    panels = page.locator(".lazyviz-inits-panel")
    assert panels.count() == len(INITS)
    labels = [panels.nth(i).get_attribute("data-init") for i in range(panels.count())]
    assert labels == list(INITS)
    # the hostile label is text, not markup
    assert page.locator(".lazyviz-inits-panel h3").nth(3).text_content() == "<b>evil</b>"
    assert page.locator(".lazyviz-inits b").count() == 0

    # each panel: plotly bars (one per bin) and a theory trace
    first = record["params"][0]["per_init"]["xavier_uniform"]
    bars = panels.nth(1).locator("g.barlayer path")
    page.wait_for_function(
        "n => document.querySelectorAll('.lazyviz-inits-panel')[1]"
        ".querySelectorAll('g.barlayer path').length >= n",
        arg=len(first["counts"]) // 2,
    )
    assert bars.count() >= len(first["counts"]) // 2  # empty bins draw no path
    assert panels.nth(1).locator("g.scatterlayer path.js-line").count() == 1
    std_text = panels.nth(1).locator('[data-stat="std"]').text_content() or ""
    assert "expected" in std_text

    # the picker lists every parameter in graph order
    options = page.locator("select.lazyviz-inits-picker option")
    names = [p["path"] + "." + p["param"] for p in record["params"]]
    assert [options.nth(i).get_attribute("value") for i in range(options.count())] == names

    # picking a bias redraws the panels: point masses for the plain inits
    page.select_option("select.lazyviz-inits-picker", "2.bias")
    page.wait_for_function(
        "() => document.querySelector('.lazyviz-inits').dataset.selected === '2.bias'"
    )
    assert page.evaluate("() => window.lazyvizModel.get('selected')") == "2.bias"
    assert "expected 0" in (panels.nth(0).locator('[data-stat="std"]').text_content() or "")

    # Python-side state drives it too (as in a notebook)
    view.set("selected", "12.weight")
    page.wait_for_function(
        "() => document.querySelector('.lazyviz-inits').dataset.selected === '12.weight'"
    )

    # across depth: one line per init over the visited layers
    depth = page.locator(".lazyviz-inits-depth")
    assert depth.locator("g.scatterlayer g.trace").count() == len(INITS)
    legend = [t.text_content() for t in depth.locator("g.legend text.legendtext").all()]
    assert legend == list(INITS)
    ticks = depth.locator("g.xtick text")
    assert ticks.count() == len(record["activations"]["xavier_uniform"])
    view.log.assert_clean()
