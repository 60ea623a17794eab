"""A big model's page (~2,000 modules) in headless Chromium: repeated blocks fold into one box.

A transformer-like stack of 160 identical layers is drawn as one box labelled
"×160" carrying the first layer's ``data-path`` and a state summarizing all
160; opening it draws every layer with its own ``data-path``; playing to the
end resolves every node the batch visited, and the folded box's summary too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn

import lazyviz
from lazyviz.models import LazyTransformerLayer

LAYERS = 160
WIDTH = 8


class Stack(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.LazyLinear(WIDTH)
        self.layers = nn.Sequential(*[LazyTransformerLayer(WIDTH) for _ in range(LAYERS)])
        self.head = nn.LazyLinear(3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.layers(self.embed(x)))


@pytest.fixture(scope="module")
def big_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    model = Stack()
    assert 1_900 <= sum(1 for _ in model.modules()) <= 2_100
    w = lazyviz.LazyViz(model, torch.rand(1, 4, 5))
    return w.to_html(tmp_path_factory.mktemp("big") / "stack.html"), w.to_dict()


DRAWN = """(sel) => [...document.querySelectorAll(sel)].map(e => e.getAttribute('data-path'))"""


def test_repeated_layers_fold_into_one_box_that_opens(big_page, open_offline) -> None:
    path, record = big_page
    view = open_offline(path)
    page = view.page

    fold = page.locator(".lazyviz .lv-fold")
    assert fold.count() == 1
    assert fold.get_attribute("data-path") == "layers.0"
    assert fold.get_attribute("data-state") == "unresolved"
    assert f"×{LAYERS}" in (fold.text_content() or "")
    drawn = page.evaluate(DRAWN, ".lazyviz .lv-node[data-path]")
    assert len(drawn) < 20, "the stack is one box, not 2,000"
    assert "layers.1" not in drawn

    fold.click()
    page.wait_for_selector('.lazyviz .lv-node[data-path="layers.1"]')
    drawn = set(page.evaluate(DRAWN, ".lazyviz .lv-node[data-path]"))
    assert {f"layers.{i}" for i in range(LAYERS)} <= drawn
    assert page.locator(".lazyviz .lv-fold").count() == 0
    handle = page.locator(f'.lazyviz .lv-run[data-run="{record_id(record, "layers.0")}"]')
    assert f"×{LAYERS}" in (handle.text_content() or "")

    view.play_to_end()
    states = view.states()
    visited = {n["path"] for n in record["nodes"] if n["calls"] > 0}
    assert visited <= states.keys()
    assert {p: states[p] for p in visited if states[p] != "resolved"} == {}

    # Folding the run again: its box sums up 160 resolved layers.
    handle.click()
    page.wait_for_selector(".lazyviz .lv-fold")
    assert page.locator(".lazyviz .lv-fold").get_attribute("data-state") == "resolved"
    assert page.locator('.lazyviz .lv-node[data-path="layers.1"]').count() == 0
    view.log.assert_clean()


def record_id(record: dict[str, Any], path: str) -> str:
    return next(n["id"] for n in record["nodes"] if n["path"] == path and n["kind"] == "module")
