# ruff: noqa: E501  (JavaScript run in the page is kept as written)
"""Keyboard-only use and accessible names of the widget on offline pages; two views, one clock.

In a notebook the widget's keys must stay with the widget: the root carries
``data-lm-suppress-shortcuts`` (JupyterLab) and a handled keydown never
reaches a document-level listener (Notebook 7's command mode listens there).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn

import lazyviz
from lazyviz.models import mlp

X = torch.rand(2, 20)

# A second view of the page's model, rendered as a notebook's second output of
# the same widget does: the page's own bundle, the page's own model object.
SECOND_VIEW = """async () => {
  const src = JSON.parse(document.getElementById('lazyviz-esm').textContent);
  const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
  const mod = await import(url);
  let widget = mod.default ?? mod;  // as the page's loader (export.py) reads it
  if (typeof widget === 'function') widget = await widget();
  const el = document.createElement('div');
  document.getElementById('lazyviz-root').appendChild(el);
  window.secondViewCleanup = await widget.render({ model: window.lazyvizModel, el });
  return document.querySelectorAll('.lazyviz').length;
}"""

ACTIVE = """() => { const a = document.activeElement;
  return a ? { tag: a.tagName, id: a.getAttribute('data-id'), path: a.getAttribute('data-path'),
               label: a.getAttribute('aria-label'), root: a.classList.contains('lazyviz') } : null; }"""


def _nested() -> nn.Module:
    return nn.Sequential(nn.Sequential(nn.LazyLinear(8), nn.ReLU()), nn.LazyLinear(2))


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("keys")
    return {
        "mlp": lazyviz.LazyViz(mlp(), X).to_html(out / "mlp.html"),
        "nested": lazyviz.LazyViz(_nested(), X).to_html(out / "nested.html"),
    }


def _tab_to_root(view: Any) -> None:
    view.page.evaluate("() => document.activeElement && document.activeElement.blur()")
    view.page.keyboard.press("Tab")
    assert view.page.evaluate(ACTIVE)["root"], "the first Tab does not land on the widget"


def test_keyboard_only_transport(pages, open_offline) -> None:
    view = open_offline(pages["mlp"])
    page = view.page
    _tab_to_root(view)
    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelector('.lazyviz').dataset.playing === 'true'")
    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelector('.lazyviz').dataset.playing === 'false'")
    page.keyboard.press("Home")
    assert view.step() == 0
    page.keyboard.press("ArrowRight")
    first = view.step()
    assert first > 0
    page.keyboard.press("ArrowRight")
    assert view.step() > first
    page.keyboard.press("ArrowLeft")
    assert view.step() == first
    page.keyboard.press("End")
    assert view.step() == view.steps() == 12
    page.keyboard.press("Home")
    assert view.step() == 0
    view.log.assert_clean()


def test_keys_work_on_controls_and_slider_keeps_arrows(pages, open_offline) -> None:
    view = open_offline(pages["mlp"])
    page = view.page
    page.locator(".lazyviz .lv-slider").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert view.step() == 2, "the slider moves one step per arrow, as a range input does"
    page.keyboard.press("Space")  # Space plays from the slider too
    page.wait_for_function("() => document.querySelector('.lazyviz').dataset.playing === 'true'")
    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelector('.lazyviz').dataset.playing === 'false'")
    page.keyboard.press("Home")
    assert view.step() == 0
    page.locator(".lazyviz button[aria-label^='Step forward']").focus()
    page.keyboard.press("End")
    assert view.step() == 12
    page.keyboard.press(
        "Space"
    )  # a focused button's Space is its own click: one step forward at the end
    assert view.step() == 12
    page.locator(".lazyviz button[aria-label^='Jump to start']").focus()
    page.keyboard.press("Enter")
    assert view.step() == 0
    view.log.assert_clean()


def test_tab_reaches_nodes_in_data_flow_order_and_enter_opens_details(pages, open_offline) -> None:
    view = open_offline(pages["mlp"])
    page = view.page
    _tab_to_root(view)
    seen: list[dict[str, Any]] = []
    for _ in range(12):
        page.keyboard.press("Tab")
        a = page.evaluate(ACTIVE)
        if a["id"]:
            seen.append(a)
        elif seen:
            break
    paths = [a["path"] for a in seen]
    assert paths == ["in0", "", "0", "1", "2", "out0"], paths
    assert seen[2]["label"].startswith("0 LazyLinear, unresolved, weight"), seen[2]["label"]
    # Tab has left the graph; Shift+Tab comes back to the last node and walks up the flow.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(ACTIVE)["path"] == "out0"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(ACTIVE)["path"] == "2"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(ACTIVE)["path"] == "0"
    page.keyboard.press("Enter")
    assert page.evaluate("() => window.lazyvizModel.get('selected')") == "n1"
    assert "LazyLinear" in page.locator(".lazyviz .lv-details").inner_text()
    page.keyboard.press("End")  # the animation keys still work on a focused node
    assert view.step() == 12
    label = page.evaluate(ACTIVE)["label"]
    assert label.startswith("0 LazyLinear, resolved, weight (8, 20)") or "resolved" in label, label
    view.log.assert_clean()


def test_minus_and_plus_fold_a_group_and_keep_focus(pages, open_offline) -> None:
    view = open_offline(pages["nested"])
    page = view.page
    group = page.locator(".lazyviz [data-path='0']")
    assert "lv-group" in (group.get_attribute("class") or "")
    _tab_to_root(view)
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate(ACTIVE)["path"] == "0":
            break
    assert page.evaluate(ACTIVE)["path"] == "0"
    page.keyboard.press("-")
    page.wait_for_function(
        "() => document.querySelector(\".lazyviz [data-path='0']\").classList.contains('lv-collapsed')"
    )
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.getAttribute('data-path') === '0'"
    )
    page.keyboard.press("+")
    page.wait_for_function(
        "() => document.querySelector(\".lazyviz [data-path='0']\").classList.contains('lv-group')"
    )
    view.log.assert_clean()


def test_handled_keys_do_not_reach_the_notebook(pages, open_offline) -> None:
    view = open_offline(pages["mlp"])
    page = view.page
    assert view.root().get_attribute("data-lm-suppress-shortcuts") == "true"
    _tab_to_root(view)
    # Notebook 7's command-mode shortcuts listen on the document, in the bubbling phase.
    page.evaluate(
        "() => { window.heard = []; document.addEventListener('keydown', e => window.heard.push(e.key)); }"
    )
    for key in ("ArrowRight", "ArrowLeft", "End", "Home", "Space", "Space"):
        page.keyboard.press(key)
    page.locator(".lazyviz .lv-slider").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("x")  # not the widget's: the notebook may have it
    assert page.evaluate("() => window.heard") == ["x"]
    view.log.assert_clean()


def test_accessible_names_and_polite_caption(pages, open_offline) -> None:
    view = open_offline(pages["mlp"])
    page = view.page
    root = view.root()
    assert root.get_attribute("role") == "figure"
    assert "Sequential" in (root.get_attribute("aria-label") or "")
    title = page.evaluate(
        "() => document.querySelector('.lazyviz svg.lv-svg > title')?.textContent"
    )
    assert title and "Sequential" in title
    caption = page.locator(".lazyviz .lv-caption")
    assert caption.get_attribute("aria-live") == "polite"
    view.set("speed", 0.25)
    view.set("playing", True)
    page.wait_for_function("() => document.querySelector('.lazyviz').dataset.playing === 'true'")
    assert caption.get_attribute("aria-live") == "off", (
        "a caption announced 4 times a second while playing"
    )
    view.set("playing", False)
    assert caption.get_attribute("aria-live") == "polite"
    view.log.assert_clean()


def test_two_views_of_one_model_share_one_clock(pages, open_offline) -> None:
    view = open_offline(pages["mlp"])
    page = view.page
    assert page.evaluate(SECOND_VIEW) == 2
    page.wait_for_selector(".lazyviz >> nth=1", state="attached")
    assert view.steps() == 12
    start = time.monotonic()
    view.set("playing", True)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.lazyviz')].every(r => r.dataset.step === '12')",
        timeout=10_000,
        polling=20,
    )
    elapsed = time.monotonic() - start
    # 12 steps at 4 events/s: the first after 1/8 s, then one each 1/4 s = 2.875 s; two clocks take half.
    assert 2.4 <= elapsed < 5.0, f"12 steps took {elapsed:.2f} s"
    assert page.evaluate("() => window.lazyvizModel.get('playing')") is False
    # The second view goes away; the first still plays alone at the same speed.
    page.evaluate("() => window.secondViewCleanup()")
    assert page.evaluate("() => document.querySelectorAll('.lazyviz').length") == 1
    view.log.assert_clean()
