"""The doctor's hint reaches the learner: in the error step's caption and the details panel."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

import lazyviz


def test_the_hint_is_in_the_caption_and_the_details_panel(tmp_path: Any, open_offline: Any) -> None:
    net = nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))
    w = lazyviz.LazyViz(net, torch.rand(2, 20))
    w.feed(torch.rand(2, 30))
    hint = w.to_dict()["error"]["hint"]
    assert "sized by the model's first batch" in hint
    failing = w.to_dict()["error"]["node"]
    view = open_offline(w.to_html(tmp_path / "doctor.html"))
    view.set("step", view.steps())
    view.page.wait_for_function(
        "hint => document.querySelector('.lazyviz').textContent.includes(hint)", arg=hint
    )
    view.set("selected", failing)
    panel = view.page.locator(".lazyviz .lv-d-hint")
    panel.wait_for()
    assert panel.inner_text() == hint
    assert view.states()["0"] == "error"
    view.log.assert_clean()
