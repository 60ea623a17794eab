"""Every random draw of the private copy stays off the global generator, wherever it is made.

The private-random mode is only on where a draw is possible; these are the places
a draw can hide: user code between layers, a layer's own pre-hook, a forward set
on an instance, a ``defer_init`` initializer, dropout in training mode.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
from torch import nn

import lazyviz


class Noisy(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(5, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.fc(x) + torch.rand_like(x)
        return nn.functional.dropout(x, 0.5, True) + torch.randn(1)


def _pre_hooked() -> nn.Module:
    model = nn.Sequential(nn.Linear(5, 8))
    model[0].register_forward_pre_hook(lambda module, args: torch.rand(1) and None)
    return model


def _instance_forward() -> nn.Module:
    relu = nn.ReLU()
    relu.forward = lambda x: x + torch.randn_like(x)  # type: ignore[method-assign]
    return nn.Sequential(nn.Linear(5, 5), relu)


def _deferred() -> nn.Module:
    model = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(3))
    lazyviz.defer_init(model, "normal")
    return model


def _training_dropout() -> nn.Module:
    return nn.Sequential(nn.Linear(5, 5), nn.Dropout(0.5), nn.RReLU()).train()


def _training_attention() -> nn.Module:
    layer = nn.TransformerEncoderLayer(5, 1, 8, dropout=0.3, batch_first=True)
    return nn.TransformerEncoder(layer, 2, enable_nested_tensor=False).train()


@pytest.mark.parametrize(
    "build",
    [Noisy, _pre_hooked, _instance_forward, _deferred, _training_dropout, _training_attention],
)
def test_no_draw_reaches_the_global_generator(build: Callable[[], nn.Module]) -> None:
    model = build()
    batch = torch.rand(2, 3, 5)
    state = torch.get_rng_state()
    t = lazyviz.trace(model, batch)
    assert t.error is None
    assert torch.equal(torch.get_rng_state(), state)


def test_a_trace_in_eval_mode_records_the_same_as_in_training_mode() -> None:
    model = nn.Sequential(nn.Linear(5, 5), nn.Dropout(0.5), nn.Linear(5, 2))
    train = lazyviz.trace(model.train(), torch.rand(2, 5)).to_dict()
    test = lazyviz.trace(model.eval(), torch.rand(2, 5)).to_dict()
    assert train["events"] == test["events"] and train["edges"] == test["edges"]
