"""Clicking a resolved node shows its parameters' histograms, one initializer at a time."""

from __future__ import annotations

import torch

import lazyviz
from lazyviz.models import mlp


def test_node_click_shows_histograms_with_an_initializer_selector(tmp_path, open_offline) -> None:
    w = lazyviz.LazyViz(mlp(), torch.rand(2, 20))
    w.step = w.steps
    view = open_offline(w.to_html(tmp_path / "hist.html"))
    view.page.locator('.lazyviz [data-path="0"]').first.click()
    picker = view.page.locator(".lazyviz select.lv-hist-pick")
    picker.wait_for()
    labels = picker.locator("option").all_text_contents()
    assert labels == ["default", "xavier_uniform", "kaiming_normal", "normal(std=0.01)"]
    captions = view.page.locator(".lazyviz .lv-hist figcaption")
    assert captions.count() == 2  # weight and bias of the one picked initializer
    default_text = captions.first.text_content()
    picker.select_option("normal(std=0.01)")
    assert "expected 0.0100" in (captions.first.text_content() or "")
    assert captions.first.text_content() != default_text
    view.log.assert_clean()
