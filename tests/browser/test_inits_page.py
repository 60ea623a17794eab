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
from lazyviz.record.names import qualname

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
    names = [qualname(p["path"], p["param"]) for p in record["params"]]
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


PANEL_RANGES = """() => [...document.querySelectorAll('.lazyviz-inits-panel')].map(p => {
    const gd = p.querySelector('.lazyviz-inits-plot');
    return [p.dataset.init, gd._fullLayout.xaxis.range.slice()];
})"""


def _width(r: list[float]) -> float:
    return r[1] - r[0]


def test_gradient_chart_one_trace_per_init(
    open_offline: Any, exported: tuple[Path, dict[str, Any]]
) -> None:
    path, record = exported
    view = open_offline(path, wait_for_widget=False)
    page = view.page
    page.wait_for_selector(".lazyviz-inits[data-ready]", state="attached", timeout=60_000)
    grads = page.locator(".lazyviz-inits-grads")
    assert grads.is_visible()
    page.wait_for_function(
        "n => document.querySelectorAll('.lazyviz-inits-grads g.scatterlayer g.trace').length == n",
        arg=len(INITS),
    )
    legend = [t.text_content() for t in grads.locator("g.legend text.legendtext").all()]
    assert legend == list(INITS)
    # the weights of the 7 Linear layers, in forward order, by default
    gd = grads.locator(".lazyviz-inits-plot")
    names = gd.evaluate("gd => gd._fullData.map(t => t.name)")
    assert names == [
        "N(0, 0.01)",
        "xavier_uniform",
        "kaiming_normal",
        "&#60;b&#62;evil&#60;/b&#62;",
    ]
    xs = gd.evaluate("gd => gd._fullData[2].x")
    assert xs == [f"{2 * i} · LazyLinear" for i in range(7)]
    ys = gd.evaluate("gd => gd._fullData[2].y")
    weights = [r for r in record["gradients"]["kaiming_normal"] if r["param"] == "weight"]
    assert ys == pytest.approx([r["std"] for r in weights])
    assert gd.get_attribute("data-scale") == "log"  # N(0, 0.01) is orders of magnitude below
    loss = grads.locator(".lazyviz-inits-loss").text_content() or ""
    assert loss.startswith("loss = sum of outputs")
    assert "<b>evil</b>: every gradient is 0" in loss  # zeros: nothing to draw on a log axis

    # biases too, on request
    grads.locator(".lazyviz-inits-all input").check()
    page.wait_for_function(
        "() => document.querySelector('.lazyviz-inits-grads .lazyviz-inits-plot')"
        "._fullData[0].x.length === 14"
    )
    # clicking a point of the chart selects that parameter
    grads.locator("g.scatterlayer g.trace").nth(2).locator("path.point").nth(3).click(force=True)
    page.wait_for_function(
        "() => document.querySelector('.lazyviz-inits').dataset.selected === '2.bias'"
    )
    view.log.assert_clean()


def test_same_scale_toggle_and_point_mass_spike(
    open_offline: Any, exported: tuple[Path, dict[str, Any]]
) -> None:
    path, _ = exported
    view = open_offline(path, wait_for_widget=False)
    page = view.page
    page.wait_for_selector(".lazyviz-inits[data-ready]", state="attached", timeout=60_000)
    toggle = page.locator(".lazyviz-inits-same input")
    assert toggle.is_checked()  # on by default
    shared = dict(page.evaluate(PANEL_RANGES))
    assert len({tuple(r) for r in shared.values()}) == 1  # one x range for every panel
    assert shared["N(0, 0.01)"][0] < -0.2 and shared["N(0, 0.01)"][1] > 0.2

    toggle.uncheck()
    page.wait_for_function(
        "() => document.querySelector('.lazyviz-inits').dataset.sameScale === 'false'"
    )
    assert page.evaluate("() => window.lazyvizModel.get('same_scale')") is False
    own = dict(page.evaluate(PANEL_RANGES))
    # each panel on its own: N(0, 0.01) is ten times narrower than N(0, 0.2)-like laws
    assert _width(own["N(0, 0.01)"]) < _width(own["kaiming_normal"]) / 5
    assert _width(own["N(0, 0.01)"]) < _width(shared["N(0, 0.01)"]) / 5

    view.set("same_scale", True)  # from Python, as in a notebook
    page.wait_for_function("() => document.querySelector('.lazyviz-inits-same input').checked")
    assert dict(page.evaluate(PANEL_RANGES)) == shared

    # a zeros bias: a spike at 0 with its value, not a block of bars
    page.select_option("select.lazyviz-inits-picker", "2.bias")
    page.wait_for_function(
        "() => document.querySelector('.lazyviz-inits').dataset.selected === '2.bias'"
    )
    zeros = page.locator('.lazyviz-inits-panel[data-init="<b>evil</b>"] .lazyviz-inits-plot')
    assert zeros.get_attribute("data-kind") == "spike" and zeros.get_attribute("data-point") == "0"
    assert zeros.locator("g.barlayer path").count() == 0
    spike = zeros.evaluate("gd => gd._fullData.map(t => [t.type, t.x.slice(), t.y.slice()])")
    assert spike == [["scatter", [0, 0], [0, 1]]]
    assert zeros.locator("g.annotation-text-g text").text_content() == "all = 0"
    # drawn as a line a few pixels wide, not a full-width block
    box = zeros.locator("g.scatterlayer path.js-line").bounding_box()
    plot = zeros.locator("rect.nsewdrag").bounding_box()
    assert box is not None and plot is not None and box["width"] < 8 < plot["width"]
    view.log.assert_clean()


def test_dark_theme_colours_follow_the_page(
    open_offline: Any, exported: tuple[Path, dict[str, Any]]
) -> None:
    path, _ = exported
    for dark in (False, True):
        view = open_offline(path, dark=dark, wait_for_widget=False)
        page = view.page
        page.wait_for_selector(".lazyviz-inits[data-ready]", state="attached", timeout=60_000)
        page.wait_for_selector(".lazyviz-inits-grads g.legend text.legendtext", state="attached")
        lum = page.evaluate(
            """() => {
            const lum = c => { const m = c.match(/[\\d.]+/g).map(Number);
                               return (0.2126*m[0] + 0.7152*m[1] + 0.0722*m[2]) / 255; };
            const pick = s => [...document.querySelectorAll(s)].map(e =>
                lum(getComputedStyle(e).fill));
            return {
              page: lum(getComputedStyle(document.querySelector('.lazyviz-inits')).color),
              ticks: pick('.lazyviz-inits-plot g.xtick text, .lazyviz-inits-plot g.ytick text'),
              legend: pick('.lazyviz-inits-plot g.legend text'),
              titles: pick('.lazyviz-inits-plot g.g-ytitle text'),
              annotations: pick('.lazyviz-inits-plot g.annotation-text-g text'),
            };
        }"""
        )
        texts = lum["ticks"] + lum["legend"] + lum["titles"] + lum["annotations"]
        assert len(lum["ticks"]) > 20 and lum["legend"] and lum["titles"] and lum["annotations"]
        if dark:
            assert lum["page"] > 0.7 and min(texts) > 0.7, lum  # light text on a dark page
        else:
            assert lum["page"] < 0.3 and max(texts) < 0.3, lum
        view.log.assert_clean()
